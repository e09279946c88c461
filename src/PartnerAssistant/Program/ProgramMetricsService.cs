using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerAssistant.Deals;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>What the dashboard (and the chat summary) is filtered by.</summary>
public sealed record MetricsFilter(DateOnly From, DateOnly To, PartnerType? PartnerType = null, Tier? Tier = null, string? Region = null)
{
    public bool FiltersPartners => PartnerType is not null || Tier is not null || !string.IsNullOrWhiteSpace(Region);
}

public sealed record MonthPoint(string Month, decimal Influenced, decimal Sourced, decimal Attributed);

public sealed record PartnerTypeFigures(string PartnerType, int Partners, decimal Attributed, decimal Investment, double? Ropi);

public sealed record RevenueFigures(int WonDeals, decimal WonRevenue, decimal PartnerInfluenced, decimal PartnerSourced, decimal Attributed,
    decimal Mdf, decimal Rebates, decimal Enablement, decimal Investment, double? Ropi);

public sealed record TimeToValueFigures(int Partners, int Reached, double? MedianDays, double? AverageDays, double? WithinTargetShare, int TargetDays, int Waiting, int WaitingBeyondTarget,
    IReadOnlyList<LabelCount> Buckets);

public sealed record ChannelCost(decimal Cost, double NewCustomers, decimal? Cac);

public sealed record CacFigures(ChannelCost Partner, ChannelCost? Direct, string Note);

public sealed record CltvGroup(string AcquiredBy, int Customers, decimal AverageLifetimeRevenue, decimal TotalRevenue);

/// <summary>A count under a label (a chart bar); a record rather than a tuple so it serialises to JSON with its names.</summary>
public sealed record LabelCount(string Label, int Count);

public sealed record RegistrationFigures(IReadOnlyList<LabelCount> ByStatus, int PendingReviews, int OverdueReviews);

public sealed record MdfFigures(decimal Budget, decimal Committed, decimal PaidInPeriod, int OpenRequests, int OpenClaims);

/// <summary>Every figure of the program dashboard for one filter and one caller's view.</summary>
public sealed record ProgramMetrics(
    string Scope, MetricsFilter Filter, string Currency, int PartnersInView, DateTimeOffset ComputedAt, long ComputeMs,
    RevenueFigures Revenue, IReadOnlyList<MonthPoint> Monthly, IReadOnlyList<PartnerTypeFigures> ByPartnerType,
    TimeToValueFigures TimeToValue, PsatSummary Psat, CacFigures Cac, IReadOnlyList<CltvGroup> Cltv,
    RegistrationFigures Registrations, MdfFigures Mdf);

