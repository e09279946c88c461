using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>Which registrations to list. Partners always get their own organisation's only, whatever the filter says.</summary>
public sealed record RegistrationFilter
{
    /// <summary>Only submitted, in-review and approved registrations.</summary>
    public bool OpenOnly { get; init; }

    public IReadOnlyList<RegistrationStatus>? Statuses { get; init; }
    public string? PartnerId { get; init; }

    /// <summary>A customer name or domain; matched like registrations match customers.</summary>
    public string? Customer { get; init; }

    public DateOnly? ClosedFrom { get; init; }
    public DateOnly? ClosedTo { get; init; }

    /// <summary>At most this many, newest first. Default: 100.</summary>
    public int Limit { get; init; } = 100;
}

public sealed partial class DealRegistry
{
    public async Task<IReadOnlyList<RegistrationView>> ListAsync(Caller caller, RegistrationFilter filter, CancellationToken cancellationToken)
    {
        RequireDealAccess(caller);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var query = Visible(db, caller).AsNoTracking();
        if (filter.OpenOnly)
        {
            query = query.Where(r => r.Status == RegistrationStatus.Submitted || r.Status == RegistrationStatus.UnderReview || r.Status == RegistrationStatus.Approved);
        }

        if (filter.Statuses is { Count: > 0 } statuses)
        {
            var wanted = statuses.ToList();
            query = query.Where(r => wanted.Contains(r.Status));
        }

        if (!string.IsNullOrWhiteSpace(filter.PartnerId))
        {
            query = query.Where(r => r.OrganisationId == filter.PartnerId);
        }

        if (!string.IsNullOrWhiteSpace(filter.Customer))
        {
            var (exact, _) = await CustomerResolver.FindAsync(db, filter.Customer, Settings.PossibleMatchThreshold, cancellationToken);
            var ids = exact.Select(c => c.Id).ToList();
            query = query.Where(r => ids.Contains(r.CustomerId));
        }

        if (filter.ClosedFrom is { } closedFrom)
        {
            query = query.Where(r => r.ClosedOn >= closedFrom);
        }

        if (filter.ClosedTo is { } closedTo)
        {
            query = query.Where(r => r.ClosedOn <= closedTo);
        }

        var rows = await query.OrderByDescending(r => r.Number).Take(Math.Clamp(filter.Limit, 1, 100_000)).Include(r => r.Touches).ToListAsync(cancellationToken);
        return await ToViewsAsync(db, rows, SeesAllDeals(caller), nowMs, withDecisions: false, cancellationToken);
    }

    /// <summary>One registration with its touches and decisions; <see cref="DealNotFoundException"/> when it does
    /// not exist or belongs to another organisation (the two are indistinguishable to a partner).</summary>
    public async Task<RegistrationView> FindAsync(Caller caller, long number, CancellationToken cancellationToken)
    {
        RequireDealAccess(caller);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var registration = await Visible(db, caller).AsNoTracking().Include(r => r.Touches).FirstOrDefaultAsync(r => r.Number == number, cancellationToken)
            ?? throw new DealNotFoundException(number);
        return (await ToViewsAsync(db, [registration], SeesAllDeals(caller), nowMs, withDecisions: true, cancellationToken))[0];
    }

    private async Task<RegistrationView?> FindBySubmissionAsync(Caller caller, string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var number = await db.Registrations.AsNoTracking()
            .Where(r => r.OrganisationId == caller.OrganisationId && r.SubmissionKey == key)
            .Select(r => r.Number)
            .FirstOrDefaultAsync(cancellationToken);
        return number == 0 ? null : await FindAsync(caller, number, cancellationToken);
    }

