using System.Reflection;
using System.Text.Json.Nodes;
using PartnerAssistant.Cards;
using PartnerAssistant.Conversation;

namespace BotHost.Tests.Cards;

/// <summary>
/// One rendering of every card builder in the code base, with sample data. A capability that adds a
/// card builder (a public static method returning a card, on a type whose name ends in Card or Cards)
/// adds its sample here; <see cref="CardGalleryTests"/> fails until it does.
/// </summary>
public static class CardGallery
{
    /// <summary>Sample renderings by builder (<c>Type.Method</c>); several samples per builder where its cards differ.</summary>
    public static IReadOnlyDictionary<string, Func<IReadOnlyList<JsonObject>>> Samples { get; } = new Dictionary<string, Func<IReadOnlyList<JsonObject>>>
    {
        ["AdaptiveCardBuilder.Create"] = () => [EveryElement()],
        ["AnswerCard.Build"] = () =>
        [
            PartnerAssistant.Knowledge.Answering.AnswerCard.Build(new(
                "q-1", "how long is a deal registration protected?", true,
                "An approved registration is protected for 90 days from approval [1], and can be extended once [2].",
                [new(1, "program/protection.md", "Registration protection", "How long protection lasts", "https://partners.northbeam.example/docs/protection#how-long"),
                 new(2, "program/extensions.md", "Extensions", "", null)],
                ["What happens when a registration expires?"], 0.71)),
            PartnerAssistant.Knowledge.Answering.AnswerCard.Build(new("q-2", "what is the capital of France?", false, "I don't know.", [], [], 0.1)),
        ],
        ["DealScoreCard.WhatIfCard"] = () =>
        [
            PartnerAssistant.Prediction.DealScoreCard.WhatIfCard(
                new PartnerAssistant.Prediction.DealFacts { RegistrationNumber = "DR-1042", Customer = "Contoso" },
                new PartnerAssistant.Prediction.WhatIfOutcome("certified-si", "add a certified systems integrator", 0.41, 0.53, new PartnerAssistant.Prediction.DealFacts(), "few such deals in the data")),
        ],
        ["DealScoreCard.Card"] = () =>
        [
            PartnerAssistant.Prediction.DealScoreCard.Card(new(
                new PartnerAssistant.Prediction.DealFacts { RegistrationNumber = "DR-1042", Customer = "Contoso", AmountUsd = 300_000m },
                0.62,
                [new("Co-sell", "yes", 0.8, "Northbeam co-sells")],
                [new("Competitor", "Hyperscaler", -0.5, "a hyperscaler competes")],
                [new PartnerAssistant.Prediction.WhatIfOutcome("certified-si", "adding a certified SI", 0.62, 0.71, new PartnerAssistant.Prediction.DealFacts())],
                ["customer segment"],
                new PartnerAssistant.Prediction.ModelCard { Trainer = "FastTree", Auc = 0.84, Features = [], Split = new(PartnerAssistant.Prediction.SplitKind.Group, "Registration Number", 4800, 1600, 1600, 0), Data = new("northbeam-deal-history.csv", 8000, 3100, "Outcome", "Won", ",", 0) },
                "v3")),
        ],
        ["DealCards.RegistrationForm"] = () =>
        [
            PartnerAssistant.Deals.DealCards.RegistrationForm(new() { Customer = "Contoso", Opportunity = "Edge vision pilot", Amount = 85_000m, SubmissionKey = "k1" }, Bluewave, [Bluewave, Keystone], new()),
            PartnerAssistant.Deals.DealCards.RegistrationForm(new() { SubmissionKey = "k2" }, Bluewave, [Bluewave, Keystone], new(), ["Name the customer.", "The expected close date must be in the future."]),
        ],
        ["DealCards.Registration"] = () =>
        [
            PartnerAssistant.Deals.DealCards.Registration(SampleRegistration, internalView: false, offerExtension: true),
            PartnerAssistant.Deals.DealCards.Registration(SampleRegistration with { Status = PartnerAssistant.Deals.RegistrationStatus.UnderReview, ConflictRule = "RoE-1", ConflictReason = "Another reseller holds protection.", ConflictsWith = ["DR-1007"] }, internalView: true),
        ],
        ["DealCards.Review"] = () => [PartnerAssistant.Deals.DealCards.Review(SampleRegistration with { Status = PartnerAssistant.Deals.RegistrationStatus.UnderReview }, [SampleRegistration with { Number = 1007, PartnerId = "keystone", PartnerName = "Keystone Integration Group" }], Bluewave)],
        ["DealCards.ConfirmDecision"] = () =>
        [
            PartnerAssistant.Deals.DealCards.ConfirmDecision(SampleRegistration, approve: true, "RoE-4", "Keystone runs the estate."),
            PartnerAssistant.Deals.DealCards.ConfirmDecision(SampleRegistration, approve: false, null, "Duplicate of DR-1007."),
        ],
        ["DealCards.Reminder"] = () => [PartnerAssistant.Deals.DealCards.Reminder(SampleRegistration, 3)],
        ["ConfirmationCard.Build"] = () =>
        [
            PartnerAssistant.Conversation.ConfirmationCard.Build(new PartnerAssistant.Conversation.StoredConfirmation(
                "c0ffee", "msteams/19:chat", "maya-chen", "Mdf.ApproveRequest", new Dictionary<string, string?> { ["number"] = "MDF-2", ["amount"] = "100", ["share"] = "5" },
                "approve MDF-2", [new("Approved amount", "100 USD (requested 9,000 USD)"), new("Vendor co-funding share", "5 % (requested 50 %)"), new("Note to the partner", "[see](http://elsewhere.example)")],
                DateTimeOffset.UnixEpoch, null), "Maya Chen"),
        ],
        ["ProgramCards.Onboarding"] = () =>
        [
            PartnerAssistant.PartnerProgram.ProgramCards.Onboarding(SampleOnboarding(completed: false)),
            PartnerAssistant.PartnerProgram.ProgramCards.Onboarding(SampleOnboarding(completed: true)),
        ],
        ["ProgramCards.Scorecard"] = () =>
        [
            PartnerAssistant.PartnerProgram.ProgramCards.Scorecard(SampleScorecard, PartnerAssistant.People.Tier.Gold, forPartner: true),
            PartnerAssistant.PartnerProgram.ProgramCards.Scorecard(SampleScorecard, null, forPartner: false),
        ],
        ["ProgramCards.TierProposal"] = () => [PartnerAssistant.PartnerProgram.ProgramCards.TierProposal(SampleProposal)],
        ["ProgramCards.ConfirmTierDecision"] = () =>
        [
            PartnerAssistant.PartnerProgram.ProgramCards.ConfirmTierDecision(SampleProposal, confirm: true, null),
            PartnerAssistant.PartnerProgram.ProgramCards.ConfirmTierDecision(SampleProposal, confirm: false, "Two PSAT quarters are missing."),
        ],
        ["ProgramCards.MdfForm"] = () =>
        [
            PartnerAssistant.PartnerProgram.ProgramCards.MdfForm(new() { SubmissionKey = "m1" }, ["Event", "Digital campaign", "Training"], SampleBalance, 30, 50),
            PartnerAssistant.PartnerProgram.ProgramCards.MdfForm(
                new() { ActivityType = "Event", Title = "Edge AI roadshow", ActivityDate = new DateOnly(2027, 2, 10), EligibleCost = 18_000m, RequestedAmount = 9_000m, SubmissionKey = "m2" },
                ["Event", "Digital campaign"], null, 30, 50, ["The activity must be at least 30 days ahead.", "Describe the plan."]),
        ],
        ["ProgramCards.MdfDecision"] = () => [PartnerAssistant.PartnerProgram.ProgramCards.MdfDecision(SampleMdfRequest, SampleBalance)],
        ["ProgramCards.ConfirmMdfDecision"] = () =>
        [
            PartnerAssistant.PartnerProgram.ProgramCards.ConfirmMdfDecision(SampleMdfRequest, approve: true, 8_000m, 40, null),
            PartnerAssistant.PartnerProgram.ProgramCards.ConfirmMdfDecision(SampleMdfRequest, approve: false, null, null, "The budget for this quarter is spent."),
        ],
        ["ProgramCards.MdfClaimDecision"] = () => [PartnerAssistant.PartnerProgram.ProgramCards.MdfClaimDecision(SampleClaimedRequest)],
        ["ProgramCards.MdfRequest"] = () =>
        [
            PartnerAssistant.PartnerProgram.ProgramCards.MdfRequest(SampleMdfRequest, internalView: false),
            PartnerAssistant.PartnerProgram.ProgramCards.MdfRequest(SampleClaimedRequest, internalView: true),
        ],
        ["ProgramCards.PsatSurvey"] = () =>
        [
            PartnerAssistant.PartnerProgram.ProgramCards.PsatSurvey(new(7, PartnerAssistant.PartnerProgram.SurveyKind.Quarterly, "2026-Q4", new DateOnly(2027, 1, 15))),
            PartnerAssistant.PartnerProgram.ProgramCards.PsatSurvey(new(8, PartnerAssistant.PartnerProgram.SurveyKind.AfterOnboarding, "2026-12", new DateOnly(2026, 12, 31))),
        ],
        ["ProgramCards.ProgramSummary"] = () => [PartnerAssistant.PartnerProgram.ProgramCards.ProgramSummary(SampleMetrics, "https://partners.northbeam.example/dashboard")],
    };

