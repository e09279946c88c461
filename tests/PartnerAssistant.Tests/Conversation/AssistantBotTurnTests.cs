using System.Text.Json.Nodes;
using BotFramework.Adapter;
using BotFramework.Authentication;
using BotFramework.Schema;
using PartnerAssistant.Conversation;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Tests.Conversation.Routing;
using PartnerAssistant.Tests.Knowledge;

namespace PartnerAssistant.Tests.Conversation;

/// <summary>
/// Free-text turns through <see cref="AssistantBot"/> with no language model, as a new user types them, over the
/// shipped corpus and the demo data: questions go to the knowledge base even on an action's topic, actions run only
/// on what the caller may see, typos are corrected and said so, two questions get two answers, follow-ups use the
/// question before, and bad input gets a clear reply.
/// </summary>
[Collection(EnablementCorpusCollection.Name)]
public sealed class AssistantBotTurnTests(EnablementCorpusFixture corpus)
{
    [Theory]
    [MemberData(nameof(QuestionFormTests.QuestionsOnActionTopics), MemberType = typeof(QuestionFormTests))]
    public async Task OnTurnAsync_QuestionOnAnActionsTopic_IsAnsweredFromTheKnowledgeBase(string question)
    {
        var reply = await SayAsync("demo-partner-admin", question);

        Assert.Equal("Here is what the enablement documents say:", reply.Text);
        var card = Assert.Single(Cards(reply));
        Assert.Equal(question, Question(card));
        Assert.Contains("Sources", card.ToJsonString());
    }

    [Fact]
    public async Task OnTurnAsync_WhatDoINeedToRegister_AnswersAndOffersTheFormAsAButton()
    {
        var reply = await SayAsync("demo-partner", "what info do I need to register a deal?");

        Assert.DoesNotContain(Cards(reply), c => c.ToJsonString().Contains("Register deal", StringComparison.Ordinal));
        Assert.Contains(reply.SuggestedActions!.Actions, a => a.Title == "I want to register a new deal");
    }

    [Theory]
    [InlineData("Is there a warranty on Edge Runtime?")]
    [InlineData("is there a warranty on the Edge Runtime gateways?")]
    [InlineData("can I sell directly to Fabrikam Logistics while it's protected?")]
    public async Task OnTurnAsync_NameThatIsNoCustomer_IsNeverAnsweredAsARegistrationCheck(string question)
    {
        var reply = await SayAsync("demo-sales", question);

        Assert.DoesNotContain("active registration", reply.Text);
        Assert.DoesNotContain("Which customer?", reply.Text);
    }

    [Fact]
    public async Task OnTurnAsync_AnotherPartnersRegistration_NamesTheNumberItCannotFind()
    {
        var reply = await SayAsync("demo-partner", "status of DR-1023");

        Assert.Equal("I can't find a registration for DR-1023 that you can see. Check the number, or say \"show my open registrations\" to see yours.", reply.Text);
    }

    [Fact]
    public async Task OnTurnAsync_TypoedRequest_ShowsWhatWasUnderstoodAndRunsIt()
    {
        var reply = await SayAsync("demo-partner", "shwo my opne registratons");

        Assert.StartsWith("Showing results for \"show my open registrations\".\n\nBluewave Solutions' open registrations (", reply.Text);
    }

    [Fact]
    public async Task OnTurnAsync_TypoedRegistration_OpensTheFormForThatCustomer()
    {
        var reply = await SayAsync("demo-partner", "regster a deel for contoso");

        Assert.Contains("customer **contoso**", reply.Text);
        Assert.Contains("Register deal", Assert.Single(Cards(reply)).ToJsonString());
    }

    [Fact]
    public async Task OnTurnAsync_TwoQuestions_AnswersEachWithItsOwnSources()
    {
        var reply = await SayAsync("demo-partner", "status of DR-1028? and what happens when protection ends");

        Assert.StartsWith("**DR-1028**", reply.Text);
        var answer = Assert.Single(Cards(reply), c => Question(c) is { } q && q.Contains("protection ends", StringComparison.Ordinal));
        Assert.Contains("Sources", answer.ToJsonString());
    }

    [Fact]
    public async Task OnTurnAsync_TwoKnowledgeQuestions_AreTwoAnswerCards()
    {
        var reply = await SayAsync("demo-partner", "how long is a registration protected and can it be extended?");

        var cards = Cards(reply);
        Assert.Equal(2, cards.Count);
        Assert.Equal(["how long is a registration protected", "can the registration protection be extended?"], cards.Select(Question));
        Assert.All(cards, c => Assert.Contains("Sources", c.ToJsonString()));
    }