    /// <summary>The full view for the channel team's notifications (no caller: the system reads it).</summary>
    private async Task<RegistrationView> FindForNotificationAsync(long number, CancellationToken cancellationToken)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var registration = await db.Registrations.AsNoTracking().Include(r => r.Touches).FirstAsync(r => r.Number == number, cancellationToken);
        return (await ToViewsAsync(db, [registration], internalView: true, nowMs, withDecisions: true, cancellationToken))[0];
    }

    /// <summary>"Is Fabrikam registered?": the caller's own registrations for the customer, and only how many
    /// active ones other partners hold, for which products and roles — never who they are.</summary>
    public async Task<CustomerRegistrationAnswer> IsRegisteredAsync(Caller caller, string customer, CancellationToken cancellationToken)
    {
        RequireDealAccess(caller);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var (exact, possible) = await CustomerResolver.FindAsync(db, customer, Settings.PossibleMatchThreshold, cancellationToken);
        if (exact.Count == 0)
        {
            return new CustomerRegistrationAnswer(customer, null, [], 0, Products.None, [], possible.Count > 0);
        }

        var ids = exact.Select(c => c.Id).ToList();
        var active = await db.Registrations.AsNoTracking()
            .Where(r => ids.Contains(r.CustomerId)
                && (r.Status == RegistrationStatus.Submitted || r.Status == RegistrationStatus.UnderReview
                    || (r.Status == RegistrationStatus.Approved && r.ProtectedUntilMs > nowMs)))
            .Include(r => r.Touches)
            .ToListAsync(cancellationToken);
        var own = active.Where(r => r.OrganisationId == caller.OrganisationId).ToList();
        var others = active.Where(r => r.OrganisationId != caller.OrganisationId).ToList();
        var ownViews = await ToViewsAsync(db, own, SeesAllDeals(caller), nowMs, withDecisions: false, cancellationToken);
        return new CustomerRegistrationAnswer(
            customer,
            exact[0].Name,
            ownViews,
            others.Count,
            others.Aggregate(Products.None, (set, r) => set | r.Products),
            others.Select(r => DealCatalog.Describe(r.Role)).Distinct().ToList(),
            possible.Count > 0);
    }

    /// <summary>"Who is working on Contoso?": every partner touch on the customer's deals, with the registrations
    /// and customers whose names are close. For the vendor's sales reps and channel managers.</summary>
    public async Task<CustomerActivity> WhoIsWorkingOnAsync(Caller caller, string customer, CancellationToken cancellationToken)
    {
        RequireInternal(caller, "see every partner working on a customer");
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var (exact, possible) = await CustomerResolver.FindAsync(db, customer, Settings.PossibleMatchThreshold, cancellationToken);
        var ids = exact.Select(c => c.Id).ToList();
        var registrations = await db.Registrations.AsNoTracking().Where(r => ids.Contains(r.CustomerId)).Include(r => r.Touches)
            .OrderBy(r => r.Number).ToListAsync(cancellationToken);
        var views = await ToViewsAsync(db, registrations, internalView: true, nowMs, withDecisions: false, cancellationToken);
        var touches = views
            .Where(v => v.Status != RegistrationStatus.Rejected)
            .SelectMany(v => v.Touches.Select(t => new CustomerTouch(v.Customer, v.NumberText, v.Status, t.PartnerId, t.PartnerName, t.Role, t.TouchedOn,
                v.Status == RegistrationStatus.Approved && v.ProtectedUntil > DateTimeOffset.FromUnixTimeMilliseconds(nowMs) && t.Source == TouchSource.Registration)))
            .OrderBy(t => t.TouchedOn).ThenBy(t => t.Number, StringComparer.Ordinal)
            .ToList();
        return new CustomerActivity(customer, exact.Select(c => c.Name).ToList(), possible.Select(c => c.Name).ToList(), touches, views);
    }

    /// <summary>Registrations waiting for a decision, the most urgent first, with what is overdue. Channel managers only.</summary>
    public async Task<IReadOnlyList<RegistrationView>> ReviewQueueAsync(Caller caller, CancellationToken cancellationToken)
    {
        RequireChannelManager(caller, "review registrations");
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var rows = await db.Registrations.AsNoTracking()
            .Where(r => r.Status == RegistrationStatus.Submitted || r.Status == RegistrationStatus.UnderReview)
            .OrderBy(r => r.ReviewDueAtMs).ThenBy(r => r.Number)
            .Include(r => r.Touches)
            .ToListAsync(cancellationToken);
        return await ToViewsAsync(db, rows, internalView: true, nowMs, withDecisions: false, cancellationToken);
    }

    /// <summary>A registration with the registrations it conflicts with: the evidence a channel manager decides on.</summary>
    public async Task<(RegistrationView Registration, IReadOnlyList<RegistrationView> Competing)> ForReviewAsync(Caller caller, long number, CancellationToken cancellationToken)
    {
        RequireChannelManager(caller, "review registrations");
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
            if (!await db.Registrations.AnyAsync(r => r.Number == number, cancellationToken))
            {
                throw new DealNotFoundException(number);
            }
        }

        var view = await FindForNotificationAsync(number, cancellationToken);
        return (view, await CompetingAsync(view, cancellationToken));
    }

    /// <summary>Approved registrations whose protection ends within <paramref name="withinDays"/> days.</summary>
    public async Task<IReadOnlyList<RegistrationView>> ExpiringAsync(Caller caller, int withinDays, CancellationToken cancellationToken)
    {
        RequireDealAccess(caller);
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var untilMs = now.AddDays(Math.Clamp(withinDays, 1, 3650)).ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var rows = await Visible(db, caller).AsNoTracking()
            .Where(r => r.Status == RegistrationStatus.Approved && r.ProtectedUntilMs > nowMs && r.ProtectedUntilMs <= untilMs)
            .OrderBy(r => r.ProtectedUntilMs)
            .Include(r => r.Touches)
            .ToListAsync(cancellationToken);
        return await ToViewsAsync(db, rows, SeesAllDeals(caller), nowMs, withDecisions: false, cancellationToken);
    }

    /// <summary>The audit log, oldest first, optionally for one registration. Sales reps and channel managers only.</summary>
    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(Caller caller, long? number, CancellationToken cancellationToken)
    {
        RequireInternal(caller, "read the audit log");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var query = db.Audit.AsNoTracking();
        if (number is { } n)
        {
            query = query.Where(a => a.RegistrationNumber == n);
        }

        return await query.OrderBy(a => a.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Program investment rows, for ROPI. Sales reps and channel managers only.</summary>
    public async Task<IReadOnlyList<ProgramInvestment>> ListInvestmentsAsync(Caller caller, string? partnerId, CancellationToken cancellationToken)
    {
        RequireInternal(caller, "see program investment");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var query = db.Investments.AsNoTracking();
        if (partnerId is not null)
        {
            query = query.Where(i => i.PartnerId == partnerId);
        }

        return (await query.ToListAsync(cancellationToken)).OrderBy(i => i.PartnerId, StringComparer.Ordinal).ThenBy(i => i.PeriodStart).ToList();
    }

    private async Task<IReadOnlyList<RegistrationView>> ToViewsAsync(DealsDbContext db, IReadOnlyList<DealRegistration> rows, bool internalView, long nowMs, bool withDecisions, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var customerIds = rows.Select(r => r.CustomerId).Concat(rows.Where(r => r.PossibleMatchCustomerId is not null).Select(r => r.PossibleMatchCustomerId!.Value)).Distinct().ToList();
        var customers = await db.Customers.AsNoTracking().Where(c => customerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        var names = (await directory.OrganisationsAsync(cancellationToken)).ToDictionary(kv => kv.Key, kv => kv.Value.Name);
        var decisions = new Dictionary<long, List<DecisionView>>();
        if (withDecisions)
        {
            var registrationIds = rows.Select(r => r.Id).ToList();
            foreach (var decision in await db.Decisions.AsNoTracking().Where(d => registrationIds.Contains(d.RegistrationId)).OrderBy(d => d.Id).ToListAsync(cancellationToken))
            {
                (decisions.TryGetValue(decision.RegistrationId, out var list) ? list : decisions[decision.RegistrationId] = []).Add(ToView(decision));
            }
        }

        return rows.Select(r => ToView(r, customers.GetValueOrDefault(r.CustomerId, r.CustomerName),
            r.PossibleMatchCustomerId is { } match ? customers.GetValueOrDefault(match) : null,
            names, internalView, nowMs, decisions.GetValueOrDefault(r.Id) ?? [])).ToList();
    }

    private static RegistrationView ToView(DealRegistration r, string customer, string? possibleMatch, IReadOnlyDictionary<string, string> names, bool internalView, long nowMs, IReadOnlyList<DecisionView> decisions) => new()
    {
        Number = r.Number,
        Status = r.Status,
        PartnerId = r.OrganisationId,
        PartnerName = names.GetValueOrDefault(r.OrganisationId, r.OrganisationId),
        SubmittedBy = r.SubmittedBy,
        Customer = customer,
        PossibleMatch = internalView ? possibleMatch : null,
        FlaggedPossibleMatch = r.PossibleMatchCustomerId is not null,
        Opportunity = r.Opportunity,
        Products = r.Products,
        Amount = r.Amount,
        Currency = r.Currency,
        ExpectedClose = r.ExpectedClose,
        Role = r.Role,
        SubmittedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.SubmittedAtMs),
        ReviewDueAt = DateTimeOffset.FromUnixTimeMilliseconds(r.ReviewDueAtMs),
        DecidedAt = r.DecidedAtMs is { } decided ? DateTimeOffset.FromUnixTimeMilliseconds(decided) : null,
        ProtectedUntil = r.ProtectedUntilMs is { } until ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null,
        Extended = r.Extended,
        ConflictRule = r.ConflictRule,
        ConflictReason = r.ConflictReason,
        ConflictsWith = internalView && r.ConflictsWith is { Length: > 0 } with ? with.Split(',') : [],
        ClosedOn = r.ClosedOn,
        ClosedAmount = r.ClosedAmount,
        IsOverdue = DealLifecycle.IsPendingReview(r.Status) && r.ReviewDueAtMs <= nowMs,
        Touches = r.Touches.OrderBy(t => t.TouchedOn).ThenBy(t => t.Id)
            .Select(t => new TouchView(t.PartnerId, names.GetValueOrDefault(t.PartnerId, t.PartnerId), t.Role, t.TouchedOn, t.Source)).ToList(),
        Decisions = decisions,
    };

    private static DecisionView ToView(ReviewDecision d) =>
        new(d.Kind, d.Rule, d.Reason, d.DecidedBy, DateTimeOffset.FromUnixTimeMilliseconds(d.DecidedAtMs));
}