    private static PartnerAssistant.PartnerProgram.OnboardingView SampleOnboarding(bool completed) => new(
        "bluewave", "Bluewave Solutions", PartnerAssistant.People.PartnerType.Reseller, new DateOnly(2026, 10, 1), "Maya Chen", "priya-patel",
        [
            new(PartnerAssistant.PartnerProgram.OnboardingStepKind.Agreement, "Sign the partner agreement", PartnerAssistant.PartnerProgram.StepOwner.PartnerAdmin, new DateOnly(2026, 10, 8), true, new DateOnly(2026, 10, 5), "agreement.pdf", false, false),
            new(PartnerAssistant.PartnerProgram.OnboardingStepKind.Courses, "Complete the foundation courses", PartnerAssistant.PartnerProgram.StepOwner.PartnerUsers, new DateOnly(2026, 10, 31), completed, completed ? new DateOnly(2026, 10, 28) : null, null, !completed, false),
            new(PartnerAssistant.PartnerProgram.OnboardingStepKind.FirstDeal, "Win a first deal", PartnerAssistant.PartnerProgram.StepOwner.Partner, new DateOnly(2026, 12, 30), completed, completed ? new DateOnly(2026, 11, 20) : null, completed ? "DR-1042" : null, false, !completed),
        ],
        [new("NB-101", "Northbeam foundations", true), new("NB-201", "Selling Data Fabric", completed)],
        [new(PartnerAssistant.PartnerProgram.AttestationKind.Esg, new DateOnly(2026, 10, 5), new DateOnly(2027, 10, 5), true, "esg.pdf"), new(PartnerAssistant.PartnerProgram.AttestationKind.Fcpa, null, null, false, null)],
        2, completed ? new DateOnly(2026, 11, 20) : null, completed ? new DateOnly(2026, 11, 20) : null, completed ? "DR-1042" : null, completed ? 50 : null, 67, 90);

