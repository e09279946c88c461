using System.Globalization;
using System.Text.Json.Nodes;
using PartnerAssistant.Cards;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>What the MDF request form was filled with (from the user's words, or what they submitted).</summary>
public sealed record MdfDraft
{
    public string ActivityType { get; init; } = "";
    public string Title { get; init; } = "";
    public DateOnly? ActivityDate { get; init; }
    public string Plan { get; init; } = "";
    public string ExpectedOutcomes { get; init; } = "";
    public decimal? EligibleCost { get; init; }
    public decimal? RequestedAmount { get; init; }
    public string SubmissionKey { get; init; } = "";

    public MdfRequestInput ToInput() => new()
    {
        ActivityType = ActivityType,
        Title = Title,
        ActivityDate = ActivityDate ?? default,
        Plan = Plan,
        ExpectedOutcomes = ExpectedOutcomes,
        EligibleCost = EligibleCost ?? 0,
        RequestedAmount = RequestedAmount ?? 0,
        SubmissionKey = SubmissionKey,
    };

    /// <summary>Reads the submitted form (Teams sends input values as strings).</summary>
    public static MdfDraft FromSubmit(JsonObject value)
    {
        string? Text(string name) => value[name] is JsonValue v && v.ToString().Trim() is { Length: > 0 } s ? s : null;
        decimal? Amount(string name) => Text(name) is { } t && decimal.TryParse(t, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var a) ? a : null;
        return new MdfDraft
        {
            ActivityType = Text("activityType") ?? "",
            Title = Text("title") ?? "",
            ActivityDate = DateOnly.TryParseExact(Text("activityDate") ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null,
            Plan = Text("plan") ?? "",
            ExpectedOutcomes = Text("expectedOutcomes") ?? "",
            EligibleCost = Amount("eligibleCost"),
            RequestedAmount = Amount("requestedAmount"),
            SubmissionKey = Text("submissionKey") ?? "",
        };
    }
}

/// <summary>The program's Adaptive Cards (1.5): onboarding checklist, tier scorecard and proposal, MDF form, decision, claim and
/// status cards, the PSAT survey and the program summary.</summary>
public static class ProgramCards
{
    public const string ConfirmTierIntent = "Tiers.ConfirmTierChange";
    public const string HoldTierIntent = "Tiers.HoldTierChange";
    public const string SubmitMdfIntent = "Mdf.SubmitRequest";
    public const string ApproveMdfIntent = "Mdf.ApproveRequest";
    public const string DeclineMdfIntent = "Mdf.DeclineRequest";
    public const string ApproveClaimIntent = "Mdf.ApproveClaim";
    public const string RejectClaimIntent = "Mdf.RejectClaim";
    public const string MdfStatusIntent = "Mdf.RequestStatus";
    public const string SubmitPsatIntent = "Psat.SubmitResponse";

    public static JsonObject Onboarding(OnboardingView view)
    {
        var card = AdaptiveCardBuilder.Create()
            .Title($"Onboarding: {view.OrganisationName}")
            .Text($"{view.DoneCount} of {view.Steps.Count} steps done · invited {ProgramText.Date(view.InvitedOn)} ({view.DaysSinceInvitation} days ago)", subtle: true)
            .Facts(view.Steps.Select(s => ($"{(int)s.Kind}. {s.Title}",
                s.Done ? $"✅ done {ProgramText.Date(s.DoneOn!.Value)}{(s.Evidence is { } e ? $" ({e})" : "")}"
                : s.Blocked ? $"🔒 after step {(int)s.Kind - 1} · {OnboardingService.Describe(s.Owner)} · due {ProgramText.Date(s.DueOn)}"
                : s.Overdue ? $"⚠️ overdue since {ProgramText.Date(s.DueOn)} · {OnboardingService.Describe(s.Owner)}"
                : $"⏳ due {ProgramText.Date(s.DueOn)} · {OnboardingService.Describe(s.Owner)}")));
        card.Text("Compliance", weight: "Bolder");
        card.Facts(view.Attestations.Select(a => (OnboardingService.Describe(a.Kind),
            a.SignedOn is null ? "not received" : $"{(a.Current ? "current" : "expired")}, signed {ProgramText.Date(a.SignedOn.Value)}{(a.FileName is { } f ? $" ({f})" : "")}")));
        if (view.Courses.Count > 0)
        {
            card.Text($"Courses ({view.Courses.Count(c => c.Done)} of {view.Courses.Count} done)", weight: "Bolder");
            card.Facts(view.Courses.Select(c => (c.Code, $"{(c.Done ? "✅" : "⏳")} {c.Title}")));
        }

        card.Text(view.TimeToValueDays is { } days
            ? $"Time to value: first won deal {view.FirstWonNumber} after {days} days (target {view.TargetDays})."
            : $"Time to value: no won deal yet, day {view.DaysSinceInvitation} of the {view.TargetDays}-day target.", subtle: true);
        return card.Build();
    }

    public static JsonObject Scorecard(TierScorecard scorecard, Tier? target, bool forPartner)
    {
        var f = scorecard.Figures;
        var card = AdaptiveCardBuilder.Create()
            .Title($"{scorecard.OrganisationName}: {scorecard.CurrentTier} tier")
            .Text($"Figures for {ProgramText.Date(f.From)} – {ProgramText.Date(f.To)}", subtle: true)
            .Facts([
                ("Attributed revenue", TierService.Usd(f.AttributedRevenue)),
                ("Certified individuals", $"{f.CertifiedIndividuals} ({f.ProfessionalCertified} professional)"),
                ("PSAT answered", f.PsatMissing.Count == 0 ? $"yes ({string.Join(", ", f.PsatQuarters.Order())})" : $"missing {string.Join(", ", f.PsatMissing)}"),
                ("Compliance", f.ComplianceCurrent ? "current" : f.CompliancePassed ? "not current: " + string.Join(", ", f.ComplianceProblems) : "not passed: " + string.Join(", ", f.ComplianceProblems)),
                ("Customer reference", f.CustomerReference ? "documented" : "none"),
                ("Co-innovation / marketplace offer", f.CoInnovationOrMarketplaceOffer ? "yes" : "none"),
                ("Business plan", f.BusinessPlan ? "agreed" : "none in the last 12 months"),
            ]);
        foreach (var check in scorecard.Tiers.Where(t => t.Tier > Tier.Registered && (target is null || t.Tier == target)))
        {
            card.Text($"{check.Tier}: {(check.Met ? "✅ met" : "not met")}", weight: "Bolder", color: check.Met ? "Good" : null);
            if (!check.Met)
            {
                card.Text("Needs " + TierScorecard.Join(check.Missing) + ".", subtle: true);
            }
        }

        if (!forPartner && scorecard.EligibleTier != scorecard.CurrentTier)
        {
            card.Text($"The figures support {scorecard.EligibleTier}.", weight: "Bolder", color: "Accent");
        }

        return card.Build();
    }

    public static JsonObject TierProposal(TierProposalView proposal)
    {
        var card = AdaptiveCardBuilder.Create()
            .Title($"{proposal.OrganisationName}: {proposal.FromTier} → {proposal.ToTier}")
            .Text($"Proposed by the tier evaluation of {ProgramText.Date(proposal.ProposedOn)} · {Describe(proposal.Status)}", subtle: true);
        if (proposal.Scorecard is { } s)
        {
            card.Facts([
                ("Attributed revenue", TierService.Usd(s.Figures.AttributedRevenue)),
                ("Certified", $"{s.Figures.CertifiedIndividuals} ({s.Figures.ProfessionalCertified} professional)"),
                ("PSAT", s.Figures.PsatMissing.Count == 0 ? "answered" : "missing " + string.Join(", ", s.Figures.PsatMissing)),
                ("Compliance", s.Figures.ComplianceCurrent ? "current" : "not current"),
            ]);
            var check = s.Check(proposal.ToTier > proposal.FromTier ? proposal.ToTier : proposal.FromTier);
            card.Text(proposal.ToTier > proposal.FromTier
                ? $"Meets every {proposal.ToTier} requirement: {TierScorecard.Join(check.Satisfied)}."
                : $"No longer meets {proposal.FromTier}: {TierScorecard.Join(check.Missing)}.", subtle: true);
        }

        if (proposal.Reason is { } reason)
        {
            card.Text($"Reason: {reason}", subtle: true);
        }

        if (proposal.Status == ProposalStatus.Pending)
        {
            var data = new JsonObject { ["proposalId"] = proposal.Id };
            card.Execute($"Confirm {proposal.ToTier}", ConfirmTierIntent, data, style: "positive");
            card.ShowCard("Hold with a reason", AdaptiveCardBuilder.Create()
                .TextInput("reason", "Why hold it?", placeholder: "e.g. an attribution correction is pending", required: true, multiline: true, maxLength: 1000)
                .Execute("Hold", HoldTierIntent, data)
                .Build());
        }

        return card.Build();
    }

    public static JsonObject ConfirmTierDecision(TierProposalView proposal, bool confirm, string? reason)
    {
        var data = new JsonObject { ["proposalId"] = proposal.Id, ["confirmed"] = "true", ["reason"] = reason };
        return AdaptiveCardBuilder.Create()
            .Title(confirm ? $"Confirm {proposal.OrganisationName} as {proposal.ToTier}?" : $"Hold {Possessive.Of(proposal.OrganisationName)} change to {proposal.ToTier}?")
            .Facts([("Change", $"{proposal.FromTier} → {proposal.ToTier}"), ("Who is told", confirm ? "The partner's admins" : "Nobody; it is audited"), ("Reason", reason ?? "(none)")])
            .Execute(confirm ? "Yes, confirm" : "Yes, hold", confirm ? ConfirmTierIntent : HoldTierIntent, data, style: confirm ? "positive" : "destructive")
            .Build();
    }

    public static JsonObject MdfForm(MdfDraft draft, IReadOnlyList<string> activityTypes, MdfBalance? balance, int leadDays, int sharePercent, IReadOnlyList<string>? problems = null)
    {
        var card = AdaptiveCardBuilder.Create().Title("Request market development funds");
        if (balance is not null)
        {
            card.Text($"Available for {ProgramText.Date(balance.PeriodStart)} – {ProgramText.Date(balance.PeriodEnd)}: {Money(balance.Available)}" +
                (balance.Pending > 0 ? $" ({Money(balance.Pending)} in requests waiting for a decision)" : ""), subtle: true);
        }

        card.Text($"Requests must arrive at least {leadDays} days before the activity. Northbeam co-funds up to {sharePercent} % of eligible cost.", subtle: true);
        foreach (var problem in problems ?? [])
        {
            card.Text("⚠ " + problem, color: "Attention");
        }

        return card
            .ChoiceInput("activityType", "Activity type", activityTypes.Select(t => (Capitalise(t), t)), value: draft.ActivityType.Length > 0 ? draft.ActivityType : null, required: true)
            .TextInput("title", "Title", draft.Title, placeholder: "AI at the edge breakfast seminar", required: true, maxLength: 200)
            .DateInput("activityDate", "Date of the activity", draft.ActivityDate, required: true)
            .TextInput("plan", "Plan: what, for which audience and products", draft.Plan, required: true, multiline: true, maxLength: 2000)
            .TextInput("expectedOutcomes", "Expected outcomes", draft.ExpectedOutcomes, placeholder: "40 attendees, 8 opportunities, $600,000 registered pipeline", required: true, multiline: true, maxLength: 1000)
            .NumberInput("eligibleCost", "Total eligible cost (USD)", draft.EligibleCost is { } cost ? (double)cost : null, min: 0, required: true)
            .NumberInput("requestedAmount", "Amount requested from Northbeam (USD)", draft.RequestedAmount is { } amount ? (double)amount : null, min: 0, required: true)
            .Submit("Request funds", SubmitMdfIntent, new JsonObject { ["submissionKey"] = draft.SubmissionKey }, style: "positive")
            .Build();
    }

    /// <summary>The channel manager's decision card: approve (confirmed on the next card) or decline with a reason.</summary>
    public static JsonObject MdfDecision(MdfRequestView view, MdfBalance? balance)
    {
        var card = AdaptiveCardBuilder.Create()
            .Title($"MDF request {view.Number}: {view.Title}")
            .Facts(Facts(view, internalView: true));
        if (balance is not null)
        {
            card.Text($"{Possessive.Of(view.OrganisationName)} balance: {Money(balance.Available)} available of {Money(balance.Budget)}" +
                (balance.Pending > 0 ? $", {Money(balance.Pending)} requested in total and waiting" : ""), subtle: true);
        }

        if (view.Status == MdfStatus.Requested)
        {
            var data = new JsonObject { ["number"] = view.Number };
            card.Execute($"Approve {Money(view.Requested)}", ApproveMdfIntent, data, style: "positive");
            card.ShowCard("Approve less or decline", AdaptiveCardBuilder.Create()
                .NumberInput("amount", "Approve this amount (USD)", (double)view.Requested, min: 0, max: (double)view.Requested)
                .NumberInput("share", "Co-funding share (%)", view.SharePercent, min: 1, max: view.SharePercent)
                .TextInput("reason", "Reason (required to decline)", multiline: true, maxLength: 1000)
                .Execute("Approve this amount", ApproveMdfIntent, data, style: "positive")
                .Execute("Decline", DeclineMdfIntent, data, style: "destructive")
                .Build());
        }

        return card.Build();
    }

    public static JsonObject ConfirmMdfDecision(MdfRequestView view, bool approve, decimal? amount, int? share, string? reason)
    {
        var verb = approve ? "Approve" : "Decline";
        var facts = new List<(string, string)> { ("Partner", view.OrganisationName), ("Activity", $"{view.Title}, {ProgramText.Date(view.ActivityDate)}") };
        if (approve)
        {
            facts.Add(("Amount", Money(amount ?? view.Requested) + $" ({share ?? view.SharePercent} % co-funding)"));
        }

        if (!string.IsNullOrWhiteSpace(reason))
        {
            facts.Add(("Reason", reason));
        }

        var data = new JsonObject { ["number"] = view.Number, ["confirmed"] = "true", ["reason"] = reason };
        if (amount is { } a)
        {
            data["amount"] = a.ToString(CultureInfo.InvariantCulture);
        }

        if (share is { } s)
        {
            data["share"] = s.ToString(CultureInfo.InvariantCulture);
        }

        return AdaptiveCardBuilder.Create()
            .Title($"{verb} {view.Number}?")
            .Facts(facts)
            .Execute($"Yes, {verb.ToLowerInvariant()}", approve ? ApproveMdfIntent : DeclineMdfIntent, data, style: approve ? "positive" : "destructive")
            .Execute("Back", MdfStatusIntent, new JsonObject { ["number"] = view.Number })
            .Build();
    }

    public static JsonObject MdfClaimDecision(MdfRequestView view)
    {
        var card = AdaptiveCardBuilder.Create()
            .Title($"Claim on {view.Number}: {view.Title}")
            .Facts(Facts(view, internalView: true));
        if (view.OpenClaim is { } claim)
        {
            card.Facts([("Actual cost", Money(claim.ActualCost)), ("Reimbursement", $"{Money(claim.Reimbursement)} ({view.SharePercent} %, at most the approved {Money(view.Approved ?? 0)})"),
                ("Proof", $"{claim.DocumentIds.Count} file{(claim.DocumentIds.Count == 1 ? "" : "s")} (documents {string.Join(", ", claim.DocumentIds)})")]);
            var data = new JsonObject { ["number"] = view.Number };
            card.Execute("Approve the claim", ApproveClaimIntent, data, style: "positive");
            card.ShowCard("Reject with a reason", AdaptiveCardBuilder.Create()
                .TextInput("reason", "What is missing or wrong?", required: true, multiline: true, maxLength: 1000)
                .Execute("Reject", RejectClaimIntent, data, style: "destructive")
                .Build());
        }

        return card.Build();
    }

    public static JsonObject MdfRequest(MdfRequestView view, bool internalView) =>
        AdaptiveCardBuilder.Create()
            .Title($"{view.Number}: {view.Title}")
            .Facts(Facts(view, internalView))
            .Build();

    public static JsonObject PsatSurvey(OpenSurvey survey)
    {
        var card = AdaptiveCardBuilder.Create()
            .Title(survey.Kind switch
            {
                SurveyKind.AfterOnboarding => "Partner satisfaction: your onboarding",
                SurveyKind.AfterFirstWin => "Partner satisfaction: after your first win",
                _ => $"Partner satisfaction survey ({survey.Period})",
            })
            .Text("0 = not at all, 10 = completely. About two minutes.", subtle: true);
        var scale = Enumerable.Range(0, 11).Select(i => (i.ToString(CultureInfo.InvariantCulture), i.ToString(CultureInfo.InvariantCulture))).ToList();
        foreach (var (key, question) in PsatAnswers.Questions)
        {
            card.ChoiceInput(key, question, scale, required: true);
        }

        return card
            .TextInput("comment", "Anything we should change? (optional)", multiline: true, maxLength: 2000)
            .Submit("Send answers", SubmitPsatIntent, new JsonObject { ["surveyId"] = survey.SurveyId }, style: "positive")
            .Build();
    }

    public static JsonObject ProgramSummary(ProgramMetrics m, string dashboardUrl)
    {
        var r = m.Revenue;
        var card = AdaptiveCardBuilder.Create()
            .Title($"{ScopeTitle(m.Scope)} {ProgramText.Date(m.Filter.From)} – {ProgramText.Date(m.Filter.To)}")
            .Facts([
                ("Won deals", $"{r.WonDeals:N0} · {Money(r.WonRevenue)}"),
                ("Partner-influenced", Money(r.PartnerInfluenced)),
                ("Partner-sourced", Money(r.PartnerSourced)),
                ("ROPI", r.Ropi is { } ropi ? $"{ropi:0.0}× ({Money(r.Attributed)} ÷ {Money(r.Investment)})" : "n/a (no investment recorded)"),
                ("Time to value", m.TimeToValue.MedianDays is { } median ? $"median {median:0} days; {Percent(m.TimeToValue.WithinTargetShare)} within {m.TimeToValue.TargetDays}" : "no first wins yet"),
                ("PSAT", m.Psat.AverageScore is { } score ? $"{score:0.0} of 10 ({m.Psat.Responses} answers)" : "no answers"),
                ("CAC partner / direct", $"{Cac(m.Cac.Partner.Cac)} / {Cac(m.Cac.Direct?.Cac)}"),
                ("Reviews", $"{m.Registrations.PendingReviews} pending, {m.Registrations.OverdueReviews} overdue"),
            ]);
        return card.OpenUrl("Open the dashboard", dashboardUrl).Build();
    }

    /// <summary>A partner's card is titled with its organisation, so nobody reads its own figures as the program's.</summary>
    private static string ScopeTitle(string scope) => scope switch
    {
        "program" => "Program",
        "filtered partners" => "Filtered partners",
        _ => scope,
    };

    private static IEnumerable<(string, string)> Facts(MdfRequestView view, bool internalView)
    {
        yield return ("Status", Capitalise(MdfService.Describe(view.Status)) + (view.DecisionOverdue ? " (decision overdue)" : ""));
        if (internalView)
        {
            yield return ("Partner", view.OrganisationName);
        }

        yield return ("Activity", $"{Capitalise(view.ActivityType)} on {ProgramText.Date(view.ActivityDate)}");
        yield return ("Plan", view.Plan);
        yield return ("Expected outcomes", view.ExpectedOutcomes);
        yield return ("Eligible cost", Money(view.EligibleCost));
        yield return ("Requested", Money(view.Requested));
        if (view.Approved is { } approved)
        {
            yield return ("Approved", $"{Money(approved)} ({view.SharePercent} % co-funding)");
        }

        if (view.Status == MdfStatus.Requested)
        {
            yield return ("Decision due", ProgramText.Date(view.DecisionDue));
        }

        if (view.Status is MdfStatus.Approved or MdfStatus.Claimed)
        {
            yield return ("Claim by", ProgramText.Date(view.ClaimBy));
        }

        if (view.DecisionReason is { Length: > 0 } reason)
        {
            yield return ("Decision note", reason);
        }

        if (view.Claims.LastOrDefault() is { } claim)
        {
            yield return ("Claim", $"{claim.Status.ToString().ToLowerInvariant()}, {Money(claim.Reimbursement)}" + (claim.Reason is { } why ? $" — {why}" : ""));
        }

        if (view.Paid is { } paid)
        {
            yield return ("Paid", $"{Money(paid)} on {ProgramText.Date(view.PaidOn!.Value)}" + (view.PaymentReference is { } reference ? $" ({reference})" : ""));
        }
    }

    private static string Describe(ProposalStatus status) => status switch
    {
        ProposalStatus.Pending => "waiting for your confirmation",
        ProposalStatus.Confirmed => "confirmed",
        ProposalStatus.Held => "held",
        _ => "superseded",
    };

    internal static string Money(decimal amount) => Deals.Money.Format(amount, "USD");

    private static string Cac(decimal? cac) => cac is { } value ? Money(value) : "n/a";

    private static string Percent(double? share) => share is { } s ? (s * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "n/a";

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
