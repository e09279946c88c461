using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;
using static PartnerAssistant.PartnerProgram.ProgramReplies;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// Market development funds in chat: the request form (pre-filled from what the partner said), the channel manager's
/// decision card (Action.Execute updates it in place), claims with proof attached, payment, balances and status. Thin:
/// <see cref="MdfService"/> checks rights and rules. Writes ask for a "yes" (on cards: a confirming card) first.
/// </summary>
public sealed class MdfPlugin(MdfService mdf, ProgramDocuments documents, DirectoryService directory, IOptions<MdfOptions> options, TimeProvider time)
{
    private const string Plugin = "Mdf";

    private MdfOptions Settings => options.Value;

    [KernelFunction("RequestFunds"), Description("For partner admins: starts an MDF request — a form pre-filled from what was said (activity type, date, amount).")]
    public Task<AssistantReply> RequestFundsAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        ProgramAccess.RequirePartnerAdminOf(caller, caller.OrganisationId, "request MDF");
        if (!caller.Role.IsPartner())
        {
            return AssistantReply.Say("MDF is requested by the partner's admin; you decide the requests (\"show MDF requests waiting for approval\").");
        }

        var draft = ProgramLanguage.ParseMdfRequest(utterance, Today(), Settings.EffectiveActivityTypes, Settings.MaxCoFundingPercent);
        var balances = await mdf.BalancesAsync(caller, caller.OrganisationId, cancellationToken);
        var when = draft.ActivityDate ?? Today().AddDays(Settings.RequestLeadDays);
        var balance = balances.FirstOrDefault(b => b.PeriodStart <= when && b.PeriodEnd >= when);
        var understood = new List<string>();
        if (draft.ActivityType.Length > 0)
        {
            understood.Add($"a {draft.ActivityType}");
        }

        if (draft.ActivityDate is { } date)
        {
            understood.Add($"on {ProgramText.Date(date)}{(date.Day == 15 && !utterance.Contains("15", StringComparison.Ordinal) ? " (mid-month assumed — set the real date)" : "")}");
        }

        if (draft.RequestedAmount is { } amount)
        {
            understood.Add($"{ProgramCards.Money(amount)} requested, so at least {ProgramCards.Money(draft.EligibleCost!.Value)} of eligible cost at {Settings.MaxCoFundingPercent} % co-funding");
        }

        var text = understood.Count > 0 ? $"Here is what I understood: {string.Join(", ", understood)}. Add the plan and expected outcomes, check the rest and press **Request funds**."
            : "Fill in the form and press **Request funds**.";
        if (balance is null)
        {
            text += $" Note: {caller.Organisation.Name} has no MDF budget for that date yet" + ((caller.Organisation.Tier ?? Tier.Registered) == Tier.Registered ? " (MDF accrues from Silver tier)." : "; ask your channel manager.");
        }