    private static PartnerAssistant.PartnerProgram.TierScorecard SampleScorecard => new(
        "bluewave", "Bluewave Solutions", PartnerAssistant.People.Tier.Silver, PartnerAssistant.People.Tier.Silver, true,
        new(new DateOnly(2025, 12, 1), new DateOnly(2026, 11, 30), 640_000m, 4, 1, ["2026-Q2", "2026-Q3"], ["2026-Q4"], true, true, true, [], true, false, true),
        [
            new(PartnerAssistant.People.Tier.Silver, true, ["Attributed revenue of 640,000 USD", "4 certified people"], []),
            new(PartnerAssistant.People.Tier.Gold, false, ["Agreement signed"], ["1,000,000 USD attributed revenue", "A co-innovation or marketplace offer"]),
        ],
        new DateOnly(2026, 12, 1));

    private static PartnerAssistant.PartnerProgram.TierProposalView SampleProposal => new(
        3, "bluewave", "Bluewave Solutions", PartnerAssistant.People.Tier.Silver, PartnerAssistant.People.Tier.Gold, PartnerAssistant.PartnerProgram.ProposalStatus.Pending,
        new DateOnly(2026, 12, 1), null, null, SampleScorecard);

    private static PartnerAssistant.PartnerProgram.MdfBalance SampleBalance => new(
        "bluewave", "Bluewave Solutions", new DateOnly(2026, 7, 1), new DateOnly(2026, 12, 31), 40_000m, 12_000m, 6_000m, 22_000m, 9_000m, "4 % of attributed revenue", false);