    [Fact]
    public async Task OnTurnAsync_FollowUps_AreReadAgainstTheQuestionBefore()
    {
        var conversation = Guid.NewGuid().ToString("N");
        await SayAsync("demo-partner", "what do Silver partners get?", conversation);

        var gold = await SayAsync("demo-partner", "what about Gold?", conversation);
        var extended = await SayAsync("demo-partner", "how long is a deal registration protected?", conversation);
        extended = await SayAsync("demo-partner", "and can it be extended?", conversation);

        Assert.Equal("what do Gold partners get?", Question(Cards(gold).Single()));
        Assert.Equal("can the deal registration protection be extended?", Question(Cards(extended).Single()));
    }

    [Fact]
    public async Task OnTurnAsync_ExtendItAfterAStatus_ExtendsThatRegistration()
    {
        var conversation = Guid.NewGuid().ToString("N");
        await SayAsync("demo-partner", "status of DR-1042", conversation);

        var reply = await SayAsync("demo-partner", "ok extend it then", conversation);

        Assert.StartsWith("**DR-1042**", reply.Text);
        Assert.Contains("extension adds 45 days", reply.Text);
    }

    public static TheoryData<string, string> BadInput() => new()
    {
        { "", UtteranceCheckReply.Empty },
        { "   ", UtteranceCheckReply.Empty },
        { "👍🎉", UtteranceCheckReply.NoWords },
        { "Wie lange ist eine Registrierung geschützt?", UtteranceCheckReply.NotEnglish },
        { "register a deal for Contoso " + string.Concat(Enumerable.Repeat("with a lot more detail pasted in ", 160)), "characters long" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task OnTurnAsync_BadInput_GetsAClearReplyAndNoForm(string text, string expected)
    {
        var reply = await SayAsync("demo-partner", text);

        Assert.Contains(expected, reply.Text);
        Assert.Empty(Cards(reply));
    }

    [Fact]
    public async Task OnTurnAsync_LoneSurrogates_GetAClearReply()
    {
        var reply = await SayAsync("demo-partner", new string(['\uD83D', '\uDE00', '\uDE00', '\uD83D']));

        // One whole emoji survives the clean-up, the halves do not: an emoji alone.
        Assert.Equal(UtteranceCheckReply.NoWords, reply.Text);
    }

    private static class UtteranceCheckReply
    {
        public const string Empty = PartnerAssistant.Conversation.Routing.UtteranceCheck.Empty;
        public const string NoWords = PartnerAssistant.Conversation.Routing.UtteranceCheck.NoWords;
        public const string NotEnglish = PartnerAssistant.Conversation.Routing.UtteranceCheck.NotEnglish;
    }

    private async Task<Activity> SayAsync(string from, string text, string? conversation = null)
    {
        var services = corpus.Require();
        var activity = Activity.CreateMessage(text);
        activity.Id = Guid.NewGuid().ToString("N");
        activity.ChannelId = "msteams";
        activity.From = new ChannelAccount { Id = from };
        activity.Recipient = new ChannelAccount { Id = "bot" };
        activity.Conversation = new ConversationAccount { Id = conversation ?? Guid.NewGuid().ToString("N") };
        var context = new RecordingTurnContext(activity);
        await services.Get<AssistantBot>().OnTurnAsync(context, TestContext.Current.CancellationToken);
        return Assert.Single(context.Sent);
    }

    private static List<JsonObject> Cards(Activity reply) =>
        (reply.Attachments ?? []).Select(a => a.Content).OfType<JsonObject>().ToList();

    /// <summary>The question an answer card answers (its first line).</summary>
    private static string? Question(JsonObject card) => card["body"]?[0]?["text"]?.GetValue<string>();

    private sealed class RecordingTurnContext(Activity activity) : ITurnContext
    {
        public List<Activity> Sent { get; } = [];
        public Activity Activity { get; } = activity;
        public ChannelIdentity Identity => ChannelIdentity.Anonymous;
        public bool Responded => Sent.Count > 0;
        public InvokeResponse? InvokeResponse { get; set; }
        public IDictionary<string, object?> TurnState { get; } = new Dictionary<string, object?>();

        public Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default)
        {
            Sent.Add(activity);
            return Task.FromResult(new ResourceResponse { Id = Guid.NewGuid().ToString("N") });
        }

        public Task<ResourceResponse> UpdateActivityAsync(Activity activity, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
