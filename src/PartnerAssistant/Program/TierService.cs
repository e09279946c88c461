using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.Deals;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>The figures a tier evaluation reads for one partner.</summary>
public sealed record TierFigures(
    DateOnly From, DateOnly To, decimal AttributedRevenue, int CertifiedIndividuals, int ProfessionalCertified,
    IReadOnlyList<string> PsatQuarters, IReadOnlyList<string> PsatMissing,
    bool AgreementSigned, bool CompliancePassed, bool ComplianceCurrent, IReadOnlyList<string> ComplianceProblems,
    bool CustomerReference, bool CoInnovationOrMarketplaceOffer, bool BusinessPlan);

/// <summary>One tier's requirements for a partner: which are met and what is missing, in words.</summary>
public sealed record TierCheck(Tier Tier, bool Met, IReadOnlyList<string> Satisfied, IReadOnlyList<string> Missing);

/// <summary>A partner's tier scorecard: its tier, the tier its figures support, and why.</summary>
public sealed record TierScorecard(string OrganisationId, string OrganisationName, Tier CurrentTier, Tier EligibleTier, bool RegisteredMet, TierFigures Figures, IReadOnlyList<TierCheck> Tiers, DateOnly EvaluatedOn)
{
    public TierCheck Check(Tier tier) => Tiers.First(t => t.Tier == tier);

    /// <summary>The next tier above the current one, if any.</summary>
    public Tier? NextTier => CurrentTier == Tier.Platinum ? null : CurrentTier + 1;

    /// <summary>"You are Silver; Gold needs …" in one paragraph.</summary>
    public string Explain(bool forPartner, Tier? target = null)
    {
        var who = forPartner ? "You are" : $"{OrganisationName} is";
        var text = new StringBuilder($"{who} **{CurrentTier}**");
        var aim = target ?? NextTier;
        if (EligibleTier > CurrentTier)
        {
            text.Append($"; your figures now meet **{EligibleTier}**, and the change has been proposed to the channel manager, who confirms it.");
        }
        else if (EligibleTier < CurrentTier)
        {
            text.Append($"; the figures no longer meet {CurrentTier}: {string.Join(", ", Check(CurrentTier).Missing)}. A move to {EligibleTier} is proposed at the quarterly evaluation unless that changes.");
        }
        else
        {
            text.Append('.');
        }

        if (aim is { } next && next > EligibleTier)
        {
            var missing = Check(next).Missing;
            text.Append($" {next} needs {Join(missing)}.");
        }
        else if (aim is null && CurrentTier == Tier.Platinum && EligibleTier == Tier.Platinum)
        {
            text.Append(" That is the top tier; keep compliance current and the business plan agreed.");
        }

        return text.ToString();
    }

    internal static string Join(IReadOnlyList<string> parts) => parts.Count switch
    {
        0 => "nothing more",
        1 => parts[0],
        _ => string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1],
    };
}

/// <summary>Tier facts a channel manager records (null leaves a fact as it is; an empty text clears it).</summary>
public sealed record PartnerFacts(
    DateOnly? AgreementSignedOn = null, [property: MaxLength(400)] string? CustomerReference = null, [property: MaxLength(400)] string? CoInnovationProject = null,
    [property: MaxLength(400)] string? MarketplaceOffer = null, DateOnly? BusinessPlanAgreedOn = null);

public sealed record TierProposalView(long Id, string OrganisationId, string OrganisationName, Tier FromTier, Tier ToTier, ProposalStatus Status, DateOnly ProposedOn, string? DecidedBy, string? Reason, TierScorecard? Scorecard);

