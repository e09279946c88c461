using System.Data.Common;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>
/// The deal registry: registers, decides, extends and closes deal registrations, records touches,
/// and answers questions about them. Every method takes the <see cref="Caller"/> and applies their
/// rights here, whatever the chat or API in front of it asked for: partners see and change only
/// their own organisation's registrations; sales reps and channel managers see all; only channel
/// managers decide. Each state change passes <see cref="DealLifecycle.Check"/> and is written to
/// the audit log in the same transaction.
/// </summary>
public sealed partial class DealRegistry(
    IServiceScopeFactory scopes,
    DealDirectory directory,
    IOptions<DealOptions> options,
    TimeProvider time,
    DealNotifier notifier,
    ILogger<DealRegistry> logger)
{
    private DealOptions Settings => options.Value;

    /// <summary>Sales reps and channel managers see every registration; partners only their organisation's.</summary>
    public static bool SeesAllDeals(Caller caller) => caller.Role is Role.SalesRep or Role.ChannelManager;

    /// <summary>Submits a registration for the caller's organisation. The same <see cref="RegistrationRequest.SubmissionKey"/>
    /// delivered again (or concurrently) returns the registration the first delivery created.</summary>
    public async Task<RegistrationResult> RegisterAsync(Caller caller, RegistrationRequest request, CancellationToken cancellationToken)
    {
        RequirePartner(caller, "register deals");
        request = request.Normalized();
        var now = time.GetUtcNow();
        IReadOnlyList<Organisation> organisations = request.OtherPartners.Count > 0 ? (await directory.OrganisationsAsync(cancellationToken)).Values.ToList() : [caller.Organisation];
        var problems = RegistrationValidator.Validate(request, caller.Organisation, organisations, Settings, Today(now));
        if (problems.Count > 0)
        {
            throw new DealValidationException(problems);
        }

        var key = request.SubmissionKey.Length > 0 ? request.SubmissionKey : Guid.NewGuid().ToString("N");
        if (key.Length > 100)
        {
            throw new DealValidationException(["The submission key is longer than 100 characters."]);
        }

        RegistrationResult result;
        RegistrationView? forChannelTeam;
        try
        {
            (result, forChannelTeam) = await RegisterOnceAsync(caller, request with { SubmissionKey = key }, organisations, now, cancellationToken);
        }
        catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException)
        {
            // The same submission was registered before (or by a delivery committing a moment earlier): the
            // unique index on (organisation, key) refused this one, and the earlier registration is the answer.
            var existing = await FindBySubmissionAsync(caller, key, cancellationToken);
            if (existing is null)
            {
                throw;
            }

            logger.LogInformation(ex, "Submission {Key} of {Organisation} arrived again; answered with {Number}", key, caller.OrganisationId, existing.NumberText);
            return new RegistrationResult(existing, true, ConflictAssessment.None, null);
        }

        if (forChannelTeam is not null)
        {
            logger.LogInformation("{Person} registered {Number} for {Customer}: {Status}", caller.Person.Id, result.Registration.NumberText, result.Registration.Customer, result.Registration.Status);
            notifier.Post(async ct => await notifier.RegistrationSubmittedAsync(forChannelTeam, await CompetingAsync(forChannelTeam, ct), ct));
        }

        return result;
    }

    /// <summary>Checks a registration without saving it: the problems, or what would happen (conflict or not).
    /// Used to show the partner what they are about to confirm.</summary>
    public async Task<(IReadOnlyList<string> Problems, ConflictAssessment Assessment, RegistrationView? AlreadyRegistered)> PreviewAsync(
        Caller caller, RegistrationRequest request, CancellationToken cancellationToken)
    {
        RequirePartner(caller, "register deals");
        request = request.Normalized();
        if (request.SubmissionKey.Length > 0 && await FindBySubmissionAsync(caller, request.SubmissionKey, cancellationToken) is { } existing)
        {
            return ([], ConflictAssessment.None, existing);
        }

        var now = time.GetUtcNow();
        IReadOnlyList<Organisation> organisations = request.OtherPartners.Count > 0 ? (await directory.OrganisationsAsync(cancellationToken)).Values.ToList() : [caller.Organisation];
        var problems = RegistrationValidator.Validate(request, caller.Organisation, organisations, Settings, Today(now));
        if (problems.Count > 0)
        {
            return (problems, ConflictAssessment.None, null);
        }

        return ([], await CheckConflictsAsync(caller, request.Customer, request.Products, request.Role!.Value, cancellationToken), null);
    }

    /// <summary>The conflict check a registration runs, without registering: the customer the name means (and a
    /// possible match), then the active registrations that overlap in products, sorted by what they mean under
    /// the rules of engagement. For a partner; the result names no other partner until it is turned into text.</summary>
    public async Task<ConflictAssessment> CheckConflictsAsync(Caller caller, string customer, Products products, PartnerRole role, CancellationToken cancellationToken)
    {
        RequirePartner(caller, "register deals");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var (exact, possible) = await CustomerResolver.FindAsync(db, customer, Settings.PossibleMatchThreshold, cancellationToken);
        return await ConflictDetector.AssessAsync(db, exact.FirstOrDefault()?.Id, possible.FirstOrDefault()?.Id, products, role,
            caller.OrganisationId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
    }

    /// <summary>The registration (or the earlier one with the same key), and for a new one the channel team's view of it.</summary>
    private async Task<(RegistrationResult Result, RegistrationView? ForChannelTeam)> RegisterOnceAsync(
        Caller caller, RegistrationRequest request, IReadOnlyList<Organisation> organisations, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var today = Today(now);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();

        // SQLite: BEGIN IMMEDIATE takes the write lock up front, so registrations run one at a time.
        // PostgreSQL: an advisory lock per customer name prefix serialises registrations that could conflict.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            var lockKey = "deal-customer:" + CustomerNames.BlockingKey(CustomerNames.Normalize(request.Customer));
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({lockKey}))", cancellationToken);
        }

        // A repeated submission key is caught by the unique index when saving (see RegisterAsync): no read here.
        var (customer, possibleMatch) = await CustomerResolver.ResolveAsync(db, request.Customer, request.CustomerDomain, caller.OrganisationId, Settings.PossibleMatchThreshold, nowMs, cancellationToken);
        var role = request.Role!.Value;
        var isNew = customer.Id == 0;
        var assessment = await ConflictDetector.AssessAsync(db, isNew ? null : customer.Id, possibleMatch?.Id, request.Products, role, caller.OrganisationId, nowMs, cancellationToken);
        var number = await NextNumberAsync(db, cancellationToken);
        var registration = new DealRegistration
        {
            Number = number,
            OrganisationId = caller.OrganisationId,
            SubmittedBy = caller.Person.Id,
            CustomerId = customer.Id,
            CustomerName = request.Customer,
            PossibleMatchCustomerId = possibleMatch?.Id,
            Opportunity = request.Opportunity,
            Products = request.Products,
            Amount = request.Amount!.Value,
            Currency = request.Currency,
            ExpectedClose = request.ExpectedClose!.Value,
            Role = role,
            Status = RegistrationStatus.Submitted,
            SubmissionKey = request.SubmissionKey,
            SubmittedAtMs = nowMs,
            ReviewDueAtMs = BusinessDays.Add(now, Settings.ReviewBusinessDays).ToUnixTimeMilliseconds(),
        };
        registration.Touches.Add(new PartnerTouch { PartnerId = caller.OrganisationId, Role = role, TouchedOn = today, Source = TouchSource.Registration, RecordedBy = caller.Person.Id, RecordedAtMs = nowMs });
        foreach (var other in request.OtherPartners)
        {
            registration.Touches.Add(new PartnerTouch { PartnerId = other.PartnerId, Role = other.Role, TouchedOn = today, Source = TouchSource.Listed, RecordedBy = caller.Person.Id, RecordedAtMs = nowMs });
        }

        var actor = Actor.Of(caller);
        var audit = new List<AuditEntry>();
        audit.Add(actor.Entry("submitted", number, null, RegistrationStatus.Submitted, DealRules.Review, null, new
        {
            customer = request.Customer,
            newCustomer = isNew,
            possibleMatchCustomerId = possibleMatch?.Id,
            products = DealCatalog.Describe(request.Products),
            amount = request.Amount,
            currency = request.Currency,
            expectedClose = request.ExpectedClose,
            role = DealCatalog.Code(role),
            otherPartners = request.OtherPartners.Select(p => $"{p.PartnerId}:{DealCatalog.Code(p.Role)}"),
            submissionKey = request.SubmissionKey,
        }, nowMs));

        if (assessment.NeedsReview)
        {
            DealLifecycle.Check(number, registration.Status, RegistrationStatus.UnderReview);
            registration.Status = RegistrationStatus.UnderReview;
            registration.ConflictRule = assessment.Rule;
            registration.ConflictReason = assessment.PartnerReason(request.Products, role, Settings.ReviewBusinessDays);
            registration.ConflictsWith = string.Join(",", assessment.Conflicts.Concat(assessment.OwnOverlaps).Select(c => RegistrationNumber.Format(c.Number)));
            audit.Add(actor.Entry("status", number, RegistrationStatus.Submitted, RegistrationStatus.UnderReview, assessment.Rule, registration.ConflictReason,
                new { conflictsWith = registration.ConflictsWith, possibleMatchCustomerId = possibleMatch?.Id }, nowMs));
        }

        await RegistrationWriter.InsertAsync(db, registration, isNew ? customer : null, audit, cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var names = (await directory.OrganisationsAsync(cancellationToken)).ToDictionary(kv => kv.Key, kv => kv.Value.Name);
        names[caller.OrganisationId] = caller.Organisation.Name;
        var result = ToView(registration, customer.Name, possibleMatch?.Name, names, internalView: false, nowMs, []);
        var forChannelTeam = ToView(registration, customer.Name, possibleMatch?.Name, names, internalView: true, nowMs, []);
        return (new RegistrationResult(result, false, assessment, assessment.NeedsReview ? null : assessment.CoexistenceNote(role)), forChannelTeam);
    }

    /// <summary>A channel manager approves or rejects a registration, citing the rule applied and a reason.
    /// Both the registering partner and partners whose registrations it conflicted with are told.</summary>
    public async Task<RegistrationView> DecideAsync(Caller caller, long number, bool approve, string? reason, string? rule, CancellationToken cancellationToken)
    {
        RequireChannelManager(caller, approve ? "approve registrations" : "reject registrations");
        reason = reason?.Trim();
        var citedRule = rule is null or "" ? null : ParseRule(rule) ?? throw new DealValidationException([$"\"{rule}\" is not a rule of engagement; cite RoE-1 to RoE-6."]);
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var registration = await db.Registrations.FirstOrDefaultAsync(r => r.Number == number, cancellationToken) ?? throw new DealNotFoundException(number);
        var from = registration.Status;
        var to = approve ? RegistrationStatus.Approved : RegistrationStatus.Rejected;
        var transitionRule = DealLifecycle.Check(number, from, to);
        if (string.IsNullOrWhiteSpace(reason))
        {
            if (!approve || from == RegistrationStatus.UnderReview)
            {
                throw new DealValidationException(["Give a reason for the decision: both partners are told, and it is kept in the audit log."]);
            }

            reason = "No conflicting registration; approved under the program's registration rules.";
        }

        if (reason.Length > 2000)
        {
            throw new DealValidationException(["The reason is longer than 2,000 characters."]);
        }

        var decisionRule = citedRule ?? registration.ConflictRule ?? transitionRule;
        registration.Status = to;
        registration.DecidedAtMs = nowMs;
        if (approve)
        {
            registration.ApprovedAtMs = nowMs;
            registration.ProtectionDays = Settings.ProtectionDays;
            registration.ProtectedUntilMs = now.AddDays(Settings.ProtectionDays).ToUnixTimeMilliseconds();
        }

        var decision = new ReviewDecision
        {
            RegistrationId = registration.Id,
            Kind = approve ? DecisionKind.Approved : DecisionKind.Rejected,
            Rule = decisionRule,
            Reason = reason,
            DecidedBy = caller.Person.Id,
            DecidedAtMs = nowMs,
        };
        db.Decisions.Add(decision);
        db.Audit.Add(Actor.Of(caller).Entry("decision", number, from, to, decisionRule, reason,
            approve ? new { protectionDays = Settings.ProtectionDays, protectedUntil = registration.ProtectedUntilMs } : null, nowMs));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DealRuleException($"{RegistrationNumber.Format(number)} was decided by someone else a moment ago; ask for its status to see the decision.");
        }

        logger.LogInformation("{Person} {Decision} {Number} under {Rule}", caller.Person.Id, decision.Kind, RegistrationNumber.Format(number), decisionRule);
        var view = await FindForNotificationAsync(number, cancellationToken);
        var decided = ToView(decision);
        notifier.Post(async ct => await notifier.DecisionAsync(view, decided, await CompetingAsync(view, ct), ct));
        return view;
    }

    /// <summary>Extends protection once by the configured extension, on request before expiry, while the opportunity is active.</summary>
    public async Task<RegistrationView> ExtendAsync(Caller caller, long number, string? reason, CancellationToken cancellationToken)
    {
        RequireDealAccess(caller);
        if (caller.Role == Role.SalesRep)
        {
            throw new DealAccessDeniedException("Extensions are requested by the registered partner or granted by a channel manager.");
        }

        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var registration = await Visible(db, caller).FirstOrDefaultAsync(r => r.Number == number, cancellationToken) ?? throw new DealNotFoundException(number);
        var name = registration.DisplayNumber;
        if (registration.Status == RegistrationStatus.Expired || (registration.Status == RegistrationStatus.Approved && registration.ProtectedUntilMs <= nowMs))
        {
            throw new DealRuleException($"{name} expired on {DealText.Date(registration.ProtectedUntilMs ?? nowMs)}; an extension has to be requested before expiry. Submit a new registration if the opportunity is still active.");
        }

        if (registration.Status != RegistrationStatus.Approved)
        {
            throw new DealRuleException(DealLifecycle.IsPendingReview(registration.Status)
                ? $"{name} is not approved yet, so there is no protection to extend."
                : $"{name} is {DealLifecycle.Describe(registration.Status)}; only an approved registration of an active opportunity can be extended.");
        }

        if (registration.Extended)
        {
            throw new DealRuleException($"{name} has already been extended once (protected until {DealText.Date(registration.ProtectedUntilMs!.Value)}); protection can be extended only once.");
        }

        var previous = registration.ProtectedUntilMs!.Value;
        registration.ProtectedUntilMs = DateTimeOffset.FromUnixTimeMilliseconds(previous).AddDays(Settings.ExtensionDays).ToUnixTimeMilliseconds();
        registration.Extended = true;
        registration.LastReminderDays = null;
        var why = string.IsNullOrWhiteSpace(reason) ? "Extension requested before expiry." : reason.Trim();
        db.Decisions.Add(new ReviewDecision { RegistrationId = registration.Id, Kind = DecisionKind.Extended, Rule = DealRules.Extension, Reason = why, DecidedBy = caller.Person.Id, DecidedAtMs = nowMs });
        db.Audit.Add(Actor.Of(caller).Entry("extended", number, registration.Status, registration.Status, DealRules.Extension, why,
            new { from = previous, to = registration.ProtectedUntilMs, days = Settings.ExtensionDays }, nowMs));
        await SaveOrExplainAsync(db, number, cancellationToken);
        return await FindAsync(caller, number, cancellationToken);
    }

    /// <summary>Closes a deal as won or lost with its amount. The registering partner or the vendor's staff may.</summary>
    public async Task<RegistrationView> RecordOutcomeAsync(Caller caller, long number, bool won, decimal? amount, DateOnly? closedOn, CancellationToken cancellationToken)
    {
        RequireDealAccess(caller);
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var today = Today(now);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var registration = await Visible(db, caller).FirstOrDefaultAsync(r => r.Number == number, cancellationToken) ?? throw new DealNotFoundException(number);
        var to = won ? RegistrationStatus.Won : RegistrationStatus.Lost;
        var from = registration.Status;
        var rule = DealLifecycle.Check(number, from, to);
        var problems = new List<string>();
        if (amount is <= 0)
        {
            problems.Add($"The amount must be more than zero (you entered {Money.Format(amount.Value, registration.Currency)}).");
        }
        else if (amount is { } given && Settings.ToReporting(given, registration.Currency) > Settings.MaxAmount)
        {
            problems.Add($"{Money.Format(given, registration.Currency)} is more than one deal can carry (at most {Money.Format(Settings.MaxAmount, Settings.ReportingCurrency)}); check the number of zeros.");
        }

        var closed = closedOn ?? today;
        if (closed > today)
        {
            problems.Add($"The close date {DealText.Date(closed)} is in the future; record the outcome once the deal has closed.");
        }

        if (problems.Count > 0)
        {
            throw new DealValidationException(problems);
        }

        registration.Status = to;
        registration.ClosedOn = closed;
        registration.ClosedAmount = amount ?? registration.Amount;
        db.Audit.Add(Actor.Of(caller).Entry("outcome", number, from, to, rule, null,
            new { amount = registration.ClosedAmount, currency = registration.Currency, closedOn = closed }, nowMs));
        await SaveOrExplainAsync(db, number, cancellationToken);
        return await FindAsync(caller, number, cancellationToken);
    }

    /// <summary>Records a partner's touch on a deal (partner, role, date). Partners may add touches to their own
    /// registrations; sales reps and channel managers to any. Recording the same touch again changes nothing.</summary>
    public async Task<RegistrationView> RecordTouchAsync(Caller caller, long number, string partnerId, PartnerRole role, DateOnly? touchedOn, CancellationToken cancellationToken)
    {
        RequireDealAccess(caller);
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var on = touchedOn ?? Today(now);
        var partner = await directory.FindOrganisationAsync(partnerId, cancellationToken);
        var problems = new List<string>();
        if (partner is null || partner.IsVendor)
        {
            problems.Add($"I don't know a partner \"{partnerId}\".");
        }
        else if (!DealCatalog.RolesFor(partner.PartnerType).Contains(role))
        {
            problems.Add($"{partner.Name} ({partner.PartnerType?.Describe()}) cannot take the {DealCatalog.Describe(role)} role; it can be {string.Join(", ", DealCatalog.RolesFor(partner.PartnerType).Select(DealCatalog.Describe))}.");
        }

        if (on > Today(now))
        {
            problems.Add($"The touch date {DealText.Date(on)} is in the future.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var registration = await Visible(db, caller).Include(r => r.Touches).FirstOrDefaultAsync(r => r.Number == number, cancellationToken) ?? throw new DealNotFoundException(number);
        if (problems.Count > 0)
        {
            throw new DealValidationException(problems);
        }

        if (registration.Status == RegistrationStatus.Rejected)
        {
            throw new DealRuleException($"{registration.DisplayNumber} was rejected; touches are recorded on registrations that stand.");
        }

        if (!registration.Touches.Any(t => t.PartnerId == partnerId && t.Role == role && t.TouchedOn == on))
        {
            registration.Touches.Add(new PartnerTouch { PartnerId = partnerId, Role = role, TouchedOn = on, Source = TouchSource.Recorded, RecordedBy = caller.Person.Id, RecordedAtMs = nowMs });
            db.Audit.Add(Actor.Of(caller).Entry("touch", number, null, null, DealRules.RolesCoexist, null, new { partner = partnerId, role = DealCatalog.Code(role), on }, nowMs));
            await db.SaveChangesAsync(cancellationToken);
        }

        return await FindAsync(caller, number, cancellationToken);
    }

    /// <summary>Sets what the program invested in a partner over a period (MDF paid, rebates, enablement cost,
    /// in the reporting currency): the denominator of ROPI. Channel managers only.</summary>
    public async Task<ProgramInvestment> SetInvestmentAsync(Caller caller, string partnerId, DateOnly start, DateOnly end, decimal mdf, decimal rebates, decimal enablement, CancellationToken cancellationToken)
    {
        RequireChannelManager(caller, "set program investment");
        var problems = new List<string>();
        if (await directory.FindOrganisationAsync(partnerId, cancellationToken) is not { IsVendor: false })
        {
            problems.Add($"I don't know a partner \"{partnerId}\".");
        }

        if (end < start)
        {
            problems.Add("The period ends before it starts.");
        }

        if (mdf < 0 || rebates < 0 || enablement < 0)
        {
            problems.Add("Investment amounts cannot be negative.");
        }

        if (problems.Count > 0)
        {
            throw new DealValidationException(problems);
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var investment = await db.Investments.FirstOrDefaultAsync(i => i.PartnerId == partnerId && i.PeriodStart == start && i.PeriodEnd == end, cancellationToken);
        if (investment is null)
        {
            investment = new ProgramInvestment { PartnerId = partnerId, PeriodStart = start, PeriodEnd = end, UpdatedBy = caller.Person.Id };
            db.Investments.Add(investment);
        }

        investment.Mdf = mdf;
        investment.Rebates = rebates;
        investment.Enablement = enablement;
        investment.UpdatedBy = caller.Person.Id;
        investment.UpdatedAtMs = nowMs;
        db.Audit.Add(Actor.Of(caller).Entry("investment", null, null, null, null, null, new { partner = partnerId, start, end, mdf, rebates, enablement }, nowMs));
        await db.SaveChangesAsync(cancellationToken);
        return investment;
    }

    private async Task<IReadOnlyList<RegistrationView>> CompetingAsync(RegistrationView view, CancellationToken cancellationToken)
    {
        var numbers = view.ConflictsWith.Select(RegistrationNumber.Parse).OfType<long>().Where(n => n != view.Number).ToList();
        if (numbers.Count == 0)
        {
            return [];
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var rows = await db.Registrations.AsNoTracking().Where(r => numbers.Contains(r.Number)).Include(r => r.Touches).OrderBy(r => r.Number).ToListAsync(cancellationToken);
        return await ToViewsAsync(db, rows, internalView: true, time.GetUtcNow().ToUnixTimeMilliseconds(), withDecisions: false, cancellationToken);
    }

    private static async Task SaveOrExplainAsync(DealsDbContext db, long number, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DealRuleException($"{RegistrationNumber.Format(number)} changed a moment ago; ask for its status and try again.");
        }
    }

    /// <summary>The next registration number: a sequence on PostgreSQL, the counter row on SQLite (inside the
    /// registration's write transaction, so no two registrations get the same number).</summary>
    internal static async Task<long> NextNumberAsync(DealsDbContext db, CancellationToken cancellationToken)
    {
        var sql = db.Database.IsNpgsql()
            ? $"SELECT nextval('{DealsDbContext.NumberSequence}')"
            : $"UPDATE deal_counters SET next_value = next_value + 1 WHERE name = '{DealsDbContext.RegistrationCounter}' RETURNING next_value - 1";
        return await ScalarAsync(db, sql, cancellationToken);
    }

    /// <summary>Makes sure numbers handed out from now on are above <paramref name="highest"/> (after an import with numbers).</summary>
    internal static async Task EnsureNumbersAboveAsync(DealsDbContext db, long highest, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"""
                SELECT setval('deal_registration_number', {highest}, true)
                WHERE {highest} > (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM deal_registration_number)
                """, cancellationToken);
        }
        else
        {
            await db.Database.ExecuteSqlAsync($"UPDATE deal_counters SET next_value = MAX(next_value, {highest + 1}) WHERE name = 'registration'", cancellationToken);
        }
    }

    private static async Task<long> ScalarAsync(DealsDbContext db, string sql, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await using DbCommand command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = sql;
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static string? ParseRule(string text)
    {
        var compact = new string(text.Where(char.IsLetterOrDigit).ToArray()).ToUpperInvariant();
        return compact.Length == 4 && compact.StartsWith("ROE", StringComparison.Ordinal) && compact[3] is >= '1' and <= '6' ? $"RoE-{compact[3]}" : null;
    }

    private static DateOnly Today(DateTimeOffset now) => DateOnly.FromDateTime(now.UtcDateTime);

    private static IQueryable<DealRegistration> Visible(DealsDbContext db, Caller caller) =>
        SeesAllDeals(caller) ? db.Registrations : db.Registrations.Where(r => r.OrganisationId == caller.OrganisationId);

    private static void RequireDealAccess(Caller caller)
    {
        if (!caller.Role.IsPartner() && !SeesAllDeals(caller))
        {
            throw new DealAccessDeniedException($"Deal registrations are for partners, sales reps and channel managers; a {caller.Role.Describe()} has no access to them.");
        }
    }

    private static void RequirePartner(Caller caller, string what)
    {
        if (!caller.Role.IsPartner() || caller.Organisation.IsVendor)
        {
            throw new DealAccessDeniedException($"Only partners {what}; as a {caller.Role.Describe()} you can look them up instead.");
        }
    }

    private static void RequireChannelManager(Caller caller, string what)
    {
        if (caller.Role != Role.ChannelManager)
        {
            throw new DealAccessDeniedException($"Only channel managers {what}.");
        }
    }

    private static void RequireInternal(Caller caller, string what)
    {
        if (!SeesAllDeals(caller))
        {
            throw new DealAccessDeniedException($"Only Northbeam sales reps and channel managers {what}.");
        }
    }
}

/// <summary>Who an audit entry names: a person, the lifecycle service, or the command line.</summary>
internal sealed record Actor(string Id, string Role)
{
    public static Actor System { get; } = new("system", "system");

    public static Actor Of(Caller caller) => new(caller.Person.Id, caller.Role.Slug());

    public AuditEntry Entry(string action, long? number, RegistrationStatus? from, RegistrationStatus? to, string? rule, string? reason, object? details, long atMs) => new()
    {
        AtMs = atMs,
        Actor = Id,
        ActorRole = Role,
        Action = action,
        RegistrationNumber = number,
        FromStatus = from,
        ToStatus = to,
        Rule = rule,
        Reason = reason,
        Details = details is null ? null : JsonSerializer.Serialize(details, DealRegistryJson.Options),
    };
}

internal static class DealRegistryJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

/// <summary>Monday-to-Friday arithmetic for review deadlines (public holidays are not modelled).</summary>
public static class BusinessDays
{
    public static DateTimeOffset Add(DateTimeOffset start, int days)
    {
        var at = start;
        for (var added = 0; added < days;)
        {
            at = at.AddDays(1);
            if (at.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                added++;
            }
        }

        return at;
    }
}

/// <summary>Callers that are not people in the directory: the command line and the admin API's local administrator.
/// They act with a channel manager's rights and are named as such in the audit log.</summary>
public static class DealActors
{
    public static Caller Administrator(string id, string displayName = "Administrator") => new(
        new Person { Id = id, ChannelUserId = id, DisplayName = displayName, OrganisationId = DemoDirectory.VendorId, Role = Role.ChannelManager },
        new Organisation { Id = DemoDirectory.VendorId, Name = "Northbeam Technologies", IsVendor = true });
}