        return AssistantReply.Say(text).WithCard(ProgramCards.MdfForm(draft, Settings.EffectiveActivityTypes, balance, Settings.RequestLeadDays, Settings.MaxCoFundingPercent));
    });

    [KernelFunction("SubmitRequest"), Description("Submits the MDF request form; asks for confirmation, then creates the request and answers with its number.")]
    public Task<AssistantReply> SubmitRequestAsync(Kernel kernel,
        [Description("The submitted form as JSON")] string value = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if (ProgramLanguage.TryParseObject(value) is not { } data)
        {
            return AssistantReply.Say("Use the MDF request form: say \"request MDF for a webinar in March, 8k\" to get one.");
        }

        // A form without a key gets one from its content, so concurrent or repeated submits of it create one request.
        data = CardData.WithSubmissionKey(data, caller.Person.Id);
        var draft = MdfDraft.FromSubmit(data);
        var input = draft.ToInput();
        if (!IsConfirmed(confirmed))
        {
            var problems = await mdf.CheckAsync(caller, caller.OrganisationId, input, cancellationToken);
            if (problems.Count > 0)
            {
                var balances = await mdf.BalancesAsync(caller, caller.OrganisationId, cancellationToken);
                var balance = balances.FirstOrDefault(b => draft.ActivityDate is { } d && b.PeriodStart <= d && b.PeriodEnd >= d);
                return AssistantReply.Say("Please fix the form:\n\n" + string.Join("\n", problems.Select(p => "- " + p)))
                    .WithCard(ProgramCards.MdfForm(draft, Settings.EffectiveActivityTypes, balance, Settings.RequestLeadDays, Settings.MaxCoFundingPercent, problems));
            }

            return Confirm($"You are about to request **{ProgramCards.Money(input.RequestedAmount)}** of MDF for \"{input.Title}\" ({input.ActivityType}) on {ProgramText.Date(input.ActivityDate)}, " +
                    $"eligible cost {ProgramCards.Money(input.EligibleCost)}. Your channel manager decides within {Settings.DecisionBusinessDays} business days.",
                ProgramCards.SubmitMdfIntent, new() { ["value"] = data.ToJsonString() }, $"request {ProgramCards.Money(input.RequestedAmount)} of MDF for {input.Title}",
                [
                    new("Partner", caller.Organisation.Name), new("Activity", input.Title), new("Type", input.ActivityType), new("Date", ProgramText.Date(input.ActivityDate)),
                    new("Requested", ProgramCards.Money(input.RequestedAmount)), new("Eligible cost", ProgramCards.Money(input.EligibleCost)),
                    new("Plan", input.Plan), new("Expected outcomes", input.ExpectedOutcomes),
                ]);
        }

        var (request, duplicate) = await mdf.RequestAsync(caller, caller.OrganisationId, input, cancellationToken);
        return AssistantReply.Say(duplicate
                ? $"This form was already submitted as **{request.Number}** ({MdfService.Describe(request.Status)}); nothing new was created."
                : $"Requested as **{request.Number}**. Your channel manager decides by {ProgramText.Date(request.DecisionDue)}; I'll tell you the decision.")
            .WithCard(ProgramCards.MdfRequest(request, internalView: false))
            .WithSuggestions($"status of {request.Number}", "how much MDF do we have left?");
    });

    [KernelFunction("Balance"), Description("Shows MDF budgets and what is available, committed and paid (the caller's organisation for partners).")]
    public Task<AssistantReply> BalanceAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var subject = await SubjectAsync(caller, utterance, null, directory, cancellationToken);
        if (subject is null)
        {
            return AssistantReply.Say("Whose MDF balance? For example \"MDF balance of Keystone\".");
        }

        var balances = await mdf.BalancesAsync(caller, subject.Id, cancellationToken);
        if (balances.Count == 0)
        {
            return AssistantReply.Say($"{subject.Name} has no MDF budget" + ((subject.Tier ?? Tier.Registered) == Tier.Registered ? " — MDF accrues from Silver tier." : " yet; the channel manager sets it."));
        }

        var text = new StringBuilder($"MDF of {subject.Name}:\n\n");
        foreach (var b in balances.Take(3))
        {
            text.Append($"- {ProgramText.Date(b.PeriodStart)} – {ProgramText.Date(b.PeriodEnd)}{(b.Expired ? " (expired)" : "")}: **{ProgramCards.Money(b.Available)} available** of {ProgramCards.Money(b.Budget)}; " +
                $"{ProgramCards.Money(b.Committed - b.Paid)} approved and not yet paid, {ProgramCards.Money(b.Paid)} paid" +
                (b.Pending > 0 ? $"; {ProgramCards.Money(b.Pending)} requested and waiting for a decision" : "") + ".\n");
        }

        text.Append("\nUnused funds expire at the end of the fiscal year.");
        return AssistantReply.Say(text.ToString()).WithSuggestions(caller.Role == Role.PartnerAdmin ? ["request MDF for a webinar"] : ["show our MDF requests"]);
    });

    [KernelFunction("ListRequests"), Description("Lists MDF requests: the caller's organisation's for partners; for channel managers those waiting for a decision (or all).")]
    public Task<AssistantReply> ListRequestsAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var lower = utterance.ToLowerInvariant();
        var waiting = !caller.Role.IsPartner() && !lower.Contains("all", StringComparison.Ordinal);
        IReadOnlyList<MdfStatus> statuses = waiting ? [MdfStatus.Requested, MdfStatus.Claimed, MdfStatus.ClaimApproved] : [];
        var subject = caller.Role.IsPartner() ? caller.Organisation : await SubjectAsync(caller, utterance, null, directory, cancellationToken);
        var requests = await mdf.ListAsync(caller, subject?.Id, statuses, cancellationToken);
        if (requests.Count == 0)
        {
            return AssistantReply.Say(waiting ? "No MDF request or claim waits for you." : "There are no MDF requests yet.");
        }

        var text = new StringBuilder(waiting ? "MDF waiting for you:\n\n" : $"MDF requests{(subject is null ? "" : " of " + subject.Name)}:\n\n");
        foreach (var r in requests.Take(20))
        {
            text.Append($"- **{r.Number}** {r.Title}{(caller.Role.IsPartner() ? "" : $" · {r.OrganisationName}")} · {ProgramText.Date(r.ActivityDate)} · " +
                $"{ProgramCards.Money(r.Approved ?? r.Requested)} · {MdfService.Describe(r.Status)}{(r.DecisionOverdue ? " · **decision overdue**" : "")}\n");
        }

        var reply = AssistantReply.Say(text.ToString());
        if (waiting)
        {
            foreach (var r in requests.Take(3))
            {
                reply = reply.WithCard(r.Status == MdfStatus.Claimed ? ProgramCards.MdfClaimDecision(r) : ProgramCards.MdfDecision(r, null));
            }
        }

        return reply.WithSuggestions($"status of {requests[0].Number}");
    });

    [KernelFunction("RequestStatus"), Description("Shows one MDF request by its number (MDF-12): status, amounts, claim and payment.")]
    public Task<AssistantReply> RequestStatusAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON, with a number")] string value = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if (NumberFrom(utterance, value) is not { } number)
        {
            return AssistantReply.Say("Which request? Give its number, for example \"status of MDF-12\".");
        }

        var view = await mdf.FindAsync(caller, number, cancellationToken);
        var internalView = ProgramAccess.SeesAllPartners(caller);
        var card = ProgramAccess.IsChannelManager(caller) && view.Status == MdfStatus.Requested ? ProgramCards.MdfDecision(view, null)
            : ProgramAccess.IsChannelManager(caller) && view.Status == MdfStatus.Claimed ? ProgramCards.MdfClaimDecision(view)
            : ProgramCards.MdfRequest(view, internalView);
        return AssistantReply.Say($"**{view.Number}** ({view.Title}) is {MdfService.Describe(view.Status)}.").WithCard(card);
    });

    [KernelFunction("ApproveRequest"), Description("For channel managers: approves an MDF request (optionally a lower amount or co-funding share).")]
    public Task<AssistantReply> ApproveRequestAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON")] string value = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string number = "", string amount = "", string share = "", string reason = "",
        CancellationToken cancellationToken = default) => DecideRequestAsync(kernel, approve: true, utterance, value, confirmed, number, amount, share, reason, cancellationToken);

    [KernelFunction("DeclineRequest"), Description("For channel managers: declines an MDF request, with the reason.")]
    public Task<AssistantReply> DeclineRequestAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON")] string value = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string number = "", string reason = "",
        CancellationToken cancellationToken = default) => DecideRequestAsync(kernel, approve: false, utterance, value, confirmed, number, "", "", reason, cancellationToken);

    [KernelFunction("ClaimFunds"), Description("For partner admins: claims an approved MDF activity with proof of performance attached and the actual cost.")]
    public Task<AssistantReply> ClaimFundsAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string number = "", string actualCost = "", string documentIds = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if (IsConfirmed(confirmed))
        {
            var ids = documentIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToList();
            var claimed = await mdf.ClaimAsync(caller, MdfNumber.Parse(number)!.Value, decimal.Parse(actualCost, CultureInfo.InvariantCulture), ids, cancellationToken);
            var claim = claimed.OpenClaim!;
            return AssistantReply.Say($"Claimed **{claimed.Number}**: {ProgramCards.Money(claim.Reimbursement)} to be reimbursed once your channel manager approves the claim. " +
                    $"Payment follows within {Settings.PaymentDays} days of approval.")
                .WithCard(ProgramCards.MdfRequest(claimed, internalView: false));
        }

        if (NumberFrom(utterance, "") is not { } requestNumber)
        {
            return AssistantReply.Say("Which request are you claiming? For example \"claim MDF-12, actual cost 16k, proof attached\".");
        }

        var view = await mdf.FindAsync(caller, requestNumber, cancellationToken);
        ProgramAccess.RequirePartnerAdminOf(caller, view.OrganisationId, "claim MDF");
        if (ProgramDocuments.FilesIn(kernel.GetTurn().Attachments).Count == 0)
        {
            return AssistantReply.Say($"Attach the proof of performance for {view.Number} (invoices, attendee lists, screenshots) and say what the activity cost, " +
                $"e.g. \"claim {view.Number}, actual cost 16,400, proof attached\".");
        }

        if (ProgramLanguage.FindActualCost(utterance) is not { } cost)
        {
            return AssistantReply.Say($"What did the activity cost in total (eligible cost)? Send the proof again with it, e.g. \"claim {view.Number}, actual cost 16,400\".");
        }

        var stored = await StoreAttachmentsAsync(kernel, documents, view.OrganisationId, "mdf-claim:" + view.Number, cancellationToken);
        var reimbursement = Math.Min(Math.Round(cost * view.SharePercent / 100m, 2), view.Approved ?? 0);
        return Confirm($"You are about to claim **{view.Number}** ({view.Title}): actual cost {ProgramCards.Money(cost)}, reimbursement {ProgramCards.Money(reimbursement)} " +
                $"({view.SharePercent} %, at most the approved {ProgramCards.Money(view.Approved ?? 0)}), with {string.Join(", ", stored.Select(d => d.FileName))} as proof.",
            $"{Plugin}.ClaimFunds",
            new() { ["number"] = view.Number, ["actualCost"] = cost.ToString(CultureInfo.InvariantCulture), ["documentIds"] = string.Join(',', stored.Select(d => d.Id)) },
            $"claim {view.Number}",
            [
                new("Request", $"{view.Number} ({view.Title})"), new("Actual cost", ProgramCards.Money(cost)),
                new("Reimbursement", $"{ProgramCards.Money(reimbursement)} ({view.SharePercent} %, at most the approved {ProgramCards.Money(view.Approved ?? 0)})"),
                new("Proof", string.Join(", ", stored.Select(d => d.FileName))),
            ]);
    });

    [KernelFunction("ApproveClaim"), Description("For channel managers: approves the claim on an MDF request.")]
    public Task<AssistantReply> ApproveClaimAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON")] string value = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string number = "",
        CancellationToken cancellationToken = default) => DecideClaimAsync(kernel, approve: true, utterance, value, confirmed, number, "", cancellationToken);

    [KernelFunction("RejectClaim"), Description("For channel managers: rejects the claim on an MDF request, with the reason (the partner may claim again).")]
    public Task<AssistantReply> RejectClaimAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON")] string value = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string number = "", string reason = "",
        CancellationToken cancellationToken = default) => DecideClaimAsync(kernel, approve: false, utterance, value, confirmed, number, reason, cancellationToken);

    [KernelFunction("MarkPaid"), Description("For channel managers: marks the approved claim of an MDF request as paid (it then counts as program investment).")]
    public Task<AssistantReply> MarkPaidAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string number = "", string reference = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        ProgramAccess.RequireChannelManager(caller, "mark MDF paid");
        if (IsConfirmed(confirmed))
        {
            var paid = await mdf.MarkPaidAsync(caller, MdfNumber.Parse(number)!.Value, reference.Length > 0 ? reference : null, cancellationToken);
            return AssistantReply.Say($"**{paid.Number}** marked paid: {ProgramCards.Money(paid.Paid!.Value)} to {paid.OrganisationName}. It now counts as MDF in the program investment (ROPI).")
                .WithCard(ProgramCards.MdfRequest(paid, internalView: true));
        }

        if (NumberFrom(utterance, "") is not { } requestNumber)
        {
            return AssistantReply.Say("Which request was paid? For example \"mark MDF-12 paid, reference PAY-2291\".");
        }

        var view = await mdf.FindAsync(caller, requestNumber, cancellationToken);
        var paymentReference = System.Text.RegularExpressions.Regex.Match(utterance, @"\b(?:ref(?:erence)?|payment)\s*[:#]?\s*(?<ref>[A-Z0-9][A-Z0-9\-]{2,})", System.Text.RegularExpressions.RegexOptions.IgnoreCase) is { Success: true } m
            && !m.Groups["ref"].Value.StartsWith("MDF", StringComparison.OrdinalIgnoreCase) ? m.Groups["ref"].Value : "";
        var amount = view.ApprovedClaim?.Reimbursement;
        return Confirm($"I'll mark **{view.Number}** ({view.OrganisationName}, {view.Title}) as paid{(amount is { } a ? $": {ProgramCards.Money(a)}" : "")}{(paymentReference.Length > 0 ? $", reference {paymentReference}" : "")}.",
            $"{Plugin}.MarkPaid", new() { ["number"] = view.Number, ["reference"] = paymentReference }, $"mark {view.Number} paid",
            [new("Request", $"{view.Number} ({view.OrganisationName}, {view.Title})"), new("Paid", amount is { } toPay ? ProgramCards.Money(toPay) : null), new("Payment reference", paymentReference)]);
    });

    private Task<AssistantReply> DecideRequestAsync(Kernel kernel, bool approve, string utterance, string value, string confirmed, string number, string amount, string share, string reason, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        ProgramAccess.RequireChannelManager(caller, "decide MDF requests");
        var data = ProgramLanguage.TryParseObject(value);
        var onCard = OnCard(kernel);
        if ((MdfNumber.Parse(number) ?? NumberFrom(utterance, value)) is not { } n)
        {
            return AssistantReply.Say($"Which request should I {(approve ? "approve" : "decline")}? For example \"{(approve ? "approve MDF-12" : "decline MDF-12 because the plan has no measurable outcomes")}\".");
        }

        var why = new[] { reason, ProgramLanguage.Text(data, "reason"), ProgramLanguage.FindReason(utterance) }.FirstOrDefault(r => !string.IsNullOrWhiteSpace(r))?.Trim();
        var approvedAmount = decimal.TryParse(amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var a) ? a
            : ProgramLanguage.Number(data, "amount") ?? (onCard ? null : Deals.DealLanguage.FindMoney(System.Text.RegularExpressions.Regex.Replace(utterance, @"\bMDF[\s\-#]?\d+\b", " ", System.Text.RegularExpressions.RegexOptions.IgnoreCase))?.Amount);
        int? sharePercent = int.TryParse(share, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s
            : ProgramLanguage.Number(data, "share") is { } shareNumber ? (int)shareNumber : null;
        var view = await mdf.FindAsync(caller, n, cancellationToken);
        if (approvedAmount == view.Requested)
        {
            approvedAmount = null;
        }

        if (sharePercent == view.SharePercent)
        {
            sharePercent = null;
        }

        if (!approve && why is null)
        {
            return onCard
                ? AssistantReply.Say("Give the reason for declining.").WithCard(ProgramCards.MdfDecision(view, null))
                : AssistantReply.Say($"Why decline {view.Number}? The partner is told. For example \"decline {view.Number} because the activity does not feature Northbeam\".");
        }

        var isConfirmed = IsConfirmed(confirmed) || (onCard && ProgramLanguage.Text(data, "confirmed") == "true");
        if (isConfirmed)
        {
            var decided = approve
                ? await mdf.ApproveAsync(caller, n, approvedAmount, sharePercent, why, cancellationToken)
                : await mdf.DeclineAsync(caller, n, why!, cancellationToken);
            return AssistantReply.Say(approve
                    ? $"**{decided.Number}** approved for {ProgramCards.Money(decided.Approved!.Value)}: reserved from {Possessive.Of(decided.OrganisationName)} balance. They have been told."
                    : $"**{decided.Number}** declined. {decided.OrganisationName} has been told why.")
                .WithCard(ProgramCards.MdfRequest(decided, internalView: true));
        }

        if (onCard)
        {
            return AssistantReply.Say($"Confirm: {(approve ? "approve" : "decline")} {view.Number}.").WithCard(ProgramCards.ConfirmMdfDecision(view, approve, approvedAmount, sharePercent, why));
        }

        return Confirm(approve
                ? $"I'll approve **{view.Number}** ({view.OrganisationName}, {view.Title}) for {ProgramCards.Money(approvedAmount ?? view.Requested)} at {sharePercent ?? view.SharePercent} % co-funding; it is reserved from their balance."
                : $"I'll decline **{view.Number}** ({view.OrganisationName}, {view.Title}). Reason: {why}",
            approve ? ProgramCards.ApproveMdfIntent : ProgramCards.DeclineMdfIntent,
            new()
            {
                ["number"] = view.Number, ["reason"] = why ?? "",
                ["amount"] = approvedAmount?.ToString(CultureInfo.InvariantCulture) ?? "", ["share"] = sharePercent?.ToString(CultureInfo.InvariantCulture) ?? "",
            },
            $"{(approve ? "approve" : "decline")} {view.Number}",
            approve
                ?
                [
                    new("Request", $"{view.Number} ({view.OrganisationName}, {view.Title})"), new("Decision", "approve"),
                    new("Approved amount", $"{ProgramCards.Money(approvedAmount ?? view.Requested)}{(approvedAmount is null ? "" : $" (requested {ProgramCards.Money(view.Requested)})")}"),
                    new("Vendor co-funding share", $"{sharePercent ?? view.SharePercent} %{(sharePercent is null ? "" : $" (requested {view.SharePercent} %)")}"),
                    new("Note to the partner", why),
                ]
                : [new("Request", $"{view.Number} ({view.OrganisationName}, {view.Title})"), new("Decision", "decline"), new("Reason (the partner is told)", why)]);
    });

    private Task<AssistantReply> DecideClaimAsync(Kernel kernel, bool approve, string utterance, string value, string confirmed, string number, string reason, CancellationToken cancellationToken) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        ProgramAccess.RequireChannelManager(caller, "decide MDF claims");
        var data = ProgramLanguage.TryParseObject(value);
        var onCard = OnCard(kernel);
        if ((MdfNumber.Parse(number) ?? NumberFrom(utterance, value)) is not { } n)
        {
            return AssistantReply.Say($"Which claim? For example \"{(approve ? "approve the claim on MDF-12" : "reject the claim on MDF-12 because the attendee list is missing")}\".");
        }

        var why = new[] { reason, ProgramLanguage.Text(data, "reason"), ProgramLanguage.FindReason(utterance) }.FirstOrDefault(r => !string.IsNullOrWhiteSpace(r))?.Trim();
        var view = await mdf.FindAsync(caller, n, cancellationToken);
        if (!approve && why is null)
        {
            return onCard
                ? AssistantReply.Say("Give the reason for rejecting the claim.").WithCard(ProgramCards.MdfClaimDecision(view))
                : AssistantReply.Say($"Why reject the claim on {view.Number}? The partner is told and may claim again.");
        }

        if (IsConfirmed(confirmed) || (onCard && ProgramLanguage.Text(data, "confirmed") == "true"))
        {
            var decided = await mdf.DecideClaimAsync(caller, n, approve, why, cancellationToken);
            return AssistantReply.Say(approve
                    ? $"Claim on **{decided.Number}** approved: {ProgramCards.Money(decided.ApprovedClaim!.Reimbursement)} to pay within {Settings.PaymentDays} days. Say \"mark {decided.Number} paid\" when it is."
                    : $"Claim on **{decided.Number}** rejected; {decided.OrganisationName} has been told and may claim again by {ProgramText.Date(decided.ClaimBy)}.")
                .WithCard(ProgramCards.MdfRequest(decided, internalView: true));
        }

        var claim = view.OpenClaim;
        var data2 = new System.Text.Json.Nodes.JsonObject { ["number"] = view.Number, ["confirmed"] = "true", ["reason"] = why };
        if (onCard)
        {
            return AssistantReply.Say($"Confirm: {(approve ? "approve" : "reject")} the claim on {view.Number}.").WithCard(Cards.AdaptiveCardBuilder.Create()
                .Title($"{(approve ? "Approve" : "Reject")} the claim on {view.Number}?")
                .Facts([("Partner", view.OrganisationName), ("Reimbursement", claim is null ? "-" : ProgramCards.Money(claim.Reimbursement)), ("Reason", why ?? "(none)")])
                .Execute(approve ? "Yes, approve" : "Yes, reject", approve ? ProgramCards.ApproveClaimIntent : ProgramCards.RejectClaimIntent, data2, style: approve ? "positive" : "destructive")
                .Execute("Back", ProgramCards.MdfStatusIntent, new System.Text.Json.Nodes.JsonObject { ["number"] = view.Number })
                .Build());
        }

        return Confirm(approve
                ? $"I'll approve the claim on **{view.Number}** ({view.OrganisationName}): {(claim is null ? "" : ProgramCards.Money(claim.Reimbursement) + " to reimburse")}."
                : $"I'll reject the claim on **{view.Number}** ({view.OrganisationName}). Reason: {why}",
            approve ? ProgramCards.ApproveClaimIntent : ProgramCards.RejectClaimIntent,
            new() { ["number"] = view.Number, ["reason"] = why ?? "" },
            $"{(approve ? "approve" : "reject")} the claim on {view.Number}",
            [
                new("Request", $"{view.Number} ({view.OrganisationName}, {view.Title})"), new("Decision", approve ? "approve the claim" : "reject the claim"),
                new("Reimbursement", claim is null ? null : ProgramCards.Money(claim.Reimbursement)), new("Reason (the partner is told)", why),
            ]);
    });

    private static long? NumberFrom(string utterance, string value) =>
        MdfNumber.Parse(ProgramLanguage.Text(ProgramLanguage.TryParseObject(value), "number")) ?? MdfNumber.FindAll(utterance).Cast<long?>().FirstOrDefault();

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