/// <summary>
/// Tier evaluation: the rules of <see cref="TierOptions"/> applied to a partner's trailing figures (attributed revenue
/// from the won-deal ledger, certified people, PSAT participation, compliance, reference, co-innovation or marketplace
/// offer, business plan), with every requirement explained. On demand it only explains; the quarterly run (or a channel
/// manager's "evaluate now") stores the evaluation and proposes changes, which a channel manager confirms or holds.
/// </summary>
public sealed class TierService(
    IServiceScopeFactory scopes,
    DirectoryService directory,
    WonDealLedger ledger,
    PsatService psat,
    ProgramNotifier notifier,
    IOptions<TierOptions> options,
    TimeProvider time,
    ILogger<TierService> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private TierOptions Settings => options.Value;

    /// <summary>A partner's scorecard as of today (nothing stored). Partners see their own organisation's.</summary>
    public async Task<TierScorecard> ScorecardAsync(Caller caller, string organisationId, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireRead(caller, organisationId);
        var organisation = await directory.FindOrganisationAsync(organisationId, cancellationToken);
        if (organisation is null || organisation.IsVendor)
        {
            throw new ProgramNotFoundException($"There is no partner organisation \"{organisationId}\".");
        }

        return (await ComputeAsync([organisation], Today(), cancellationToken))[0];
    }

    /// <summary>
    /// Evaluates partners (all when <paramref name="organisationIds"/> is empty), stores each evaluation and proposes every
    /// change (a newer proposal supersedes a pending one). Channel managers, or the scheduler.
    /// </summary>
    public async Task<IReadOnlyList<TierScorecard>> EvaluateAsync(Caller caller, IReadOnlyList<string> organisationIds, string trigger, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireChannelManager(caller, "run the tier evaluation");
        var partners = (await directory.ListOrganisationsAsync(cancellationToken))
            .Where(o => !o.IsVendor && (organisationIds.Count == 0 || organisationIds.Contains(o.Id, StringComparer.OrdinalIgnoreCase)))
            .ToList();
        if (organisationIds.Count > 0 && partners.Count == 0)
        {
            throw new ProgramNotFoundException($"There is no partner organisation \"{organisationIds[0]}\".");
        }

        var scorecards = await ComputeAsync(partners, Today(), cancellationToken);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var proposed = new List<TierScorecard>();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var pending = await db.TierProposals.Where(p => p.Status == ProposalStatus.Pending).ToListAsync(cancellationToken);
            foreach (var chunk in scorecards.Chunk(200))
            {
                var evaluations = chunk.Select(s => new TierEvaluation
                {
                    OrganisationId = s.OrganisationId,
                    EvaluatedAtMs = nowMs,
                    Trigger = trigger,
                    CurrentTier = s.CurrentTier,
                    EligibleTier = s.EligibleTier,
                    ScorecardJson = JsonSerializer.Serialize(s, Json),
                }).ToList();
                db.TierEvaluations.AddRange(evaluations);
                await db.SaveChangesAsync(cancellationToken);
                foreach (var (scorecard, evaluation) in chunk.Zip(evaluations))
                {
                    var open = pending.Where(p => p.OrganisationId == scorecard.OrganisationId).ToList();
                    if (scorecard.EligibleTier == scorecard.CurrentTier)
                    {
                        foreach (var stale in open)
                        {
                            stale.Status = ProposalStatus.Superseded;
                            stale.Reason = $"The evaluation of {ProgramText.Date(scorecard.EvaluatedOn)} supports the current tier.";
                        }

                        continue;
                    }

                    if (open.Any(p => p.ToTier == scorecard.EligibleTier && p.FromTier == scorecard.CurrentTier))
                    {
                        continue;
                    }

                    foreach (var stale in open)
                    {
                        stale.Status = ProposalStatus.Superseded;
                        stale.Reason = $"Replaced by the evaluation of {ProgramText.Date(scorecard.EvaluatedOn)}.";
                    }

                    db.TierProposals.Add(new TierProposal
                    {
                        OrganisationId = scorecard.OrganisationId,
                        FromTier = scorecard.CurrentTier,
                        ToTier = scorecard.EligibleTier,
                        EvaluationId = evaluation.Id,
                        ProposedAtMs = nowMs,
                        Status = ProposalStatus.Pending,
                    });
                    db.Audit.Add(ProgramAudit.Entry(caller, "tier-proposed", scorecard.OrganisationId, $"{scorecard.CurrentTier}->{scorecard.EligibleTier}",
                        scorecard.EligibleTier > scorecard.CurrentTier
                            ? $"Meets every {scorecard.EligibleTier} requirement."
                            : $"No longer meets {scorecard.CurrentTier}: {TierScorecard.Join(scorecard.Check(scorecard.CurrentTier).Missing)}.",
                        Figures(scorecard), nowMs));
                    proposed.Add(scorecard);
                }

                await db.SaveChangesAsync(cancellationToken);
            }
        }

        logger.LogInformation("Tier evaluation ({Trigger}) of {Partners} partners proposed {Changes} changes", trigger, scorecards.Count, proposed.Count);
        if (proposed.Count > 0)
        {
            var proposals = await ProposalsAsync(caller, pendingOnly: true, cancellationToken);
            var reply = AssistantReply.Say($"The tier evaluation of {ProgramText.Date(Today())} proposes {ProgramText.Plural(proposed.Count, "tier change", "tier changes")}. " +
                "Each needs your confirmation (or a reason to hold it):\n\n" +
                string.Join("\n", proposed.Take(20).Select(p => $"- {p.OrganisationName}: {p.CurrentTier} → **{p.EligibleTier}**")) +
                (proposed.Count > 20 ? $"\n\n…and {proposed.Count - 20} more (say \"show pending tier changes\")." : ""));
            foreach (var proposal in proposals.Take(5))
            {
                reply = reply.WithCard(ProgramCards.TierProposal(proposal));
            }

            await notifier.SendAsync(await notifier.ChannelManagersAsync(cancellationToken), reply, cancellationToken);
        }

        return scorecards;
    }

    /// <summary>Tier proposals, newest first, with the scorecard they came from.</summary>
    public async Task<IReadOnlyList<TierProposalView>> ProposalsAsync(Caller caller, bool pendingOnly, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireInternal(caller, "see tier proposals");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var rows = await db.TierProposals.AsNoTracking()
            .Where(p => !pendingOnly || p.Status == ProposalStatus.Pending)
            .OrderByDescending(p => p.ProposedAtMs).ThenByDescending(p => p.Id)
            .Take(500)
            .ToListAsync(cancellationToken);
        var evaluationIds = rows.Select(r => r.EvaluationId).ToList();
        var evaluations = await db.TierEvaluations.AsNoTracking().Where(e => evaluationIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.ScorecardJson, cancellationToken);
        var names = (await directory.ListOrganisationsAsync(cancellationToken)).ToDictionary(o => o.Id, o => o.Name);
        return rows.Select(r => View(r, names.GetValueOrDefault(r.OrganisationId, r.OrganisationId),
            evaluations.TryGetValue(r.EvaluationId, out var json) ? JsonSerializer.Deserialize<TierScorecard>(json, Json) : null)).ToList();
    }

    /// <summary>
    /// A channel manager confirms a proposal (the directory's tier changes, the partner is told) or holds it with a
    /// reason; both are audited with the figures. A proposal is decided once.
    /// </summary>
    public async Task<TierProposalView> DecideAsync(Caller caller, long proposalId, bool confirm, string? reason, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireChannelManager(caller, "confirm tier changes");
        if (!confirm && string.IsNullOrWhiteSpace(reason))
        {
            throw new ProgramValidationException(["Give the reason for holding the change; it is kept in the audit log and the evaluation proposes again next quarter."]);
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        TierProposal proposal;
        TierScorecard? scorecard;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            proposal = await db.TierProposals.FirstOrDefaultAsync(p => p.Id == proposalId, cancellationToken)
                ?? throw new ProgramNotFoundException($"There is no tier proposal {proposalId}.");
            if (proposal.Status != ProposalStatus.Pending)
            {
                throw new ProgramRuleException($"That proposal is already {proposal.Status.ToString().ToLowerInvariant()}" +
                    (proposal.DecidedBy is { } by ? $" (by {by})." : "."));
            }

            var organisation = await directory.FindOrganisationAsync(proposal.OrganisationId, cancellationToken)
                ?? throw new ProgramNotFoundException($"There is no partner organisation \"{proposal.OrganisationId}\".");
            if ((organisation.Tier ?? Tier.Registered) != proposal.FromTier)
            {
                throw new ProgramRuleException($"{organisation.Name} is {organisation.Tier} now, not {proposal.FromTier} as when this was proposed; run the evaluation again.");
            }

            var json = await db.TierEvaluations.AsNoTracking().Where(e => e.Id == proposal.EvaluationId).Select(e => e.ScorecardJson).FirstOrDefaultAsync(cancellationToken);
            scorecard = json is null ? null : JsonSerializer.Deserialize<TierScorecard>(json, Json);
            proposal.Status = confirm ? ProposalStatus.Confirmed : ProposalStatus.Held;
            proposal.DecidedBy = caller.Person.Id;
            proposal.DecidedAtMs = nowMs;
            proposal.Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
            db.Audit.Add(ProgramAudit.Entry(caller, confirm ? "tier-confirmed" : "tier-held", proposal.OrganisationId, $"{proposal.FromTier}->{proposal.ToTier}",
                proposal.Reason, scorecard is null ? null : Figures(scorecard), nowMs));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                throw new ProgramRuleException("Another channel manager decided this proposal a moment ago.");
            }

            if (confirm)
            {
                organisation.Tier = proposal.ToTier;
                await directory.SaveOrganisationAsync(organisation, cancellationToken);
            }
        }

        var name = (await directory.FindOrganisationAsync(proposal.OrganisationId, cancellationToken))?.Name ?? proposal.OrganisationId;
        if (confirm)
        {
            logger.LogInformation("{Person} confirmed {Organisation}: {From} -> {To}", caller.Person.Id, proposal.OrganisationId, proposal.FromTier, proposal.ToTier);
            var benefits = Settings.For(proposal.ToTier);
            var effect = proposal.ToTier > proposal.FromTier
                ? $"Your registration discount is now {benefits.RegistrationDiscountPercent.ToString("0.#", CultureInfo.InvariantCulture)} % on registrations approved from today (approved ones keep theirs), and MDF accrues at {benefits.MdfAccrualPercent.ToString("0.#", CultureInfo.InvariantCulture)} % from the next fiscal year."
                : "Registrations already approved keep their discount and approved MDF is not withdrawn; talk to your channel manager about getting back.";
            await notifier.SendAsync(await notifier.AdminsOrEveryoneAsync(proposal.OrganisationId, cancellationToken),
                AssistantReply.Say($"{Possessive.Of(name)} tier changed from {proposal.FromTier} to **{proposal.ToTier}**, confirmed by your channel manager. {effect}").WithSuggestions("what tier are we?"),
                cancellationToken);
        }

        return View(proposal, name, scorecard);
    }

    /// <summary>Records the facts behind the Gold and Platinum requirements (and the agreement of partners that joined before
    /// onboarding was automated). Channel managers only; audited.</summary>
    public async Task<PartnerRecord> SetPartnerFactsAsync(Caller caller, string organisationId, PartnerFacts facts, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireChannelManager(caller, "record partner facts");
        var organisation = await directory.FindOrganisationAsync(organisationId, cancellationToken);
        if (organisation is null || organisation.IsVendor)
        {
            throw new ProgramNotFoundException($"There is no partner organisation \"{organisationId}\".");
        }

        var today = Today();
        if (facts.AgreementSignedOn > today || facts.BusinessPlanAgreedOn > today)
        {
            throw new ProgramValidationException(["A signature or agreement date cannot be in the future."]);
        }

        static string? Clean(string? text) => text is null ? null : text.Trim().Length == 0 ? "" : text.Trim()[..Math.Min(text.Trim().Length, 400)];
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var record = await db.Partners.FindAsync([organisationId], cancellationToken);
        if (record is null)
        {
            record = new PartnerRecord { OrganisationId = organisationId, InvitedAtMs = organisation.JoinedAt.ToUnixTimeMilliseconds() };
            db.Partners.Add(record);
        }

        if (facts.AgreementSignedOn is { } signed)
        {
            record.AgreementSignedAtMs = ProgramText.ToUnixMs(signed);
        }

        if (Clean(facts.CustomerReference) is { } reference)
        {
            record.CustomerReference = reference.Length == 0 ? null : reference;
            record.CustomerReferenceOn = reference.Length == 0 ? null : today;
        }

        if (Clean(facts.CoInnovationProject) is { } project)
        {
            record.CoInnovationProject = project.Length == 0 ? null : project;
        }

        if (Clean(facts.MarketplaceOffer) is { } offer)
        {
            record.MarketplaceOffer = offer.Length == 0 ? null : offer;
        }

        if (facts.BusinessPlanAgreedOn is { } plan)
        {
            record.BusinessPlanAgreedOn = plan;
        }

        record.UpdatedAtMs = nowMs;
        db.Audit.Add(ProgramAudit.Entry(caller, "partner-facts", organisationId, "tier facts", null, facts, nowMs));
        await db.SaveChangesAsync(cancellationToken);
        return record;
    }

    /// <summary>The program audit log, oldest first, optionally for one organisation. Channel managers and sales reps.</summary>
    public async Task<IReadOnlyList<ProgramAuditEntry>> AuditAsync(Caller caller, string? organisationId, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireInternal(caller, "read the program audit log");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var query = db.Audit.AsNoTracking();
        if (organisationId is not null)
        {
            query = query.Where(a => a.OrganisationId == organisationId);
        }

        return await query.OrderBy(a => a.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Scorecards of the partners as of <paramref name="asOf"/>: everything read in a few grouped queries.</summary>
    internal async Task<IReadOnlyList<TierScorecard>> ComputeAsync(IReadOnlyList<Organisation> partners, DateOnly asOf, CancellationToken cancellationToken)
    {
        await ledger.RefreshAsync(cancellationToken);
        var settings = Settings;
        var to = asOf.AddDays(-1);
        var from = to.AddMonths(-settings.TrailingMonths).AddDays(1);
        var quarters = new List<int> { ProgramText.QuarterOf(to) };
        while (quarters.Count < settings.PsatQuarters)
        {
            quarters.Add(ProgramText.PreviousQuarter(quarters[^1]));
        }

        var single = partners.Count == 1 ? partners[0].Id : null;
        var nowMs = ProgramText.ToUnixMs(asOf);
        var (fromDay, toDay) = (from.DayNumber, to.DayNumber);
        Dictionary<string, long> attributed;
        Dictionary<string, (int All, int Professional)> certified;
        Dictionary<string, List<Attestation>> attestations;
        Dictionary<string, PartnerRecord> records;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            attributed = await db.DealCredits.AsNoTracking()
                .Where(c => c.ClosedDay >= fromDay && c.ClosedDay <= toDay && (single == null || c.PartnerId == single))
                .GroupBy(c => c.PartnerId)
                .Select(g => new { Partner = g.Key, Cents = g.Sum(c => c.CreditCents) })
                .ToDictionaryAsync(x => x.Partner, x => x.Cents, cancellationToken);
            var holders = await db.Certifications.AsNoTracking()
                .Where(c => c.EarnedOn <= asOf && c.ExpiresOn > asOf && (single == null || c.OrganisationId == single))
                .Select(c => new { c.OrganisationId, c.HolderKey, c.Level })
                .ToListAsync(cancellationToken);
            certified = holders.GroupBy(h => h.OrganisationId).ToDictionary(g => g.Key,
                g => (g.Select(h => h.HolderKey).Distinct().Count(), g.Where(h => h.Level == CertificationLevel.Professional).Select(h => h.HolderKey).Distinct().Count()));
            attestations = (await db.Attestations.AsNoTracking().Where(a => a.SignedAtMs <= nowMs && (single == null || a.OrganisationId == single)).ToListAsync(cancellationToken))
                .GroupBy(a => a.OrganisationId).ToDictionary(g => g.Key, g => g.ToList());
            records = await db.Partners.AsNoTracking().Where(p => single == null || p.OrganisationId == single).ToDictionaryAsync(p => p.OrganisationId, cancellationToken);
        }

        var answered = await psat.AnsweredQuartersAsync(single, quarters.Min(), cancellationToken);
        var results = new List<TierScorecard>(partners.Count);
        foreach (var partner in partners)
        {
            records.TryGetValue(partner.Id, out var record);
            var own = attestations.GetValueOrDefault(partner.Id) ?? [];
            var complianceProblems = new List<string>();
            var passed = true;
            var current = true;
            foreach (var kind in Enum.GetValues<AttestationKind>())
            {
                var latest = own.Where(a => a.Kind == kind).MaxBy(a => a.SignedAtMs);
                if (latest is null)
                {
                    passed = current = false;
                    complianceProblems.Add($"the {OnboardingService.Describe(kind)} is missing");
                }
                else if (latest.ValidUntilMs <= nowMs)
                {
                    current = false;
                    complianceProblems.Add($"the {OnboardingService.Describe(kind)} expired on {ProgramText.Date(latest.ValidUntilMs)}");
                }
            }

            var quartersAnswered = answered.GetValueOrDefault(partner.Id) ?? [];
            var figures = new TierFigures(
                from, to,
                attributed.GetValueOrDefault(partner.Id) / 100m,
                certified.GetValueOrDefault(partner.Id).All,
                certified.GetValueOrDefault(partner.Id).Professional,
                quarters.Select(ProgramText.QuarterName).ToList(),
                quarters.Where(q => !quartersAnswered.Contains(q)).OrderBy(q => q).Select(ProgramText.QuarterName).ToList(),
                record?.AgreementSignedAtMs is not null,
                passed, current, complianceProblems,
                !string.IsNullOrWhiteSpace(record?.CustomerReference),
                !string.IsNullOrWhiteSpace(record?.CoInnovationProject) || !string.IsNullOrWhiteSpace(record?.MarketplaceOffer),
                record?.BusinessPlanAgreedOn is { } plan && plan > asOf.AddYears(-1) && plan <= asOf);
            var checks = Enum.GetValues<Tier>().Select(tier => Check(tier, settings.For(tier), figures)).ToList();
            var eligible = checks.Where(c => c.Met).Select(c => (Tier?)c.Tier).Max() ?? Tier.Registered;
            results.Add(new TierScorecard(partner.Id, partner.Name, partner.Tier ?? Tier.Registered, eligible, checks[0].Met, figures, checks, asOf));
        }

        return results;
    }

    private static TierCheck Check(Tier tier, TierRequirement rule, TierFigures f)
    {
        var met = new List<string>();
        var missing = new List<string>();
        void Require(bool required, bool ok, string satisfied, string gap)
        {
            if (required)
            {
                (ok ? met : missing).Add(ok ? satisfied : gap);
            }
        }

        Require(rule.RequiresAgreement, f.AgreementSigned, "partner agreement signed", "a signed partner agreement");
        Require(rule.Compliance == ComplianceRequirement.Passed, f.CompliancePassed, "compliance screening passed",
            "compliance screening passed (" + string.Join(", ", f.ComplianceProblems) + ")");
        Require(rule.Compliance == ComplianceRequirement.Current, f.ComplianceCurrent, "compliance current",
            "compliance current (" + string.Join(", ", f.ComplianceProblems) + ")");
        if (rule.MinAttributedRevenue > 0)
        {
            var gap = rule.MinAttributedRevenue - f.AttributedRevenue;
            Require(true, gap <= 0, $"{Usd(f.AttributedRevenue)} attributed revenue (≥ {Usd(rule.MinAttributedRevenue)})",
                $"{Usd(gap)} more attributed revenue ({Usd(f.AttributedRevenue)} of {Usd(rule.MinAttributedRevenue)} in the trailing months)");
        }

        if (rule.MinCertifiedIndividuals > 0)
        {
            var gap = rule.MinCertifiedIndividuals - f.CertifiedIndividuals;
            Require(true, gap <= 0, $"{f.CertifiedIndividuals} certified individuals (≥ {rule.MinCertifiedIndividuals})",
                $"{gap} more certified {(gap == 1 ? "individual" : "individuals")} ({f.CertifiedIndividuals} of {rule.MinCertifiedIndividuals})");
        }

        if (rule.MinProfessionalCertified > 0)
        {
            var gap = rule.MinProfessionalCertified - f.ProfessionalCertified;
            Require(true, gap <= 0, $"{f.ProfessionalCertified} at professional level (≥ {rule.MinProfessionalCertified})",
                $"{gap} more at professional level ({f.ProfessionalCertified} of {rule.MinProfessionalCertified})");
        }

        Require(rule.RequiresPsat, f.PsatMissing.Count == 0, $"PSAT answered in {string.Join(" and ", f.PsatQuarters.Order())}",
            $"the PSAT survey answered in {string.Join(" and ", f.PsatMissing)}");
        Require(rule.RequiresCustomerReference, f.CustomerReference, "a documented customer reference", "a documented customer reference");
        Require(rule.RequiresCoInnovationOrMarketplaceOffer, f.CoInnovationOrMarketplaceOffer, "a co-innovation project or published marketplace offer",
            "a co-innovation project or a published marketplace offer");
        Require(rule.RequiresBusinessPlan, f.BusinessPlan, "an annual business plan agreed", "an annual business plan agreed with your channel manager");
        return new TierCheck(tier, missing.Count == 0, met, missing);
    }

    private static object Figures(TierScorecard s) => new
    {
        attributedRevenue = s.Figures.AttributedRevenue,
        certified = s.Figures.CertifiedIndividuals,
        professional = s.Figures.ProfessionalCertified,
        psatMissing = s.Figures.PsatMissing,
        complianceCurrent = s.Figures.ComplianceCurrent,
        from = s.Figures.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        to = s.Figures.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    private static TierProposalView View(TierProposal p, string name, TierScorecard? scorecard) =>
        new(p.Id, p.OrganisationId, name, p.FromTier, p.ToTier, p.Status, ProgramText.ToDate(p.ProposedAtMs), p.DecidedBy, p.Reason, scorecard);

    internal static string Usd(decimal amount) => "$" + Math.Round(amount).ToString("N0", CultureInfo.InvariantCulture);

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