    private static PartnerAssistant.PartnerProgram.MdfRequestView SampleMdfRequest => new(
        "MDF-2", "bluewave", "Bluewave Solutions", PartnerAssistant.PartnerProgram.MdfStatus.Requested, "Event", "Edge AI roadshow", new DateOnly(2027, 2, 10),
        "Three half-day sessions for manufacturing customers.", "40 qualified leads, 5 registrations", 18_000m, 9_000m, null, 50,
        new DateOnly(2026, 12, 2), new DateOnly(2026, 12, 4), false, new DateOnly(2027, 4, 11), null, null, null, null, null, []);

    private static PartnerAssistant.PartnerProgram.MdfRequestView SampleClaimedRequest => SampleMdfRequest with
    {
        Status = PartnerAssistant.PartnerProgram.MdfStatus.Claimed,
        Approved = 8_000m,
        DecidedBy = "Maya Chen",
        Claims = [new(11, PartnerAssistant.PartnerProgram.ClaimStatus.Submitted, new DateOnly(2027, 2, 20), "Priya Patel", 16_500m, 8_000m, null, [101, 102])],
    };

    private static PartnerAssistant.PartnerProgram.ProgramMetrics SampleMetrics => new(
        "program", new(new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31)), "USD", 24, new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero), 42,
        new(310, 41_000_000m, 18_500_000m, 7_200_000m, 12_300_000m, 900_000m, 400_000m, 300_000m, 1_600_000m, 7.7),
        [new("2026-11", 1_500_000m, 600_000m, 1_000_000m), new("2026-12", 1_700_000m, 650_000m, 1_100_000m)],
        [new("Reseller", 12, 6_000_000m, 800_000m, 7.5), new("SystemsIntegrator", 6, 4_000_000m, 500_000m, 8.0)],
        new(10, 7, 63, 70.5, 0.71, 90, 3, 1, [new("0-30 days", 2), new("31-90 days", 5)]),
        new(58, 20, 4.1, 0.12, [new("Reseller", 30, 4.0, 0.15)], [new("2026-Q3", 27, 4.0), new("2026-Q4", 31, 4.2)], [new("Bluewave Solutions", "Reseller", 2, "Registration reviews take too long.", new DateOnly(2026, 11, 12))]),
        new(new(1_600_000m, 80, 20_000m), new(2_400_000m, 60, 40_000m), "Direct cost from the finance import."),
        [new("Reseller", 40, 180_000m, 7_200_000m)],
        new([new("Approved", 120), new("UnderReview", 8)], 8, 2),
        new(400_000m, 250_000m, 120_000m, 6, 2));

    private static PartnerAssistant.People.Organisation Bluewave => new()
    {
        Id = "bluewave", Name = "Bluewave Solutions", PartnerType = PartnerAssistant.People.PartnerType.Reseller, Tier = PartnerAssistant.People.Tier.Silver, Region = "NA",
    };

    private static PartnerAssistant.People.Organisation Keystone => new()
    {
        Id = "keystone", Name = "Keystone Integration Group", PartnerType = PartnerAssistant.People.PartnerType.SystemsIntegrator, Tier = PartnerAssistant.People.Tier.Gold, Region = "EMEA",
    };

    private static PartnerAssistant.Deals.RegistrationView SampleRegistration => new()
    {
        Number = 1042,
        Status = PartnerAssistant.Deals.RegistrationStatus.Approved,
        PartnerId = "bluewave",
        PartnerName = "Bluewave Solutions",
        SubmittedBy = "Priya Patel",
        Customer = "Contoso",
        Opportunity = "Data Fabric rollout",
        Products = PartnerAssistant.Deals.Products.DataFabric | PartnerAssistant.Deals.Products.AiStudio,
        Amount = 250_000m,
        Currency = "USD",
        ExpectedClose = new DateOnly(2027, 3, 31),
        Role = PartnerAssistant.Deals.PartnerRole.Reseller,
        SubmittedAt = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero),
        ReviewDueAt = new DateTimeOffset(2026, 11, 4, 9, 0, 0, TimeSpan.Zero),
        DecidedAt = new DateTimeOffset(2026, 11, 3, 15, 0, 0, TimeSpan.Zero),
        ProtectedUntil = new DateTimeOffset(2027, 2, 1, 15, 0, 0, TimeSpan.Zero),
        Touches = [new("bluewave", "Bluewave Solutions", PartnerAssistant.Deals.PartnerRole.Reseller, new DateOnly(2026, 11, 2), PartnerAssistant.Deals.TouchSource.Registration)],
    };

    /// <summary>The card builders the assistant's assembly has.</summary>
    public static IReadOnlyList<string> Builders() =>
        typeof(AssistantBot).Assembly.GetTypes()
            .Where(t => t.IsPublic && (t.Name.EndsWith("Card", StringComparison.Ordinal) || t.Name.EndsWith("Cards", StringComparison.Ordinal)))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m.ReturnType == typeof(JsonObject))
                .Select(m => $"{t.Name}.{m.Name}"))
            .Append("AdaptiveCardBuilder.Create")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>A card that uses every element and action the builder writes.</summary>
    public static JsonObject EveryElement()
    {
        var builder = AdaptiveCardBuilder.Create()
            .Title("Deal registration DR-1042")
            .Text("Contoso Manufacturing · Azure migration", subtle: true, size: "Small", weight: "Bolder", color: "Accent")
            .Facts([("Status", "Submitted"), ("Amount", "$120,000")])
            .TextInput("customer", "Customer", value: "Contoso", placeholder: "Customer name", required: true, multiline: true, maxLength: 200)
            .NumberInput("amount", "Amount (USD)", value: 120000, min: 0, max: 100_000_000, required: true)
            .DateInput("close", "Expected close", new DateOnly(2026, 12, 15), required: true)
            .ChoiceInput("role", "Your role", [("Resell", "resell"), ("Influence", "influence")], value: "resell", required: true, expanded: true)
            .ChoiceInput("products", "Products", [("Cloud", "cloud"), ("Edge", "edge")], multiSelect: true)
            .ToggleInput("coSell", "Ask for co-sell", value: true)
            .Submit("Submit", "Deals.SubmitRegistration", new JsonObject { ["draftId"] = "d-1" }, style: "positive")
            .Execute("Approve", "Deals.Approve", new JsonObject { ["id"] = "DR-1042" }, style: "positive")
            .OpenDialog("Edit in a form", "deals.register", new JsonObject { ["draftId"] = "d-1" })
            .OpenUrl("Program guide", "https://partners.example.com/guide");

        // Action.ShowCard arrives with the knowledge capability; used here once it is on the branch.
        typeof(AdaptiveCardBuilder).GetMethod("ShowCard")?.Invoke(builder,
            ["Tell us why", AdaptiveCardBuilder.Create().TextInput("reason", "Reason", multiline: true).Submit("Send", "Knowledge.Feedback").Build()]);
        return builder.Build();
    }
}
