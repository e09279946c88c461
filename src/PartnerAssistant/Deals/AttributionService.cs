using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

public sealed record PartnerCredit(string PartnerId, string PartnerName, string PartnerType, decimal Credit, int Deals);

public sealed record DealAttribution(string Number, string Customer, string Opportunity, decimal Revenue, string Currency, DateOnly ClosedOn, AttributionModel Model, IReadOnlyList<PartnerCredit> Credits);

public sealed record PeriodAttribution(AttributionModel Model, DateOnly? From, DateOnly? To, string Currency, int Deals, decimal Revenue, IReadOnlyList<PartnerCredit> Credits);

/// <summary>One partner's figures for a period: revenue attributed under a model, influenced and sourced
/// revenue, the program's investment in it, and ROPI (attributed ÷ investment; null without investment).</summary>
public sealed record PartnerRevenue(
    string PartnerId, string PartnerName, string PartnerType, int WonDeals,
    decimal Attributed, decimal Influenced, decimal Sourced,
    decimal Mdf, decimal Rebates, decimal Enablement, decimal Investment, double? Ropi);

public sealed record PartnerTypeRevenue(string PartnerType, int Partners, decimal Attributed, decimal Influenced, decimal Sourced, decimal Investment, double? Ropi);

public sealed record RevenueReport(
    AttributionModel Model, DateOnly? From, DateOnly? To, string Currency,
    int WonDeals, decimal WonRevenue, decimal PartnerInfluenced, decimal PartnerSourced, decimal Investment, double? Ropi,
    IReadOnlyList<PartnerRevenue> Partners, IReadOnlyList<PartnerTypeRevenue> PartnerTypes);

/// <summary>
/// Attribution and program measures over the registry's won deals, in the reporting currency: credit per
/// partner for one deal or a period, partner-influenced and partner-sourced revenue, and ROPI per partner
/// and per partner type. For the vendor's sales reps and channel managers.
/// </summary>
public sealed class AttributionService(IServiceScopeFactory scopes, DealDirectory directory, IOptions<DealOptions> options)
{
    private DealOptions Settings => options.Value;

    private AttributionEngine Engine => new(Settings.TimeDecayHalfLifeDays, Settings.ShapleyExactLimit, Settings.ShapleySamples);

