using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.Deals;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>What a partner asks funds for (amounts in the reporting currency).</summary>
public sealed record MdfRequestInput
{
    [MaxLength(32)]
    public required string ActivityType { get; init; }
    [MaxLength(200)]
    public required string Title { get; init; }
    public DateOnly ActivityDate { get; init; }
    [MaxLength(2000)]
    public string Plan { get; init; } = "";
    [MaxLength(1000)]
    public string ExpectedOutcomes { get; init; } = "";
    public decimal EligibleCost { get; init; }
    public decimal RequestedAmount { get; init; }

    /// <summary>Carried in the card: the same submission delivered twice creates one request.</summary>
    [MaxLength(100)]
    public string SubmissionKey { get; init; } = "";
}

public sealed record MdfClaimView(long Id, ClaimStatus Status, DateOnly ClaimedOn, string ClaimedBy, decimal ActualCost, decimal Reimbursement, string? Reason, IReadOnlyList<long> DocumentIds);

/// <summary>A request with its state, as partners and channel managers see it.</summary>
public sealed record MdfRequestView(
    string Number, string OrganisationId, string OrganisationName, MdfStatus Status, string ActivityType, string Title, DateOnly ActivityDate,
    string Plan, string ExpectedOutcomes, decimal EligibleCost, decimal Requested, decimal? Approved, int SharePercent,
    DateOnly SubmittedOn, DateOnly DecisionDue, bool DecisionOverdue, DateOnly ClaimBy, string? DecidedBy, string? DecisionReason,
    decimal? Paid, DateOnly? PaidOn, string? PaymentReference, IReadOnlyList<MdfClaimView> Claims)
{
    public MdfClaimView? OpenClaim => Claims.LastOrDefault(c => c.Status == ClaimStatus.Submitted);

    public MdfClaimView? ApprovedClaim => Claims.LastOrDefault(c => c.Status == ClaimStatus.Approved);
}

public sealed record MdfBalance(string OrganisationId, string OrganisationName, DateOnly PeriodStart, DateOnly PeriodEnd, decimal Budget, decimal Committed, decimal Paid, decimal Available, decimal Pending, string Source, bool Expired);

