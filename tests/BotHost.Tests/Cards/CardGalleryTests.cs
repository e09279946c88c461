using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using BotHost.Tests.Infrastructure.Cards;
using PartnerAssistant.Cards;

namespace BotHost.Tests.Cards;

/// <summary>Every card builder renders valid Adaptive Card 1.5, by the schema and by Microsoft's library.</summary>
public sealed class CardGalleryTests
{
    public static TheoryData<string> Builders() => new(CardGallery.Builders());

    private static void RequireBothChecks()
    {
        if (AdaptiveCardValidator.Unavailable is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    [Fact]
    public void Gallery_EveryCardBuilderInTheCodeBase_HasASample()
    {
        var missing = CardGallery.Builders().Where(b => !CardGallery.Samples.ContainsKey(b)).ToList();

        Assert.True(missing.Count == 0, $"No sample yet for these card builders; add them to {nameof(CardGallery)}.{nameof(CardGallery.Samples)}: {string.Join(", ", missing)}");
        Assert.All(CardGallery.Samples.Keys, key => Assert.Contains(key, CardGallery.Builders()));
    }

    [Theory]
    [MemberData(nameof(Builders))]
    public void Builder_Sample_IsValidAdaptiveCard15(string builder)
    {
        RequireBothChecks();
        Assert.True(CardGallery.Samples.TryGetValue(builder, out var render), $"No sample for {builder} in {nameof(CardGallery)}.");

        var cards = render!();

        Assert.NotEmpty(cards);
        foreach (var card in cards)
        {
            AdaptiveCardValidator.AssertCardValid(card, builder);
        }
    }

    [Fact]
    public void Builder_EveryPublicMethod_IsUsedByTheEveryElementSample()
    {
        var used = new[] { "Create", "Title", "Text", "Facts", "TextInput", "NumberInput", "DateInput", "ChoiceInput", "ToggleInput", "Submit", "Execute", "OpenDialog", "OpenUrl", "ShowCard", "Add", "Build" };

        var methods = typeof(AdaptiveCardBuilder).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly)
            .Select(m => m.Name).Distinct().Except(used).ToList();

        Assert.True(methods.Count == 0, $"Use these builder methods in {nameof(CardGallery)}.{nameof(CardGallery.EveryElement)} so their output is validated: {string.Join(", ", methods)}");
    }

    [Fact]
    public void Validator_BrokenCard_BothChecksReportIt()
    {
        RequireBothChecks();
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["version"] = "1.5",
            ["body"] = new JsonArray(
                new JsonObject { ["type"] = "Carousel", ["pages"] = new JsonArray() },
                new JsonObject { ["type"] = "TextBlock", ["text"] = "x", ["size"] = "Enormous" }),
        };

        var problems = AdaptiveCardValidator.Validate(card);

        Assert.Contains(problems, p => p.StartsWith("schema:", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("adaptivecards:", StringComparison.Ordinal) && p.Contains("Carousel", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("adaptivecards:", StringComparison.Ordinal) && p.Contains("Enormous", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_DuplicateInputIds_LibraryReportsIt()
    {
        RequireBothChecks();
        var card = AdaptiveCardBuilder.Create().TextInput("name", "Name").TextInput("name", "Name again").Build();

        Assert.Contains(AdaptiveCardValidator.Validate(card), p => p.Contains("DuplicateId", StringComparison.Ordinal));
    }

    [Fact]
    public void Validator_NewerVersion_IsRejected()
    {
        RequireBothChecks();
        var card = AdaptiveCardBuilder.Create().Text("hello").Build();
        card["version"] = "1.6";

        Assert.NotEmpty(AdaptiveCardValidator.Validate(card));
    }

    [Fact]
    public async Task ConfirmationCard_FromAWriteThatConfirmsFirst_IsValid()
    {
        RequireBothChecks();
        var prompts = TestPrompts.CreateFolder();
        await using var host = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["Prompts:Folder"] = prompts },
            builder => PartnerAssistant.Conversation.PluginServiceCollectionExtensions.AddAssistantPlugin<TroublePlugin>(builder.Services, "Trouble"));
        using var client = host.CreateClient();

        // RepliesAsync validates every card in the replies.
        var replies = await Activities.RepliesAsync(await Activities.PostAsync(client, Activities.Message("write the widget record", conversation: "gallery-1", expectReplies: true)));

        var card = Assert.Single(AdaptiveCardValidator.CardsOf(Assert.Single(replies)));
        Assert.Contains("Please confirm: write widget-7", card.ToJsonString());
    }
}