    public async Task<DealAttribution> ForDealAsync(Caller caller, long number, AttributionModel model, CancellationToken cancellationToken)
    {
        RequireInternal(caller);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var registration = await db.Registrations.AsNoTracking().Include(r => r.Touches).FirstOrDefaultAsync(r => r.Number == number, cancellationToken)
            ?? throw new DealNotFoundException(number);
        if (registration.Status != RegistrationStatus.Won)
        {
            throw new DealRuleException($"{registration.DisplayNumber} is {DealLifecycle.Describe(registration.Status)}; credit is shared once a deal is won.");
        }

        var history = model == AttributionModel.Shapley ? await HistoryAsync(db, null, cancellationToken) : null;
        var deal = ToDeal(registration);
        var credit = Engine.Credit(deal, model, history);
        var organisations = await OrganisationsAsync(cancellationToken);
        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == registration.CustomerId).Select(c => c.Name).FirstAsync(cancellationToken);
        return new DealAttribution(registration.DisplayNumber, customer, registration.Opportunity, deal.Revenue, Settings.ReportingCurrency, deal.ClosedOn, model,
            credit.Select(kv => Credit(kv.Key, kv.Value, 1, organisations)).OrderByDescending(c => c.Credit).ThenBy(c => c.PartnerId, StringComparer.Ordinal).ToList());
    }

    public async Task<PeriodAttribution> ForPeriodAsync(Caller caller, AttributionModel model, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        RequireInternal(caller);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var won = await WonAsync(db, from, to, cancellationToken);
        var history = model == AttributionModel.Shapley ? await HistoryAsync(db, to, cancellationToken) : null;
        var totals = new Dictionary<string, (decimal Credit, int Deals)>(StringComparer.Ordinal);
        var engine = Engine;
        foreach (var deal in won)
        {
            foreach (var (partner, credit) in engine.Credit(deal, model, history))
            {
                var current = totals.GetValueOrDefault(partner);
                totals[partner] = (current.Credit + credit, current.Deals + 1);
            }
        }

        var organisations = await OrganisationsAsync(cancellationToken);
        return new PeriodAttribution(model, from, to, Settings.ReportingCurrency, won.Count, won.Sum(d => d.Revenue),
            totals.Select(kv => Credit(kv.Key, kv.Value.Credit, kv.Value.Deals, organisations)).OrderByDescending(c => c.Credit).ThenBy(c => c.PartnerId, StringComparer.Ordinal).ToList());
    }

    public async Task<RevenueReport> RevenueAsync(Caller caller, AttributionModel model, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        RequireInternal(caller);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var won = await WonAsync(db, from, to, cancellationToken);
        var history = model == AttributionModel.Shapley ? await HistoryAsync(db, to, cancellationToken) : null;
        var investments = await db.Investments.AsNoTracking().ToListAsync(cancellationToken);
        var organisations = await OrganisationsAsync(cancellationToken);
        var engine = Engine;

        var attributed = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var influenced = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var sourced = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var dealsWon = new Dictionary<string, int>(StringComparer.Ordinal);
        decimal programInfluenced = 0, programSourced = 0;
        foreach (var deal in won)
        {
            foreach (var (partner, credit) in engine.Credit(deal, model, history))
            {
                attributed[partner] = attributed.GetValueOrDefault(partner) + credit;
            }

            var touching = deal.Touches.Select(t => t.PartnerId).Distinct(StringComparer.Ordinal).ToList();
            foreach (var partner in touching)
            {
                influenced[partner] = influenced.GetValueOrDefault(partner) + deal.Revenue;
                dealsWon[partner] = dealsWon.GetValueOrDefault(partner) + 1;
            }

            if (touching.Count > 0)
            {
                programInfluenced += deal.Revenue;
            }

            if (SourcingPartner(deal) is { } source)
            {
                sourced[source] = sourced.GetValueOrDefault(source) + deal.Revenue;
                programSourced += deal.Revenue;
            }
        }

        var partnerIds = attributed.Keys.Concat(influenced.Keys).Concat(investments.Select(i => i.PartnerId))
            .Distinct(StringComparer.Ordinal).Where(id => !organisations.TryGetValue(id, out var o) || !o.IsVendor).ToList();
        var partners = new List<PartnerRevenue>();
        foreach (var id in partnerIds)
        {
            decimal mdf = 0, rebates = 0, enablement = 0;
            foreach (var investment in investments.Where(i => i.PartnerId == id))
            {
                var share = (decimal)OverlapShare(investment.PeriodStart, investment.PeriodEnd, from, to);
                mdf += investment.Mdf * share;
                rebates += investment.Rebates * share;
                enablement += investment.Enablement * share;
            }

            var total = Math.Round(mdf + rebates + enablement, 2);
            var credit = attributed.GetValueOrDefault(id);
            organisations.TryGetValue(id, out var organisation);
            partners.Add(new PartnerRevenue(id, organisation?.Name ?? id, TypeName(organisation), dealsWon.GetValueOrDefault(id),
                credit, influenced.GetValueOrDefault(id), sourced.GetValueOrDefault(id),
                Math.Round(mdf, 2), Math.Round(rebates, 2), Math.Round(enablement, 2), total, Ropi(credit, total)));
        }

        partners = partners.OrderByDescending(p => p.Attributed).ThenBy(p => p.PartnerId, StringComparer.Ordinal).ToList();
        var types = partners.GroupBy(p => p.PartnerType)
            .Select(g => new PartnerTypeRevenue(g.Key, g.Count(), g.Sum(p => p.Attributed), g.Sum(p => p.Influenced), g.Sum(p => p.Sourced), g.Sum(p => p.Investment),
                Ropi(g.Sum(p => p.Attributed), g.Sum(p => p.Investment))))
            .OrderByDescending(t => t.Attributed).ThenBy(t => t.PartnerType, StringComparer.Ordinal)
            .ToList();
        var investmentTotal = partners.Sum(p => p.Investment);
        return new RevenueReport(model, from, to, Settings.ReportingCurrency, won.Count, won.Sum(d => d.Revenue), programInfluenced, programSourced,
            investmentTotal, Ropi(partners.Sum(p => p.Attributed), investmentTotal), partners, types);
    }

    /// <summary>The partner that sourced a deal: whoever registered it or referred it first, by date (then recording order).</summary>
    public static string? SourcingPartner(AttributionDeal deal) =>
        deal.Touches.Where(t => t.CreatedRegistration || t.Role == PartnerRole.Referral)
            .OrderBy(t => t.On).ThenBy(t => t.Order)
            .Select(t => t.PartnerId)
            .FirstOrDefault();

    /// <summary>The share of an investment period that falls inside the report's period (1 when the report is unbounded).</summary>
    internal static double OverlapShare(DateOnly start, DateOnly end, DateOnly? from, DateOnly? to)
    {
        var days = end.DayNumber - start.DayNumber + 1;
        if (days <= 0)
        {
            return 0;
        }

        var overlapStart = Math.Max(start.DayNumber, from?.DayNumber ?? int.MinValue);
        var overlapEnd = Math.Min(end.DayNumber, to?.DayNumber ?? int.MaxValue);
        return overlapEnd < overlapStart ? 0 : (overlapEnd - overlapStart + 1) / (double)days;
    }

    private async Task<List<AttributionDeal>> WonAsync(DealsDbContext db, DateOnly? from, DateOnly? to, CancellationToken cancellationToken)
    {
        var query = db.Registrations.AsNoTracking().Where(r => r.Status == RegistrationStatus.Won);
        if (from is { } f)
        {
            query = query.Where(r => r.ClosedOn >= f);
        }

        if (to is { } t)
        {
            query = query.Where(r => r.ClosedOn <= t);
        }

        var rows = await query.Include(r => r.Touches).OrderBy(r => r.Number).ToListAsync(cancellationToken);
        return rows.Select(ToDeal).ToList();
    }

    private static async Task<WinRateHistory> HistoryAsync(DealsDbContext db, DateOnly? to, CancellationToken cancellationToken)
    {
        var query = db.Registrations.AsNoTracking().Where(r => r.Status == RegistrationStatus.Won || r.Status == RegistrationStatus.Lost);
        if (to is { } t)
        {
            query = query.Where(r => r.ClosedOn <= t);
        }

        var closed = await query.Select(r => new { Won = r.Status == RegistrationStatus.Won, Roles = r.Touches.Select(x => x.Role).ToList() }).ToListAsync(cancellationToken);
        return new WinRateHistory(closed.Select(c => (WinRateHistory.MaskOf(c.Roles), c.Won)));
    }

    /// <summary>A registration as attribution sees it: revenue in the reporting currency, close date, touches. Public so the
    /// program's won-deal ledger shares credit exactly as this service does.</summary>
    public AttributionDeal ToDeal(DealRegistration r) => new(
        r.Number,
        Settings.ToReporting(r.ClosedAmount ?? r.Amount, r.Currency),
        r.ClosedOn ?? DealText.ToDate(r.SubmittedAtMs),
        r.Touches.Select(t => new AttributionTouch(t.PartnerId, t.Role, t.TouchedOn, t.Source == TouchSource.Registration, t.Id)).ToList());

    private async Task<IReadOnlyDictionary<string, Organisation>> OrganisationsAsync(CancellationToken cancellationToken) =>
        await directory.OrganisationsAsync(cancellationToken);

    private static PartnerCredit Credit(string partnerId, decimal credit, int deals, IReadOnlyDictionary<string, Organisation> organisations)
    {
        organisations.TryGetValue(partnerId, out var organisation);
        return new PartnerCredit(partnerId, organisation?.Name ?? partnerId, TypeName(organisation), credit, deals);
    }

    private static string TypeName(Organisation? organisation) => organisation?.PartnerType?.Describe() ?? "unknown";

    private static double? Ropi(decimal attributed, decimal investment) => investment > 0 ? Math.Round((double)(attributed / investment), 2) : null;

    private static void RequireInternal(Caller caller)
    {
        if (!DealRegistry.SeesAllDeals(caller))
        {
            throw new DealAccessDeniedException("Attribution and program revenue figures are for Northbeam sales reps and channel managers.");
        }
    }
}