/// <summary>
/// Market development funds: budgets per partner and period, requests (at least 30 days ahead), approval that reserves
/// funds, claims with proof of performance, claim decisions, payment. The balance can never go negative: an approval
/// reserves with one conditional UPDATE (<c>committed = committed + amount WHERE amount - committed ≥ amount</c>) in the
/// transaction that moves the request out of "requested", and a CHECK constraint backs it in the database. Every movement
/// is in the append-only ledger. Payments feed the deals capability's program investment (ROPI).
/// </summary>
public sealed class MdfService(
    IServiceScopeFactory scopes,
    DirectoryService directory,
    DealRegistry registry,
    WonDealLedger ledger,
    ProgramNotifier notifier,
    IOptions<MdfOptions> options,
    IOptions<TierOptions> tiers,
    TimeProvider time,
    ILogger<MdfService> logger)
{
    private MdfOptions Settings => options.Value;

    /// <summary>Sets a partner's budget for a period (the fiscal year containing <paramref name="periodStart"/> by default).
    /// Lowering it below what is already committed is refused.</summary>
    public async Task<MdfBalance> SetBudgetAsync(Caller caller, string organisationId, DateOnly? periodStart, DateOnly? periodEnd, decimal amount, CancellationToken cancellationToken) =>
        await SetBudgetAsync(caller, organisationId, periodStart, periodEnd, amount, "manual", cancellationToken);

    private async Task<MdfBalance> SetBudgetAsync(Caller caller, string organisationId, DateOnly? periodStart, DateOnly? periodEnd, decimal amount, string source, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireChannelManager(caller, "set MDF budgets");
        var organisation = await PartnerAsync(organisationId, cancellationToken);
        var fiscal = Settings.FiscalYearOf(periodStart ?? Today());
        var (start, end) = (periodStart ?? fiscal.Start, periodEnd ?? fiscal.End);
        if (end < start)
        {
            throw new ProgramValidationException(["The budget period ends before it starts."]);
        }

        if (amount < 0 || amount > 1_000_000_000)
        {
            throw new ProgramValidationException(["A budget is between 0 and 1,000,000,000."]);
        }

        var cents = ProgramText.Cents(amount);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var budget = await db.MdfBudgets.FirstOrDefaultAsync(b => b.OrganisationId == organisation.Id && b.PeriodStart == start && b.PeriodEnd == end, cancellationToken);
        long change;
        if (budget is null)
        {
            if (await db.MdfBudgets.AnyAsync(b => b.OrganisationId == organisation.Id && b.PeriodStart <= end && b.PeriodEnd >= start, cancellationToken))
            {
                throw new ProgramRuleException($"{organisation.Name} already has a budget overlapping {ProgramText.Date(start)} – {ProgramText.Date(end)}; change that one.");
            }

            budget = new MdfBudget { OrganisationId = organisation.Id, PeriodStart = start, PeriodEnd = end, AmountCents = cents, Source = source, UpdatedBy = caller.Person.Id, UpdatedAtMs = nowMs };
            db.MdfBudgets.Add(budget);
            await db.SaveChangesAsync(cancellationToken);
            change = cents;
        }
        else
        {
            // Conditional, like an approval: a concurrent reservation cannot slip under a lowered budget.
            var updated = await db.MdfBudgets.Where(b => b.Id == budget.Id && b.CommittedCents <= cents)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.AmountCents, cents).SetProperty(b => b.Source, source)
                    .SetProperty(b => b.UpdatedBy, caller.Person.Id).SetProperty(b => b.UpdatedAtMs, nowMs), cancellationToken);
            if (updated == 0)
            {
                throw new ProgramRuleException($"{organisation.Name} has {ProgramText.Money(budget.CommittedCents)} committed in that period; the budget cannot go below it.");
            }

            change = cents - budget.AmountCents;
        }

        db.MdfLedger.Add(new MdfLedgerEntry { BudgetId = budget.Id, Kind = LedgerKind.Budget, AmountCents = change, AtMs = nowMs, Actor = caller.Person.Id, Note = source });
        db.Audit.Add(ProgramAudit.Entry(caller, "mdf-budget", organisation.Id, $"{start:yyyy-MM-dd}..{end:yyyy-MM-dd}", null, new { amount, source }, nowMs));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (await BalancesAsync(caller, organisation.Id, cancellationToken)).First(b => b.PeriodStart == start && b.PeriodEnd == end);
    }

    /// <summary>
    /// Sets every partner's budget for the fiscal year starting in <paramref name="fiscalYear"/> from the accrual rule: the
    /// tier's percentage of the prior fiscal year's attributed revenue (Registered: none). Returns the budgets set.
    /// </summary>
    public async Task<IReadOnlyList<MdfBalance>> AccrueAsync(Caller caller, int fiscalYear, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireChannelManager(caller, "set MDF budgets");
        await ledger.RefreshAsync(cancellationToken);
        var start = new DateOnly(fiscalYear, Settings.FiscalYearStartMonth, 1);
        var (priorFrom, priorTo) = (start.AddYears(-1).DayNumber, start.AddDays(-1).DayNumber);
        Dictionary<string, long> attributed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            attributed = await db.DealCredits.AsNoTracking().Where(c => c.ClosedDay >= priorFrom && c.ClosedDay <= priorTo)
                .GroupBy(c => c.PartnerId).Select(g => new { g.Key, Cents = g.Sum(c => c.CreditCents) })
                .ToDictionaryAsync(x => x.Key, x => x.Cents, cancellationToken);
        }

        var results = new List<MdfBalance>();
        foreach (var partner in (await directory.ListOrganisationsAsync(cancellationToken)).Where(o => !o.IsVendor))
        {
            var percent = tiers.Value.For(partner.Tier ?? Tier.Registered).MdfAccrualPercent;
            if (percent <= 0)
            {
                continue;
            }

            var amount = Math.Round(attributed.GetValueOrDefault(partner.Id) / 100m * percent / 100m, 2);
            results.Add(await SetBudgetAsync(caller, partner.Id, start, start.AddYears(1).AddDays(-1), amount, "accrual", cancellationToken));
        }

        return results;
    }

    /// <summary>A partner's budgets with what is committed, paid, available and waiting for a decision.</summary>
    public async Task<IReadOnlyList<MdfBalance>> BalancesAsync(Caller caller, string organisationId, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireRead(caller, organisationId);
        var organisation = await PartnerAsync(organisationId, cancellationToken);
        var today = Today();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var budgets = await db.MdfBudgets.AsNoTracking().Where(b => b.OrganisationId == organisationId).OrderByDescending(b => b.PeriodStart).ToListAsync(cancellationToken);
        var pending = await db.MdfRequests.AsNoTracking().Where(r => r.OrganisationId == organisationId && r.Status == MdfStatus.Requested)
            .GroupBy(r => r.BudgetId).Select(g => new { g.Key, Cents = g.Sum(r => r.RequestedCents) }).ToDictionaryAsync(x => x.Key, x => x.Cents, cancellationToken);
        return budgets.Select(b => new MdfBalance(organisationId, organisation.Name, b.PeriodStart, b.PeriodEnd, b.AmountCents / 100m, b.CommittedCents / 100m, b.PaidCents / 100m,
            b.AvailableCents / 100m, pending.GetValueOrDefault(b.Id) / 100m, b.Source, b.PeriodEnd < today)).ToList();
    }

    /// <summary>What would stop this request (empty when it can be submitted), without saving anything.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(Caller caller, string organisationId, MdfRequestInput input, CancellationToken cancellationToken)
    {
        ProgramAccess.RequirePartnerAdminOf(caller, organisationId, "request MDF");
        try
        {
            await ValidateAsync(await PartnerAsync(organisationId, cancellationToken), input, cancellationToken);
            return [];
        }
        catch (ProgramValidationException ex)
        {
            return ex.Problems;
        }
        catch (ProgramRuleException ex)
        {
            return [ex.Message];
        }
    }

    /// <summary>A partner admin requests funds for an activity. The same submission key twice returns the first request.</summary>
    public async Task<(MdfRequestView Request, bool Duplicate)> RequestAsync(Caller caller, string organisationId, MdfRequestInput input, CancellationToken cancellationToken)
    {
        ProgramAccess.RequirePartnerAdminOf(caller, organisationId, "request MDF");
        var organisation = await PartnerAsync(organisationId, cancellationToken);
        var key = input.SubmissionKey.Length > 0 ? input.SubmissionKey.Trim() : Guid.NewGuid().ToString("N");
        if (key.Length > 100)
        {
            throw new ProgramValidationException(["The submission key is longer than 100 characters."]);
        }

        if (await FindBySubmissionAsync(organisationId, key, cancellationToken) is { } existing)
        {
            return (existing, true);
        }

        var budget = await ValidateAsync(organisation, input, cancellationToken);
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        MdfRequest request;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            request = new MdfRequest
            {
                Number = await NextNumberAsync(db, cancellationToken),
                OrganisationId = organisationId,
                BudgetId = budget.Id,
                RequestedBy = caller.Person.Id,
                ActivityType = input.ActivityType.Trim().ToLowerInvariant(),
                Title = input.Title.Trim(),
                ActivityDate = input.ActivityDate,
                Plan = input.Plan.Trim(),
                ExpectedOutcomes = input.ExpectedOutcomes.Trim(),
                EligibleCostCents = ProgramText.Cents(input.EligibleCost),
                RequestedCents = ProgramText.Cents(input.RequestedAmount),
                SharePercent = Settings.MaxCoFundingPercent,
                Status = MdfStatus.Requested,
                SubmissionKey = key,
                SubmittedAtMs = nowMs,
                DecisionDueAtMs = BusinessDays.Add(now, Settings.DecisionBusinessDays).ToUnixTimeMilliseconds(),
            };
            db.MdfRequests.Add(request);
            db.Audit.Add(ProgramAudit.Entry(caller, "mdf-requested", organisationId, MdfNumber.Format(request.Number), null,
                new { request.Title, request.ActivityType, activity = input.ActivityDate.ToString("yyyy-MM-dd"), requested = input.RequestedAmount, eligible = input.EligibleCost }, nowMs));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // The same submission delivered twice at once: the unique (organisation, key) index let one through.
                await transaction.RollbackAsync(CancellationToken.None);
                return (await FindBySubmissionAsync(organisationId, key, CancellationToken.None) ?? throw new ProgramRuleException("The request could not be saved; please submit it again."), true);
            }
        }

        var view = await FindAsync(caller, request.Number, cancellationToken);
        logger.LogInformation("{Person} requested {Number} for {Organisation}", caller.Person.Id, view.Number, organisationId);
        await notifier.SendAsync(await notifier.ChannelManagersAsync(cancellationToken),
            AssistantReply.Say($"New MDF request **{view.Number}** from {organisation.Name}: {view.Title} ({view.ActivityType}) on {ProgramText.Date(view.ActivityDate)}, " +
                $"{ProgramText.Money(request.RequestedCents)} requested. Decision due by {ProgramText.Date(view.DecisionDue)}.")
                .WithCard(ProgramCards.MdfDecision(view, await BalanceOfAsync(budget.Id, cancellationToken))),
            cancellationToken);
        return (view, false);
    }

    /// <summary>
    /// A channel manager approves a request, possibly for less or at a lower co-funding share: the request leaves
    /// "requested" and the amount is reserved from the budget in one transaction, or neither happens.
    /// </summary>
    public async Task<MdfRequestView> ApproveAsync(Caller caller, long number, decimal? amount, int? sharePercent, string? reason, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireChannelManager(caller, "approve MDF requests");
        var request = await LoadAsync(number, cancellationToken);
        if (request.Status != MdfStatus.Requested)
        {
            throw new ProgramRuleException($"{request.DisplayNumber} is {Describe(request.Status)}; only a request waiting for a decision can be approved.");
        }

        var share = sharePercent ?? request.SharePercent;
        var approvedCents = amount is { } a ? ProgramText.Cents(a) : request.RequestedCents;
        var problems = new List<string>();
        if (share < 1 || share > Settings.MaxCoFundingPercent)
        {
            problems.Add($"The co-funding share is between 1 and {Settings.MaxCoFundingPercent} %.");
        }

        if (approvedCents <= 0 || approvedCents > request.RequestedCents)
        {
            problems.Add($"The approved amount is more than zero and at most the {ProgramText.Money(request.RequestedCents)} requested.");
        }

        if (approvedCents > request.EligibleCostCents * share / 100)
        {
            problems.Add($"At {share} % of {ProgramText.Money(request.EligibleCostCents)} eligible cost, at most {ProgramText.Money(request.EligibleCostCents * share / 100)} can be approved.");
        }

        if (problems.Count > 0)
        {
            throw new ProgramValidationException(problems);
        }

        var today = Today();
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            // SQLite: BEGIN IMMEDIATE (the provider's default) takes the write lock now. PostgreSQL: each conditional UPDATE
            // locks its row and re-checks its condition against the committed value if another transaction got there first.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var moved = await db.MdfRequests.Where(r => r.Id == request.Id && r.Status == MdfStatus.Requested)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, MdfStatus.Approved).SetProperty(r => r.ApprovedCents, approvedCents)
                    .SetProperty(r => r.SharePercent, share).SetProperty(r => r.DecidedBy, caller.Person.Id).SetProperty(r => r.DecidedAtMs, nowMs)
                    .SetProperty(r => r.DecisionReason, reason), cancellationToken);
            if (moved == 0)
            {
                throw new ProgramRuleException($"{request.DisplayNumber} was decided a moment ago; ask for its status.");
            }

            var reserved = await db.MdfBudgets.Where(b => b.Id == request.BudgetId && b.AmountCents - b.CommittedCents >= approvedCents && b.PeriodEnd >= today)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.CommittedCents, b => b.CommittedCents + approvedCents).SetProperty(b => b.UpdatedAtMs, nowMs), cancellationToken);
            if (reserved == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                var balance = await BalanceOfAsync(request.BudgetId, cancellationToken);
                throw new ProgramRuleException(balance.Expired
                    ? $"The budget for {ProgramText.Date(balance.PeriodStart)} – {ProgramText.Date(balance.PeriodEnd)} has expired; unused funds lapse at fiscal year end."
                    : $"{request.DisplayNumber} needs {ProgramText.Money(approvedCents)} but only {ProgramText.Money(ProgramText.Cents(balance.Available))} is available; approve a lower amount or raise the budget.");
            }

            db.MdfLedger.Add(new MdfLedgerEntry { BudgetId = request.BudgetId, RequestNumber = number, Kind = LedgerKind.Reserve, AmountCents = approvedCents, AtMs = nowMs, Actor = caller.Person.Id });
            db.Audit.Add(ProgramAudit.Entry(caller, "mdf-approved", request.OrganisationId, request.DisplayNumber, reason, new { approved = approvedCents / 100m, share }, nowMs));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var view = await FindAsync(caller, number, cancellationToken);
        await TellPartnerAsync(view, $"Your MDF request **{view.Number}** ({view.Title}) was **approved** for {ProgramText.Money(ProgramText.Cents(view.Approved!.Value))} " +
            $"({view.SharePercent} % co-funding). Run the activity as approved and claim with proof of performance by {ProgramText.Date(view.ClaimBy)}." +
            (string.IsNullOrWhiteSpace(reason) ? "" : $"\n\nNote from your channel manager: {reason}"), cancellationToken);
        return view;
    }

    public async Task<MdfRequestView> DeclineAsync(Caller caller, long number, string reason, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireChannelManager(caller, "decline MDF requests");
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ProgramValidationException(["Give the reason for declining; the partner is told, and it is audited."]);
        }

        var request = await LoadAsync(number, cancellationToken);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var moved = await db.MdfRequests.Where(r => r.Id == request.Id && r.Status == MdfStatus.Requested)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, MdfStatus.Declined).SetProperty(r => r.DecidedBy, caller.Person.Id)
                    .SetProperty(r => r.DecidedAtMs, nowMs).SetProperty(r => r.DecisionReason, reason.Trim()), cancellationToken);
            if (moved == 0)
            {
                throw new ProgramRuleException($"{request.DisplayNumber} is {Describe(request.Status)}; only a request waiting for a decision can be declined.");
            }

            db.Audit.Add(ProgramAudit.Entry(caller, "mdf-declined", request.OrganisationId, request.DisplayNumber, reason.Trim(), null, nowMs));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var view = await FindAsync(caller, number, cancellationToken);
        await TellPartnerAsync(view, $"Your MDF request **{view.Number}** ({view.Title}) was **declined**. Reason: {reason.Trim()}\n\nFix the point and request again, keeping the {Settings.RequestLeadDays}-day lead time.", cancellationToken);
        return view;
    }

    /// <summary>The partner claims an approved activity after it took place, with proof of performance (at least one file).</summary>
    public async Task<MdfRequestView> ClaimAsync(Caller caller, long number, decimal actualCost, IReadOnlyList<long> proofDocumentIds, CancellationToken cancellationToken)
    {
        var request = await LoadVisibleAsync(caller, number, cancellationToken);
        ProgramAccess.RequirePartnerAdminOf(caller, request.OrganisationId, "claim MDF");
        var today = Today();
        if (request.Status != MdfStatus.Approved)
        {
            throw new ProgramRuleException(request.Status == MdfStatus.Claimed
                ? $"{request.DisplayNumber} already has a claim waiting for the channel manager."
                : $"{request.DisplayNumber} is {Describe(request.Status)}; only an approved activity can be claimed.");
        }

        if (today < request.ActivityDate)
        {
            throw new ProgramRuleException($"The activity is on {ProgramText.Date(request.ActivityDate)}; claim after it has taken place.");
        }

        var claimBy = request.ActivityDate.AddDays(Settings.ClaimWindowDays);
        if (today > claimBy)
        {
            throw new ProgramRuleException($"Claims are accepted within {Settings.ClaimWindowDays} days after the activity, so by {ProgramText.Date(claimBy)}; this one is too late.");
        }

        if (actualCost <= 0)
        {
            throw new ProgramValidationException(["Give the actual eligible cost of the activity."]);
        }

        if (proofDocumentIds.Count == 0)
        {
            throw new ProgramValidationException(["Attach proof of performance: invoices, attendee lists or screenshots."]);
        }

        List<ProgramDocument> stored;
        await using (var check = scopes.CreateAsyncScope())
        {
            var db = check.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var ids = proofDocumentIds.Distinct().ToList();
            stored = await db.Documents.AsNoTracking().Where(d => ids.Contains(d.Id) && d.OrganisationId == request.OrganisationId).ToListAsync(cancellationToken);
            if (stored.Count != ids.Count)
            {
                throw new ProgramValidationException(["The proof must be documents uploaded for this organisation."]);
            }
        }

        var actualCents = ProgramText.Cents(actualCost);
        var reimbursement = Math.Min(actualCents * request.SharePercent / 100, request.ApprovedCents!.Value);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var moved = await db.MdfRequests.Where(r => r.Id == request.Id && r.Status == MdfStatus.Approved)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, MdfStatus.Claimed), cancellationToken);
            if (moved == 0)
            {
                throw new ProgramRuleException($"{request.DisplayNumber} changed a moment ago; ask for its status.");
            }

            db.MdfClaims.Add(new MdfClaim
            {
                RequestId = request.Id,
                ClaimedBy = caller.Person.Id,
                ClaimedAtMs = nowMs,
                ActualCostCents = actualCents,
                ReimbursementCents = reimbursement,
                Status = ClaimStatus.Submitted,
                DocumentIds = string.Join(',', stored.Select(d => d.Id)),
            });
            db.Audit.Add(ProgramAudit.Entry(caller, "mdf-claimed", request.OrganisationId, request.DisplayNumber, null,
                new { actualCost, reimbursement = reimbursement / 100m, files = stored.Select(d => d.FileName) }, nowMs));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var view = await FindAsync(caller, number, cancellationToken);
        var organisation = await PartnerAsync(request.OrganisationId, cancellationToken);
        await notifier.SendAsync(await notifier.ChannelManagersAsync(cancellationToken),
            AssistantReply.Say($"{organisation.Name} claimed **{view.Number}** ({view.Title}): actual cost {ProgramText.Money(actualCents)}, " +
                $"reimbursement {ProgramText.Money(reimbursement)}, {ProgramText.Plural(stored.Count, "file", "files")} of proof ({string.Join(", ", stored.Select(d => d.FileName))}).")
                .WithCard(ProgramCards.MdfClaimDecision(view)),
            cancellationToken);
        return view;
    }

    /// <summary>A channel manager approves the open claim (what was reserved beyond the reimbursement goes back to the
    /// balance) or rejects it with a reason (the partner may claim again within the window).</summary>
    public async Task<MdfRequestView> DecideClaimAsync(Caller caller, long number, bool approve, string? reason, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireChannelManager(caller, "decide MDF claims");
        if (!approve && string.IsNullOrWhiteSpace(reason))
        {
            throw new ProgramValidationException(["Give the reason for rejecting the claim (for example the missing attendee list); the partner is told."]);
        }

        var request = await LoadAsync(number, cancellationToken);
        var claim = request.Claims.LastOrDefault(c => c.Status == ClaimStatus.Submitted)
            ?? throw new ProgramRuleException($"{request.DisplayNumber} has no claim waiting for a decision.");
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var release = request.ApprovedCents!.Value - claim.ReimbursementCents;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var moved = await db.MdfRequests.Where(r => r.Id == request.Id && r.Status == MdfStatus.Claimed)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, approve ? MdfStatus.ClaimApproved : MdfStatus.Approved), cancellationToken);
            var decided = await db.MdfClaims.Where(c => c.Id == claim.Id && c.Status == ClaimStatus.Submitted)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, approve ? ClaimStatus.Approved : ClaimStatus.Rejected)
                    .SetProperty(c => c.DecidedBy, caller.Person.Id).SetProperty(c => c.DecidedAtMs, nowMs).SetProperty(c => c.Reason, reason), cancellationToken);
            if (moved == 0 || decided == 0)
            {
                throw new ProgramRuleException($"The claim on {request.DisplayNumber} was decided a moment ago.");
            }

            if (approve && release > 0)
            {
                await db.MdfBudgets.Where(b => b.Id == request.BudgetId)
                    .ExecuteUpdateAsync(s => s.SetProperty(b => b.CommittedCents, b => b.CommittedCents - release).SetProperty(b => b.UpdatedAtMs, nowMs), cancellationToken);
                db.MdfLedger.Add(new MdfLedgerEntry { BudgetId = request.BudgetId, RequestNumber = number, Kind = LedgerKind.Release, AmountCents = release, AtMs = nowMs, Actor = caller.Person.Id, Note = "claim below the approved amount" });
            }

            db.Audit.Add(ProgramAudit.Entry(caller, approve ? "mdf-claim-approved" : "mdf-claim-rejected", request.OrganisationId, request.DisplayNumber, reason,
                new { reimbursement = claim.ReimbursementCents / 100m }, nowMs));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var view = await FindAsync(caller, number, cancellationToken);
        await TellPartnerAsync(view, approve
            ? $"Your claim on **{view.Number}** ({view.Title}) was **approved**: {ProgramText.Money(claim.ReimbursementCents)} will be paid within {Settings.PaymentDays} days."
            : $"Your claim on **{view.Number}** ({view.Title}) was **rejected**. Reason: {reason!.Trim()}\n\nYou can claim again with the missing proof by {ProgramText.Date(view.ClaimBy)}.", cancellationToken);
        return view;
    }

    /// <summary>
    /// Marks an approved claim paid. The payment is added to the budget's paid figure and the ledger, and the partner's
    /// MDF in the deals capability's program investment for the payment month is set to the month's payments, so ROPI
    /// counts it (rebates and enablement already recorded for that month are kept).
    /// </summary>
    public async Task<MdfRequestView> MarkPaidAsync(Caller caller, long number, string? paymentReference, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireChannelManager(caller, "mark MDF paid");
        var request = await LoadAsync(number, cancellationToken);
        var claim = request.Claims.LastOrDefault(c => c.Status == ClaimStatus.Approved);
        if (request.Status != MdfStatus.ClaimApproved || claim is null)
        {
            throw new ProgramRuleException(request.Status == MdfStatus.Paid
                ? $"{request.DisplayNumber} was already paid on {ProgramText.Date(request.PaidAtMs!.Value)}."
                : $"{request.DisplayNumber} is {Describe(request.Status)}; only an approved claim can be paid.");
        }

        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var amount = claim.ReimbursementCents;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var moved = await db.MdfRequests.Where(r => r.Id == request.Id && r.Status == MdfStatus.ClaimApproved)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, MdfStatus.Paid).SetProperty(r => r.PaidAtMs, nowMs).SetProperty(r => r.PaidBy, caller.Person.Id)
                    .SetProperty(r => r.PaidCents, amount).SetProperty(r => r.PaymentReference, paymentReference), cancellationToken);
            if (moved == 0)
            {
                throw new ProgramRuleException($"{request.DisplayNumber} was marked paid a moment ago.");
            }

            await db.MdfBudgets.Where(b => b.Id == request.BudgetId)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.PaidCents, b => b.PaidCents + amount).SetProperty(b => b.UpdatedAtMs, nowMs), cancellationToken);
            db.MdfLedger.Add(new MdfLedgerEntry { BudgetId = request.BudgetId, RequestNumber = number, Kind = LedgerKind.Pay, AmountCents = amount, AtMs = nowMs, Actor = caller.Person.Id, Note = paymentReference });
            db.Audit.Add(ProgramAudit.Entry(caller, "mdf-paid", request.OrganisationId, request.DisplayNumber, null, new { amount = amount / 100m, reference = paymentReference }, nowMs));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await SyncInvestmentAsync(caller, request.OrganisationId, DateOnly.FromDateTime(now.UtcDateTime), cancellationToken);
        var view = await FindAsync(caller, number, cancellationToken);
        await TellPartnerAsync(view, $"**{view.Number}** ({view.Title}): {ProgramText.Money(amount)} has been paid" +
            (string.IsNullOrWhiteSpace(paymentReference) ? "." : $" (reference {paymentReference})."), cancellationToken);
        return view;
    }

    /// <summary>Releases the reservation of approved activities whose claim window closed without an approved claim.</summary>
    public async Task<int> LapseExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = Today().AddDays(-Settings.ClaimWindowDays);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        List<MdfRequest> expired;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            expired = await db.MdfRequests.AsNoTracking().Where(r => r.Status == MdfStatus.Approved && r.ActivityDate < cutoff).ToListAsync(cancellationToken);
        }

        var lapsed = 0;
        foreach (var request in expired)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var moved = await db.MdfRequests.Where(r => r.Id == request.Id && r.Status == MdfStatus.Approved)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, MdfStatus.Lapsed), cancellationToken);
            if (moved == 0)
            {
                continue;
            }

            var release = request.ApprovedCents ?? 0;
            await db.MdfBudgets.Where(b => b.Id == request.BudgetId)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.CommittedCents, b => b.CommittedCents - release).SetProperty(b => b.UpdatedAtMs, nowMs), cancellationToken);
            db.MdfLedger.Add(new MdfLedgerEntry { BudgetId = request.BudgetId, RequestNumber = request.Number, Kind = LedgerKind.Release, AmountCents = release, AtMs = nowMs, Actor = "system", Note = "claim window closed" });
            db.Audit.Add(ProgramAudit.Entry(ProgramActors.System, "mdf-lapsed", request.OrganisationId, MdfNumber.Format(request.Number),
                $"No approved claim within {Settings.ClaimWindowDays} days after the activity.", null, nowMs));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            lapsed++;
        }

        return lapsed;
    }

    public async Task<MdfRequestView> FindAsync(Caller caller, long number, CancellationToken cancellationToken)
    {
        var request = await LoadVisibleAsync(caller, number, cancellationToken);
        ProgramAccess.RequireRead(caller, request.OrganisationId);
        var name = (await directory.FindOrganisationAsync(request.OrganisationId, cancellationToken))?.Name ?? request.OrganisationId;
        return View(request, name);
    }

    /// <summary>Requests, newest first: the caller's organisation's for partners, all (or one partner's) for the vendor's staff.</summary>
    public async Task<IReadOnlyList<MdfRequestView>> ListAsync(Caller caller, string? organisationId, IReadOnlyList<MdfStatus> statuses, CancellationToken cancellationToken)
    {
        if (caller.Role.IsPartner())
        {
            organisationId = caller.OrganisationId;
        }
        else
        {
            ProgramAccess.RequireInternal(caller, "see every partner's MDF");
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var query = db.MdfRequests.AsNoTracking().Include(r => r.Claims).AsQueryable();
        if (organisationId is not null)
        {
            query = query.Where(r => r.OrganisationId == organisationId);
        }

        if (statuses.Count > 0)
        {
            query = query.Where(r => statuses.Contains(r.Status));
        }

        var rows = await query.OrderByDescending(r => r.Number).Take(500).ToListAsync(cancellationToken);
        var names = (await directory.ListOrganisationsAsync(cancellationToken)).ToDictionary(o => o.Id, o => o.Name);
        return rows.Select(r => View(r, names.GetValueOrDefault(r.OrganisationId, r.OrganisationId))).ToList();
    }

    /// <summary>The ledger of one partner's budgets, oldest first (channel managers and the partner itself).</summary>
    public async Task<IReadOnlyList<MdfLedgerEntry>> LedgerAsync(Caller caller, string organisationId, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireRead(caller, organisationId);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var budgets = db.MdfBudgets.Where(b => b.OrganisationId == organisationId).Select(b => b.Id);
        return await db.MdfLedger.AsNoTracking().Where(e => budgets.Contains(e.BudgetId)).OrderBy(e => e.Id).ToListAsync(cancellationToken);
    }

    private async Task SyncInvestmentAsync(Caller caller, string organisationId, DateOnly paidOn, CancellationToken cancellationToken)
    {
        var monthStart = new DateOnly(paidOn.Year, paidOn.Month, 1);
        var monthEnd = monthStart.AddMonths(1).AddDays(-1);
        var (fromMs, toMs) = (ProgramText.ToUnixMs(monthStart), ProgramText.ToUnixMs(monthEnd.AddDays(1)));
        long paid;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var budgets = db.MdfBudgets.Where(b => b.OrganisationId == organisationId).Select(b => b.Id);
            paid = await db.MdfLedger.Where(e => e.Kind == LedgerKind.Pay && e.AtMs >= fromMs && e.AtMs < toMs && budgets.Contains(e.BudgetId)).SumAsync(e => e.AmountCents, cancellationToken);
        }

        // The registry audits the change; its caller is whoever marked the payment (a channel manager).
        var existing = (await registry.ListInvestmentsAsync(caller, organisationId, cancellationToken)).FirstOrDefault(i => i.PeriodStart == monthStart && i.PeriodEnd == monthEnd);
        await registry.SetInvestmentAsync(caller, organisationId, monthStart, monthEnd, paid / 100m, existing?.Rebates ?? 0, existing?.Enablement ?? 0, cancellationToken);
    }

    private async Task<MdfBudget> ValidateAsync(Organisation organisation, MdfRequestInput input, CancellationToken cancellationToken)
    {
        var today = Today();
        var problems = new List<string>();
        var type = input.ActivityType?.Trim().ToLowerInvariant() ?? "";
        if (!Settings.EffectiveActivityTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"The activity type is one of: {string.Join(", ", Settings.EffectiveActivityTypes)}.");
        }

        if (string.IsNullOrWhiteSpace(input.Title) || input.Title.Trim().Length > 200)
        {
            problems.Add("Give the activity a short title (up to 200 characters).");
        }

        if (input.ActivityDate < today.AddDays(Settings.RequestLeadDays))
        {
            problems.Add($"Requests must arrive at least {Settings.RequestLeadDays} days before the activity: the earliest date now is {ProgramText.Date(today.AddDays(Settings.RequestLeadDays))}.");
        }

        if (string.IsNullOrWhiteSpace(input.Plan))
        {
            problems.Add("Describe the plan: what you will do, for which audience and products.");
        }

        if (string.IsNullOrWhiteSpace(input.ExpectedOutcomes))
        {
            problems.Add("State the expected outcomes (for example 40 qualified attendees, 8 opportunities, $600,000 registered pipeline).");
        }

        if (input.RequestedAmount <= 0)
        {
            problems.Add("The requested amount must be more than zero.");
        }

        if (input.EligibleCost <= 0)
        {
            problems.Add("Give the total eligible cost of the activity.");
        }
        else if (input.RequestedAmount > Math.Round(input.EligibleCost * Settings.MaxCoFundingPercent / 100m, 2))
        {
            problems.Add($"Northbeam co-funds up to {Settings.MaxCoFundingPercent} % of eligible cost: at most {ProgramText.Money(ProgramText.Cents(input.EligibleCost * Settings.MaxCoFundingPercent / 100m))} for {ProgramText.Money(ProgramText.Cents(input.EligibleCost))}.");
        }

        if (problems.Count > 0)
        {
            throw new ProgramValidationException(problems);
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var budget = await db.MdfBudgets.AsNoTracking()
            .Where(b => b.OrganisationId == organisation.Id && b.PeriodStart <= input.ActivityDate && b.PeriodEnd >= input.ActivityDate)
            .FirstOrDefaultAsync(cancellationToken)
            ?? throw new ProgramRuleException($"{organisation.Name} has no MDF budget for {ProgramText.Date(input.ActivityDate)}" +
                ((organisation.Tier ?? Tier.Registered) == Tier.Registered ? " (MDF accrues from Silver tier)." : "; ask your channel manager."));
        if (ProgramText.Cents(input.RequestedAmount) > budget.AvailableCents)
        {
            throw new ProgramRuleException($"The request is {ProgramText.Money(ProgramText.Cents(input.RequestedAmount))} but only {ProgramText.Money(budget.AvailableCents)} of MDF is available for that period.");
        }

        return budget;
    }

    private async Task<MdfBalance> BalanceOfAsync(long budgetId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var b = await db.MdfBudgets.AsNoTracking().FirstAsync(x => x.Id == budgetId, cancellationToken);
        var pending = await db.MdfRequests.AsNoTracking().Where(r => r.BudgetId == budgetId && r.Status == MdfStatus.Requested).SumAsync(r => r.RequestedCents, cancellationToken);
        var name = (await directory.FindOrganisationAsync(b.OrganisationId, cancellationToken))?.Name ?? b.OrganisationId;
        return new MdfBalance(b.OrganisationId, name, b.PeriodStart, b.PeriodEnd, b.AmountCents / 100m, b.CommittedCents / 100m, b.PaidCents / 100m, b.AvailableCents / 100m, pending / 100m, b.Source, b.PeriodEnd < Today());
    }

    /// <summary>The request, for someone who may not see every partner's only when it is their organisation's: another
    /// partner's number gets the same answer as a number that does not exist, so numbers cannot be probed.</summary>
    private async Task<MdfRequest> LoadVisibleAsync(Caller caller, long number, CancellationToken cancellationToken)
    {
        var request = await LoadAsync(number, cancellationToken);
        return !ProgramAccess.SeesAllPartners(caller) && request.OrganisationId != caller.OrganisationId
            ? throw new ProgramNotFoundException(NoSuchRequest(number))
            : request;
    }

    private static string NoSuchRequest(long number) => $"There is no MDF request {MdfNumber.Format(number)}.";

    private async Task<MdfRequest> LoadAsync(long number, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        return await db.MdfRequests.AsNoTracking().Include(r => r.Claims).FirstOrDefaultAsync(r => r.Number == number, cancellationToken)
            ?? throw new ProgramNotFoundException(NoSuchRequest(number));
    }

    private async Task<MdfRequestView?> FindBySubmissionAsync(string organisationId, string key, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var request = await db.MdfRequests.AsNoTracking().Include(r => r.Claims).FirstOrDefaultAsync(r => r.OrganisationId == organisationId && r.SubmissionKey == key, cancellationToken);
        return request is null ? null : View(request, (await directory.FindOrganisationAsync(organisationId, cancellationToken))?.Name ?? organisationId);
    }

    private async Task<Organisation> PartnerAsync(string organisationId, CancellationToken cancellationToken)
    {
        var organisation = await directory.FindOrganisationAsync(organisationId, cancellationToken);
        return organisation is { IsVendor: false } ? organisation : throw new ProgramNotFoundException($"There is no partner organisation \"{organisationId}\".");
    }

    private async Task TellPartnerAsync(MdfRequestView view, string text, CancellationToken cancellationToken)
    {
        var people = new List<string>(await notifier.AdminsOrEveryoneAsync(view.OrganisationId, cancellationToken));
        await notifier.SendAsync(people, AssistantReply.Say(text).WithCard(ProgramCards.MdfRequest(view, internalView: false)), cancellationToken);
    }

    /// <summary>The next MDF number from the counter row, inside the caller's transaction (so no two requests share one).</summary>
    private static async Task<long> NextNumberAsync(ProgramDbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await using DbCommand command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"UPDATE program_counters SET next_value = next_value + 1 WHERE name = '{ProgramDbContext.MdfCounter}' RETURNING next_value - 1";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private MdfRequestView View(MdfRequest r, string organisationName)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new MdfRequestView(
            r.DisplayNumber, r.OrganisationId, organisationName, r.Status, r.ActivityType, r.Title, r.ActivityDate, r.Plan, r.ExpectedOutcomes,
            r.EligibleCostCents / 100m, r.RequestedCents / 100m, r.ApprovedCents / 100m, r.SharePercent,
            ProgramText.ToDate(r.SubmittedAtMs), ProgramText.ToDate(r.DecisionDueAtMs), r.Status == MdfStatus.Requested && r.DecisionDueAtMs <= nowMs,
            r.ActivityDate.AddDays(Settings.ClaimWindowDays), r.DecidedBy, r.DecisionReason,
            r.PaidCents / 100m, r.PaidAtMs is { } paid ? ProgramText.ToDate(paid) : null, r.PaymentReference,
            r.Claims.OrderBy(c => c.Id).Select(c => new MdfClaimView(c.Id, c.Status, ProgramText.ToDate(c.ClaimedAtMs), c.ClaimedBy, c.ActualCostCents / 100m,
                c.ReimbursementCents / 100m, c.Reason, c.DocumentIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToList())).ToList());
    }

    public static string Describe(MdfStatus status) => status switch
    {
        MdfStatus.Requested => "waiting for a decision",
        MdfStatus.Approved => "approved",
        MdfStatus.Declined => "declined",
        MdfStatus.Claimed => "claimed (the claim waits for a decision)",
        MdfStatus.ClaimApproved => "claim approved, payment pending",
        MdfStatus.Paid => "paid",
        MdfStatus.Lapsed => "lapsed (no claim within the window)",
        _ => status.ToString(),
    };

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
