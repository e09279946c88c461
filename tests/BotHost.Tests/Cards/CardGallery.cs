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