/// <summary>
/// The program's metrics: partner-influenced and partner-sourced revenue, attributed revenue and ROPI (by partner type), time
/// to value, PSAT, CAC by channel, CLTV by acquiring partner type, registrations by status and overdue reviews, MDF — for a
/// period and a partner type, tier and region. Sums run in SQL over the won-deal ledger (itself the deals capability's
/// attribution) and the program's tables, so a request reads aggregates, not a hundred thousand deals. Channel managers and
/// sales reps see the program; a partner sees only its own organisation's figures.
/// </summary>
public sealed class ProgramMetricsService(
    IServiceScopeFactory scopes,
    DirectoryService directory,
    WonDealLedger ledger,
    CustomerLifetimeBook lifetimes,
    PsatService psat,
    IOptions<DealOptions> dealOptions,
    IOptions<OnboardingOptions> onboardingOptions,
    TimeProvider time)
{
    public async Task<ProgramMetrics> ComputeAsync(Caller caller, MetricsFilter filter, CancellationToken cancellationToken)
    {
        var internalView = ProgramAccess.SeesAllPartners(caller);
        if (!internalView && !caller.Role.IsPartner())
        {
            throw new ProgramAccessDeniedException($"Program metrics are for channel managers, sales reps and partners; a {caller.Role.Describe()} has no access to them.");
        }

        if (filter.To < filter.From)
        {
            throw new ProgramValidationException(["The period ends before it starts."]);
        }

        var watch = Stopwatch.StartNew();
        await ledger.RefreshAsync(cancellationToken);
        await lifetimes.RefreshAsync(cancellationToken);
        var organisations = await directory.ListOrganisationsAsync(cancellationToken);
        var partners = organisations.Where(o => !o.IsVendor).ToList();
        var inView = internalView
            ? partners.Where(o => (filter.PartnerType is null || o.PartnerType == filter.PartnerType)
                && (filter.Tier is null || (o.Tier ?? Tier.Registered) == filter.Tier)
                && (string.IsNullOrWhiteSpace(filter.Region) || string.Equals(o.Region, filter.Region, StringComparison.OrdinalIgnoreCase))).ToList()
            : partners.Where(o => o.Id == caller.OrganisationId).ToList();
        var byId = inView.ToDictionary(o => o.Id, StringComparer.Ordinal);
        // Restricting to a set of partners in SQL only when the view is not the whole program.
        var restrict = !internalView || filter.FiltersPartners;
        var ids = byId.Keys.ToList();
        var (fromDay, toDay) = (filter.From.DayNumber, filter.To.DayNumber);
        var (fromMs, toMs) = (ProgramText.ToUnixMs(filter.From), ProgramText.ToUnixMs(filter.To.AddDays(1)));

        List<ProgramInvestment> investments;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
            investments = await deals.Investments.AsNoTracking().Where(i => i.PeriodEnd >= filter.From && i.PeriodStart <= filter.To).ToListAsync(cancellationToken);
        }

        // Program investment (MDF paid, rebates, enablement) from the deals capability's table, pro-rated to the period as ROPI there is.
        decimal mdf = 0, rebates = 0, enablement = 0;
        var investmentByPartner = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var investment in investments.Where(i => byId.ContainsKey(i.PartnerId)))
        {
            var share = (decimal)AttributionService.OverlapShare(investment.PeriodStart, investment.PeriodEnd, filter.From, filter.To);
            mdf += investment.Mdf * share;
            rebates += investment.Rebates * share;
            enablement += investment.Enablement * share;
            investmentByPartner[investment.PartnerId] = investmentByPartner.GetValueOrDefault(investment.PartnerId) + (investment.Total * share);
        }

        var investmentTotal = Math.Round(mdf + rebates + enablement, 2);

        // Revenue: won deals in the period, those with a touch by a partner in view (influenced), sourced by one, and credit.
        // Under a partner restriction (a partner's own view, or a manager's filter) only deals a partner in view touched are
        // won deals of the view: the program's other deals are other organisations' business.
        string SourcedFilter(string? partnerIn) => restrict ? $"d.sourcing_partner_id IN ({partnerIn})" : "d.sourcing_partner_id IS NOT NULL";
        var monthlyTask = WithSqlAsync(restrict, ids, (sql, partnerIn) => sql.QueryAsync($"""
            SELECT d.closed_month,
                   SUM(CASE WHEN d.has_partner_touch = {sql.True} THEN d.revenue_cents ELSE 0 END),
                   SUM(CASE WHEN {SourcedFilter(partnerIn)} THEN d.revenue_cents ELSE 0 END),
                   COUNT(*), SUM(d.revenue_cents)
            FROM program_won_deals d
            WHERE d.closed_day >= @from AND d.closed_day <= @to
              {(restrict ? $"AND EXISTS (SELECT 1 FROM program_deal_credits c WHERE c.registration_id = d.registration_id AND c.partner_id IN ({partnerIn}))" : "")}
            GROUP BY d.closed_month
            """, r => (Month: I(r, 0), Influenced: L(r, 1), Sourced: L(r, 2), Deals: I(r, 3), Revenue: L(r, 4)),
            cancellationToken, ("from", fromDay), ("to", toDay)), cancellationToken);
        var creditsTask = WithSqlAsync(restrict, ids, (sql, partnerIn) => sql.QueryAsync($"""
            SELECT c.partner_id, c.closed_month, SUM(c.credit_cents)
            FROM program_deal_credits c
            WHERE c.closed_day >= @from AND c.closed_day <= @to {(restrict ? $"AND c.partner_id IN ({partnerIn})" : "")}
            GROUP BY c.partner_id, c.closed_month
            """, r => (Partner: r.GetString(0), Month: I(r, 1), Cents: L(r, 2)), cancellationToken, ("from", fromDay), ("to", toDay)), cancellationToken);
        // The other figures do not depend on these sums: their queries run meanwhile, each on its own connection.
        var timeToValueTask = TimeToValueAsync(byId, filter, cancellationToken);
        var psatTask = psat.SummaryAsync(filter.From, filter.To, byId, allPartners: !restrict, withComments: internalView, cancellationToken);
        var registrationsTask = RegistrationsAsync(restrict, ids, fromMs, toMs, cancellationToken);
        var mdfTask = MdfAsync(restrict, ids, filter, fromMs, toMs, cancellationToken);
        var customersTask = CustomersAsync(restrict, ids, byId, internalView, filter, investmentTotal, cancellationToken);
        var monthly = await monthlyTask;
        var credits = await creditsTask;
        var attributedByPartner = credits.GroupBy(c => c.Partner).ToDictionary(g => g.Key, g => g.Sum(c => c.Cents) / 100m, StringComparer.Ordinal);
        var attributedByMonth = credits.GroupBy(c => c.Month).ToDictionary(g => g.Key, g => g.Sum(c => c.Cents) / 100m);

        var attributed = attributedByPartner.Where(kv => byId.ContainsKey(kv.Key)).Sum(kv => kv.Value);
        var revenue = new RevenueFigures(
            monthly.Sum(m => m.Deals), monthly.Sum(m => m.Revenue) / 100m, monthly.Sum(m => m.Influenced) / 100m, monthly.Sum(m => m.Sourced) / 100m,
            attributed, Math.Round(mdf, 2), Math.Round(rebates, 2), Math.Round(enablement, 2), investmentTotal, Ropi(attributed, investmentTotal));
        var months = new List<MonthPoint>();
        for (var month = new DateOnly(filter.From.Year, filter.From.Month, 1); month <= filter.To; month = month.AddMonths(1))
        {
            var key = (month.Year * 100) + month.Month;
            var row = monthly.FirstOrDefault(m => m.Month == key);
            months.Add(new MonthPoint(month.ToString("yyyy-MM", CultureInfo.InvariantCulture), row.Influenced / 100m, row.Sourced / 100m, attributedByMonth.GetValueOrDefault(key)));
        }

        var byType = inView.GroupBy(o => o.PartnerType?.Describe() ?? "unknown")
            .Select(g =>
            {
                var typeAttributed = g.Sum(o => attributedByPartner.GetValueOrDefault(o.Id));
                var typeInvestment = Math.Round(g.Sum(o => investmentByPartner.GetValueOrDefault(o.Id)), 2);
                return new PartnerTypeFigures(g.Key, g.Count(), typeAttributed, typeInvestment, Ropi(typeAttributed, typeInvestment));
            })
            .OrderByDescending(t => t.Attributed).ThenBy(t => t.PartnerType, StringComparer.Ordinal)
            .ToList();

        var (cac, cltv) = await customersTask;
        var timeToValue = await timeToValueTask;
        var psatSummary = await psatTask;
        var registrations = await registrationsTask;
        var mdfFigures = await mdfTask;

        var scopeName = internalView ? (filter.FiltersPartners ? "filtered partners" : "program") : caller.Organisation.Name;
        return new ProgramMetrics(scopeName, filter, dealOptions.Value.ReportingCurrency, inView.Count, time.GetUtcNow(), watch.ElapsedMilliseconds,
            revenue, months, byType, timeToValue, psatSummary, cac, cltv, registrations, mdfFigures);
    }

    /// <summary>The figures as CSV: one row per figure (section, metric, dimension, value), invariant culture.</summary>
    public static string ToCsv(ProgramMetrics m)
    {
        var csv = new StringBuilder("section,metric,dimension,value\r\n");
        void Row(string section, string metric, string dimension, object? value)
        {
            var text = value switch
            {
                null => "",
                decimal d => d.ToString("0.##", CultureInfo.InvariantCulture),
                double d => d.ToString("0.###", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            using var row = new StringWriter(csv);
            CsvCells.WriteRow(row, [section, metric, dimension, text]);
        }

        Row("filter", "from", "", m.Filter.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Row("filter", "to", "", m.Filter.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Row("filter", "partner_type", "", m.Filter.PartnerType?.ToString());
        Row("filter", "tier", "", m.Filter.Tier?.ToString());
        Row("filter", "region", "", m.Filter.Region);
        Row("filter", "scope", "", m.Scope);
        Row("revenue", "won_deals", "", m.Revenue.WonDeals);
        Row("revenue", "won_revenue", m.Currency, m.Revenue.WonRevenue);
        Row("revenue", "partner_influenced", m.Currency, m.Revenue.PartnerInfluenced);
        Row("revenue", "partner_sourced", m.Currency, m.Revenue.PartnerSourced);
        Row("revenue", "attributed", m.Currency, m.Revenue.Attributed);
        Row("investment", "mdf", m.Currency, m.Revenue.Mdf);
        Row("investment", "rebates", m.Currency, m.Revenue.Rebates);
        Row("investment", "enablement", m.Currency, m.Revenue.Enablement);
        Row("investment", "total", m.Currency, m.Revenue.Investment);
        Row("ropi", "program", "", m.Revenue.Ropi);
        foreach (var type in m.ByPartnerType)
        {
            Row("ropi", "partner_type", type.PartnerType, type.Ropi);
            Row("revenue", "attributed_by_partner_type", type.PartnerType, type.Attributed);
        }

        foreach (var month in m.Monthly)
        {
            Row("monthly", "partner_influenced", month.Month, month.Influenced);
            Row("monthly", "partner_sourced", month.Month, month.Sourced);
            Row("monthly", "attributed", month.Month, month.Attributed);
        }

        Row("time_to_value", "partners", "", m.TimeToValue.Partners);
        Row("time_to_value", "reached_first_win", "", m.TimeToValue.Reached);
        Row("time_to_value", "median_days", "", m.TimeToValue.MedianDays);
        Row("time_to_value", "within_target_share", $"{m.TimeToValue.TargetDays} days", m.TimeToValue.WithinTargetShare);
        Row("time_to_value", "waiting", "", m.TimeToValue.Waiting);
        foreach (var (label, count) in m.TimeToValue.Buckets.Select(b => (b.Label, b.Count)))
        {
            Row("time_to_value", "partners_by_days", label, count);
        }

        Row("psat", "responses", "", m.Psat.Responses);
        Row("psat", "average_score", "", m.Psat.AverageScore);
        Row("psat", "low_share", "", m.Psat.LowShare);
        foreach (var group in m.Psat.ByPartnerType)
        {
            Row("psat", "average_score_by_partner_type", group.Name, group.AverageScore);
        }

        foreach (var quarter in m.Psat.Trend)
        {
            Row("psat", "average_score_by_quarter", quarter.Quarter, quarter.AverageScore);
        }

        Row("cac", "partner_cost", m.Currency, m.Cac.Partner.Cost);
        Row("cac", "partner_new_customers", "", m.Cac.Partner.NewCustomers);
        Row("cac", "partner_cac", m.Currency, m.Cac.Partner.Cac);
        if (m.Cac.Direct is { } direct)
        {
            Row("cac", "direct_cost", m.Currency, direct.Cost);
            Row("cac", "direct_new_customers", "", direct.NewCustomers);
            Row("cac", "direct_cac", m.Currency, direct.Cac);
        }

        foreach (var group in m.Cltv)
        {
            Row("cltv", "customers", group.AcquiredBy, group.Customers);
            Row("cltv", "average_lifetime_revenue", group.AcquiredBy, group.AverageLifetimeRevenue);
        }

        foreach (var (status, count) in m.Registrations.ByStatus.Select(b => (b.Label, b.Count)))
        {
            Row("registrations", "by_status", status, count);
        }

        Row("registrations", "pending_reviews", "", m.Registrations.PendingReviews);
        Row("registrations", "overdue_reviews", "", m.Registrations.OverdueReviews);
        Row("mdf", "budget", m.Currency, m.Mdf.Budget);
        Row("mdf", "committed", m.Currency, m.Mdf.Committed);
        Row("mdf", "paid_in_period", m.Currency, m.Mdf.PaidInPeriod);
        Row("mdf", "open_requests", "", m.Mdf.OpenRequests);
        return csv.ToString();
    }

    private async Task<TimeToValueFigures> TimeToValueAsync(IReadOnlyDictionary<string, Organisation> inView, MetricsFilter filter, CancellationToken cancellationToken)
    {
        var target = onboardingOptions.Value.TimeToValueTargetDays;
        var toMs = ProgramText.ToUnixMs(filter.To.AddDays(1));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var records = (await db.Partners.AsNoTracking().Where(p => p.InvitedAtMs < toMs).ToListAsync(cancellationToken)).Where(p => inView.ContainsKey(p.OrganisationId)).ToList();
        var reached = records.Where(r => r.TimeToValueDays is not null && r.FirstWonOn <= filter.To).Select(r => r.TimeToValueDays!.Value).Order().ToList();
        var waiting = records.Where(r => r.TimeToValueDays is null || r.FirstWonOn > filter.To).ToList();
        // Only partners invited at least the target's days before the period's end could have met it.
        var eligible = records.Where(r => filter.To.DayNumber - ProgramText.ToDate(r.InvitedAtMs).DayNumber >= target).ToList();
        var within = eligible.Count(r => r.TimeToValueDays <= target && r.FirstWonOn <= filter.To);
        (string Label, int Min, int Max)[] ranges = [("0–30", 0, 30), ("31–60", 31, 60), ("61–90", 61, 90), ("91–180", 91, 180), ("181+", 181, int.MaxValue)];
        var buckets = ranges.Select(b => new LabelCount(b.Label, reached.Count(d => d >= b.Min && d <= b.Max))).ToList();
        buckets.Add(new LabelCount("not yet", waiting.Count));
        return new TimeToValueFigures(records.Count, reached.Count, Median(reached), reached.Count == 0 ? null : Math.Round(reached.Average(), 1),
            eligible.Count == 0 ? null : Math.Round(within / (double)eligible.Count, 3), target, waiting.Count,
            waiting.Count(r => filter.To.DayNumber - ProgramText.ToDate(r.InvitedAtMs).DayNumber > target), buckets);
    }

    private async Task<(CacFigures Cac, IReadOnlyList<CltvGroup> Cltv)> CustomersAsync(
        bool restrict, IReadOnlyList<string> ids, IReadOnlyDictionary<string, Organisation> inView, bool internalView,
        MetricsFilter filter, decimal investment, CancellationToken cancellationToken)
    {
        var (fromDay, toDay) = (filter.From.DayNumber, filter.To.DayNumber);
        var toMonth = (filter.To.Year * 100) + filter.To.Month;
        // Each customer's lifetime revenue at the period's end: its latest month-end figure at or before it, one index seek
        // per customer in the lifetime book, however many months of history there are.
        const string Lifetime = """
            SELECT c.customer_key, c.deal_customer_id, l.lifetime_cents FROM program_revenue_customers c
            JOIN program_customer_lifetime l ON l.customer_key = c.customer_key
             AND l.month = (SELECT MAX(x.month) FROM program_customer_lifetime x WHERE x.customer_key = c.customer_key AND x.month <= @toMonth)
            WHERE c.first_month <= @toMonth
            """;
        // The three scans below are independent: each runs on its own connection.
        // New customers: customers whose first won deal closed in the period (every registered deal came through a partner).
        var newCustomersTask = WithSqlAsync(restrict, ids, (sql, partnerIn) => sql.ScalarAsync($"""
            SELECT COUNT(*) FROM program_won_deals d
            WHERE d.closed_day >= @from AND d.closed_day <= @to AND d.has_partner_touch = {sql.True} AND d.first_of_customer = {sql.True}
              {(restrict ? $"AND d.sourcing_partner_id IN ({partnerIn})" : "")}
            """, cancellationToken, ("from", fromDay), ("to", toDay)), cancellationToken);
        var acquiredTask = WithSqlAsync(restrict, ids, (sql, partnerIn) => sql.QueryAsync($"""
            SELECT d.sourcing_partner_id, COUNT(*), SUM(r.total)
            FROM program_won_deals d
            JOIN (SELECT t.deal_customer_id, SUM(t.lifetime_cents) AS total FROM ({Lifetime}) t
                  WHERE t.deal_customer_id IS NOT NULL GROUP BY t.deal_customer_id) r ON r.deal_customer_id = d.customer_id
            WHERE d.first_of_customer = {sql.True} AND d.closed_day <= @to {(restrict ? $"AND d.sourcing_partner_id IN ({partnerIn})" : "")}
            GROUP BY d.sourcing_partner_id
            """, r => (Partner: r.IsDBNull(0) ? null : r.GetString(0), Customers: I(r, 1), Cents: L(r, 2)),
            cancellationToken, ("toMonth", toMonth), ("to", toDay)), cancellationToken);
        // Customers no partner deal brought in: direct sales (the vendor's own view only). A customer is one revenue key,
        // linked to the deal book's customer when the importer knew it.
        var directTask = internalView
            ? WithSqlAsync(false, [], (sql, _) => sql.QueryAsync($"""
                SELECT COUNT(*), COALESCE(SUM(t.lifetime_cents), 0) FROM ({Lifetime}) t
                WHERE t.deal_customer_id IS NULL OR NOT EXISTS (
                    SELECT 1 FROM program_won_deals w WHERE w.customer_id = t.deal_customer_id AND w.first_of_customer = {sql.True} AND w.closed_day <= @to)
                """, r => (Customers: I(r, 0), Cents: L(r, 1)), cancellationToken, ("toMonth", toMonth), ("to", toDay)), cancellationToken)
            : null;

        List<CostInput> inputs;
        await using (var scope = scopes.CreateAsyncScope())
        {
            inputs = await scope.ServiceProvider.GetRequiredService<ProgramDbContext>().CostInputs.AsNoTracking().Where(c => c.PeriodEnd >= filter.From && c.PeriodStart <= filter.To).ToListAsync(cancellationToken);
        }

        var newCustomers = await newCustomersTask;
        decimal partnerInputs = 0, directCost = 0;
        double directCustomers = 0;
        foreach (var input in inputs)
        {
            var share = AttributionService.OverlapShare(input.PeriodStart, input.PeriodEnd, filter.From, filter.To);
            if (input.Channel == AcquisitionChannel.Partner)
            {
                partnerInputs += input.AmountCents / 100m * (decimal)share;
            }
            else
            {
                directCost += input.AmountCents / 100m * (decimal)share;
                directCustomers += (input.NewCustomers ?? 0) * share;
            }
        }

        // Channel-wide cost inputs are not split by partner, so under a partner filter only the investment in those partners counts.
        var partnerCost = Math.Round(investment + (restrict ? 0 : partnerInputs), 2);
        var partner = new ChannelCost(partnerCost, newCustomers, newCustomers > 0 ? Math.Round(partnerCost / newCustomers, 2) : null);
        var direct = internalView
            ? new ChannelCost(Math.Round(directCost, 2), Math.Round(directCustomers, 1), directCustomers > 0 ? Math.Round(directCost / (decimal)directCustomers, 2) : null)
            : null;
        var note = restrict
            ? "Partner CAC counts the program investment in the partners in view; channel-wide cost inputs are left out under a partner filter."
            : "Partner CAC = partner-channel cost inputs + program investment, over customers whose first won deal closed in the period; direct CAC from the direct-sales cost inputs.";

        // CLTV: lifetime revenue (recognised, up to the period's end) per customer, by the type of the partner that sourced its first won deal.
        var acquired = await acquiredTask;
        var groups = acquired
            .GroupBy(a => a.Partner is { } p && inView.TryGetValue(p, out var o) ? o.PartnerType?.Describe() ?? "unknown" : a.Partner is null ? "partner (no sourcing partner)" : "other partners")
            .Where(g => g.Key != "other partners")
            .Select(g => new CltvGroup(g.Key, g.Sum(a => a.Customers), Math.Round(g.Sum(a => a.Cents) / 100m / g.Sum(a => a.Customers), 2), g.Sum(a => a.Cents) / 100m))
            .OrderByDescending(g => g.AverageLifetimeRevenue)
            .ToList();
        if (directTask is not null)
        {
            var directRows = await directTask;
            if (directRows[0].Customers > 0)
            {
                groups.Add(new CltvGroup("direct sales", directRows[0].Customers, Math.Round(directRows[0].Cents / 100m / directRows[0].Customers, 2), directRows[0].Cents / 100m));
            }
        }

        return (new CacFigures(partner, direct, note), groups);
    }

    private async Task<RegistrationFigures> RegistrationsAsync(bool restrict, IReadOnlyList<string> ids, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var registrations = deals.Registrations.AsNoTracking();
        if (restrict)
        {
            registrations = registrations.Where(r => ids.Contains(r.OrganisationId));
        }

        var byStatus = await registrations.Where(r => r.SubmittedAtMs >= fromMs && r.SubmittedAtMs < toMs)
            .GroupBy(r => r.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var pending = await registrations.Where(r => r.Status == RegistrationStatus.Submitted || r.Status == RegistrationStatus.UnderReview)
            .GroupBy(r => r.ReviewDueAtMs <= nowMs).Select(g => new { Overdue = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return new RegistrationFigures(
            Enum.GetValues<RegistrationStatus>().Select(s => new LabelCount(DealLifecycle.Describe(s), byStatus.FirstOrDefault(b => b.Status == s)?.Count ?? 0)).ToList(),
            pending.Sum(p => p.Count), pending.Where(p => p.Overdue).Sum(p => p.Count));
    }

    private async Task<MdfFigures> MdfAsync(bool restrict, IReadOnlyList<string> ids, MetricsFilter filter, long fromMs, long toMs, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var budgets = db.MdfBudgets.AsNoTracking().Where(b => b.PeriodEnd >= filter.From && b.PeriodStart <= filter.To);
        var requests = db.MdfRequests.AsNoTracking();
        if (restrict)
        {
            budgets = budgets.Where(b => ids.Contains(b.OrganisationId));
            requests = requests.Where(r => ids.Contains(r.OrganisationId));
        }

        // One group at most; read as a list so EF Core does not warn about First without OrderBy on every request.
        var totals = (await budgets.GroupBy(b => 1).Select(g => new { Amount = g.Sum(b => b.AmountCents), Committed = g.Sum(b => b.CommittedCents) }).ToListAsync(cancellationToken)).FirstOrDefault();
        var budgetIds = budgets.Select(b => b.Id);
        var paid = await db.MdfLedger.AsNoTracking().Where(e => e.Kind == LedgerKind.Pay && e.AtMs >= fromMs && e.AtMs < toMs && budgetIds.Contains(e.BudgetId)).SumAsync(e => e.AmountCents, cancellationToken);
        var open = await requests.Where(r => r.Status == MdfStatus.Requested || r.Status == MdfStatus.Claimed)
            .GroupBy(r => r.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return new MdfFigures((totals?.Amount ?? 0) / 100m, (totals?.Committed ?? 0) / 100m, paid / 100m,
            open.Where(o => o.Key == MdfStatus.Requested).Sum(o => o.Count), open.Where(o => o.Key == MdfStatus.Claimed).Sum(o => o.Count));
    }

    /// <summary>Runs one aggregate on its own scope and connection, with the partners in view as an <c>IN</c> list when restricted.</summary>
    private async Task<T> WithSqlAsync<T>(bool restrict, IReadOnlyList<string> ids, Func<Sql, string?, Task<T>> query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var scope = scopes.CreateAsyncScope();
        var sql = new Sql(scope.ServiceProvider.GetRequiredService<ProgramDbContext>());
        return await query(sql, restrict ? sql.In(ids) : null);
    }

    private static long L(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? 0 : Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static int I(DbDataReader reader, int ordinal) => (int)L(reader, ordinal);

    private static double? Ropi(decimal attributed, decimal investment) => investment > 0 ? Math.Round((double)(attributed / investment), 2) : null;

    private static double? Median(IReadOnlyList<int> sorted) => sorted.Count == 0 ? null
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2.0;

    /// <summary>
    /// Raw aggregate SQL over the context's connection. The statements use only what SQLite and PostgreSQL share (integer
    /// columns, standard SQL); partner lists become parameter lists, and booleans are written the way each stores them.
    /// </summary>
    private sealed class Sql(DbContext db)
    {
        private readonly List<(string Name, object Value)> _lists = [];

        public string True => db.Database.IsNpgsql() ? "TRUE" : "1";

        /// <summary>A parameter list for <c>IN (…)</c>; an empty list matches nothing.</summary>
        public string In(IReadOnlyList<string> values)
        {
            if (values.Count == 0)
            {
                return "NULL";
            }

            var names = new List<string>(values.Count);
            foreach (var value in values)
            {
                var name = "in" + _lists.Count.ToString(CultureInfo.InvariantCulture);
                _lists.Add((name, value));
                names.Add("@" + name);
            }

            return string.Join(", ", names);
        }

        public async Task<List<T>> QueryAsync<T>(string text, Func<DbDataReader, T> read, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = Command(text, parameters);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                var rows = new List<T>();
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add(read(reader));
                }

                return rows;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        public async Task<int> ScalarAsync(string text, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await using var command = Command(text, parameters);
                return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        private DbCommand Command(string text, (string Name, object Value)[] parameters)
        {
            var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = text;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            foreach (var (name, value) in parameters.Concat(_lists.Where(l => text.Contains("@" + l.Name, StringComparison.Ordinal))))
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@" + name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }

            return command;
        }
    }
}
