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
    };

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
