using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;
using static PartnerAssistant.PartnerProgram.ProgramReplies;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// Tiers in chat: a partner's tier and what the next (or a named) tier needs, explained requirement by requirement; the
/// channel manager's evaluation run and the confirmation or hold of proposed changes (cards update in place).
/// </summary>
public sealed class TiersPlugin(TierService tiers, DirectoryService directory)
{
    private const string Plugin = "Tiers";

    [KernelFunction("MyTier"), Description("Shows a partner's tier with its figures and what the next tier needs (the caller's organisation for partners).")]
    public Task<AssistantReply> MyTierAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => ExplainAsync(kernel, utterance, target: null, cancellationToken);

    [KernelFunction("TierGap"), Description("Explains what a partner still needs for a tier (Silver, Gold or Platinum; the next one when none is named).")]
    public Task<AssistantReply> TierGapAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => ExplainAsync(kernel, utterance, ProgramLanguage.FindTier(utterance), cancellationToken);

    [KernelFunction("EvaluateTiers"), Description("For channel managers: runs the tier evaluation now (every partner, or the one named) and proposes tier changes.")]
    public Task<AssistantReply> EvaluateTiersAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string organisationId = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        ProgramAccess.RequireChannelManager(caller, "run the tier evaluation");
        if (!IsConfirmed(confirmed))
        {
            var named = await SubjectAsync(caller, utterance, null, directory, cancellationToken);
            return Confirm(named is null
                    ? "I'll evaluate every partner's tier now against the trailing-twelve-month figures, store the results and propose the changes for your confirmation."
                    : $"I'll evaluate {Possessive.Of(named.Name)} tier now, store the result and propose a change if its figures call for one.",
                $"{Plugin}.EvaluateTiers", new() { ["organisationId"] = named?.Id ?? "" },
                named is null ? "evaluate every partner's tier" : $"evaluate {Possessive.Of(named.Name)} tier",
                [new("Partners", named?.Name ?? "every partner"), new("Writes", "the evaluation results and proposed tier changes (no tier changes until you confirm them)")]);
        }

        var scorecards = await tiers.EvaluateAsync(caller, organisationId.Length > 0 ? [organisationId] : [], caller.Person.Id, cancellationToken);
        var changes = scorecards.Where(s => s.EligibleTier != s.CurrentTier).ToList();
        var text = new StringBuilder($"Evaluated {ProgramText.Plural(scorecards.Count, "partner", "partners")}: ");
        text.Append(changes.Count == 0 ? "every tier stands." : $"{ProgramText.Plural(changes.Count, "change is", "changes are")} proposed for your confirmation:\n\n");
        foreach (var change in changes.Take(15))
        {
            text.Append($"- {change.OrganisationName}: {change.CurrentTier} → **{change.EligibleTier}**\n");
        }

        if (scorecards.Count == 1 && changes.Count == 0)
        {
            text.Append(' ').Append(scorecards[0].Explain(forPartner: false));
        }

        var reply = AssistantReply.Say(text.ToString());
        foreach (var proposal in (await tiers.ProposalsAsync(caller, pendingOnly: true, cancellationToken)).Where(p => changes.Any(c => c.OrganisationId == p.OrganisationId)).Take(5))
        {
            reply = reply.WithCard(ProgramCards.TierProposal(proposal));
        }

        return reply;
    });

    [KernelFunction("PendingTierChanges"), Description("For the vendor's staff: tier changes the evaluation proposed that wait for a channel manager.")]
    public Task<AssistantReply> PendingTierChangesAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var pending = await tiers.ProposalsAsync(caller, pendingOnly: true, cancellationToken);
        if (pending.Count == 0)
        {
            return AssistantReply.Say("No tier change is waiting for confirmation.").WithSuggestions("run the tier evaluation");
        }

        var reply = AssistantReply.Say($"{ProgramText.Plural(pending.Count, "tier change waits", "tier changes wait")} for confirmation:\n\n" +
            string.Join("\n", pending.Take(20).Select(p => $"- {p.OrganisationName}: {p.FromTier} → **{p.ToTier}** (proposed {ProgramText.Date(p.ProposedOn)})")));
        foreach (var proposal in pending.Take(5))
        {
            reply = reply.WithCard(ProgramCards.TierProposal(proposal));
        }

        return reply;
    });

    [KernelFunction("ConfirmTierChange"), Description("For channel managers: confirms a proposed tier change (from its card, or naming the partner).")]
    public Task<AssistantReply> ConfirmTierChangeAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON")] string value = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string proposalId = "",
        CancellationToken cancellationToken = default) => DecideAsync(kernel, confirm: true, utterance, value, confirmed, proposalId, "", cancellationToken);

    [KernelFunction("HoldTierChange"), Description("For channel managers: holds (does not confirm) a proposed tier change, with the reason.")]
    public Task<AssistantReply> HoldTierChangeAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON")] string value = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string proposalId = "", string reason = "",
        CancellationToken cancellationToken = default) => DecideAsync(kernel, confirm: false, utterance, value, confirmed, proposalId, reason, cancellationToken);

    private Task<AssistantReply> ExplainAsync(Kernel kernel, string utterance, Tier? target, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var subject = await SubjectAsync(caller, utterance, null, directory, cancellationToken);
        if (subject is null)
        {
            return AssistantReply.Say("Which partner? For example \"what tier is Keystone?\" or \"what does Bluewave need for Gold?\".");
        }

        var scorecard = await tiers.ScorecardAsync(caller, subject.Id, cancellationToken);
        var forPartner = caller.Role.IsPartner();
        var text = scorecard.Explain(forPartner, target);
        if (target is { } t && t <= scorecard.CurrentTier && scorecard.EligibleTier >= t)
        {
            text += $" ({(forPartner ? "You" : subject.Name)} already meet{(forPartner ? "" : "s")} every {t} requirement.)";
        }

        var suggestions = scorecard.NextTier is { } next ? new[] { $"what do we need for {next}?", "how much MDF do we have left?" } : ["how much MDF do we have left?"];
        return AssistantReply.Say(text).WithCard(ProgramCards.Scorecard(scorecard, target, forPartner)).WithSuggestions(forPartner ? suggestions : [$"run the tier evaluation for {subject.Name}"]);
    });

    private Task<AssistantReply> DecideAsync(Kernel kernel, bool confirm, string utterance, string value, string confirmed, string proposalId, string reason, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        ProgramAccess.RequireChannelManager(caller, "decide tier changes");
        var data = ProgramLanguage.TryParseObject(value);
        var onCard = OnCard(kernel);
        var why = new[] { reason, ProgramLanguage.Text(data, "reason"), ProgramLanguage.FindReason(utterance) }.FirstOrDefault(r => !string.IsNullOrWhiteSpace(r))?.Trim();
        var pending = await tiers.ProposalsAsync(caller, pendingOnly: false, cancellationToken);
        TierProposalView? proposal = null;
        if (long.TryParse(proposalId.Length > 0 ? proposalId : ProgramLanguage.Text(data, "proposalId"), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            proposal = pending.FirstOrDefault(p => p.Id == id) ?? throw new ProgramNotFoundException($"There is no tier proposal {id}.");
        }
        else if (await SubjectAsync(caller, utterance, null, directory, cancellationToken) is { } named)
        {
            proposal = pending.FirstOrDefault(p => p.OrganisationId == named.Id && p.Status == ProposalStatus.Pending)
                ?? throw new ProgramNotFoundException($"No tier change of {named.Name} waits for confirmation.");
        }

        if (proposal is null)
        {
            return AssistantReply.Say("Which partner's tier change? For example \"confirm Keystone's tier change\".").WithSuggestions("show pending tier changes");
        }

        if (!confirm && why is null)
        {
            return onCard
                ? AssistantReply.Say("Give a reason for holding it.").WithCard(ProgramCards.TierProposal(proposal))
                : AssistantReply.Say($"Why hold {Possessive.Of(proposal.OrganisationName)} change to {proposal.ToTier}? For example \"hold Keystone's tier change because an attribution correction is pending\".");
        }

        if (onCard && ProgramLanguage.Text(data, "confirmed") != "true")
        {
            // On a card the confirmation is a second card (it replaces the first) whose button carries confirmed=true.
            return AssistantReply.Say($"Confirm: {(confirm ? "confirm" : "hold")} {Possessive.Of(proposal.OrganisationName)} change to {proposal.ToTier}.")
                .WithCard(ProgramCards.ConfirmTierDecision(proposal, confirm, why));
        }

        if (IsConfirmed(confirmed) || onCard)
        {
            var decided = await tiers.DecideAsync(caller, proposal.Id, confirm, why, cancellationToken);
            return AssistantReply.Say(confirm
                    ? $"Confirmed: **{decided.OrganisationName}** is now **{decided.ToTier}** (was {decided.FromTier}). Its people have been told; the change is in the audit log."
                    : $"Held: {decided.OrganisationName} stays {decided.FromTier}. The reason is in the audit log and the evaluation proposes again next quarter.")
                .WithCard(ProgramCards.TierProposal(decided));
        }

        return Confirm(confirm
                ? $"I'll confirm **{proposal.OrganisationName}**: {proposal.FromTier} → **{proposal.ToTier}**. Its people are told and the change is audited."
                : $"I'll hold {Possessive.Of(proposal.OrganisationName)} change to {proposal.ToTier}. Reason: {why}",
            confirm ? ProgramCards.ConfirmTierIntent : ProgramCards.HoldTierIntent,
            new() { ["proposalId"] = proposal.Id.ToString(CultureInfo.InvariantCulture), ["reason"] = why ?? "" },
            confirm ? $"confirm {proposal.OrganisationName} as {proposal.ToTier}" : $"hold {Possessive.Of(proposal.OrganisationName)} tier change",
            [
                new("Partner", proposal.OrganisationName), new("Decision", confirm ? "confirm the change" : "hold the change"),
                new("Tier", confirm ? $"{proposal.FromTier} → {proposal.ToTier}" : $"stays {proposal.FromTier} (proposed {proposal.ToTier})"), new("Reason", why),
            ]);
    });
}
