using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation.LanguageModel;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Answering;
using PartnerAssistant.Tests.Knowledge;

namespace PartnerAssistant.Tests.Conversation.LanguageModel;

/// <summary>
/// Knowledge answers written by the language model: the real retrieval over the shipped corpus feeds
/// the grounded-answer prompt, the loopback model writes, and the answer service keeps real citations.
/// </summary>
[Collection(EnablementCorpusCollection.Name)]
public sealed class GroundedKnowledgeAnswerTests(EnablementCorpusFixture corpus) : IAsyncLifetime
{
    private const string Question = "how long is an approved deal registration protected?";
    private FakeChatModelServer _model = null!;

    public async ValueTask InitializeAsync() => _model = await FakeChatModelServer.StartAsync();

    public async ValueTask DisposeAsync() => await _model.DisposeAsync();

    private KnowledgeAnswerService Answers()
    {
        var services = corpus.Require();
        var options = new AzureOpenAIOptions { Endpoint = _model.Endpoint.ToString(), Deployment = FakeChatModelServer.Deployment, ApiKey = FakeChatModelServer.ApiKey, MaxRetries = 0 };
        var prompts = AssistantPrompts.Load(Path.Combine(AssetLocator.Require("prompts", "prompts folder"), "assistant"));
        var writer = new GroundedAnswerWriter(new ChatModel(Options.Create(options), NullLoggerFactory.Instance), prompts, NullLogger<GroundedAnswerWriter>.Instance);
        var composer = new GroundedAnswerComposer(writer, services.Get<ExtractiveAnswerComposer>(), NullLogger<GroundedAnswerComposer>.Instance);
        return new KnowledgeAnswerService(services.Get<KnowledgeRetriever>(), composer, services.Get<KnowledgeRegistry>(), services.Get<QuestionScope>(),
            services.Get<IOptions<KnowledgeOptions>>(), TimeProvider.System, NullLogger<KnowledgeAnswerService>.Instance);
    }

    [Fact]
    public async Task AskAsync_ModelCitesARealAndAnInventedPassage_OnlyTheRealOneReachesTheCard()
    {
        var answers = Answers();
        var partner = await corpus.CallerAsync("demo-partner");
        _model.Reply("An approved registration is protected for 90 days [1]. After that it may be extended once [14].");

        var answer = await answers.AskAsync(partner, Question, TestContext.Current.CancellationToken);

        Assert.True(answer.Answered);
        Assert.Equal("An approved registration is protected for 90 days [1]. After that it may be extended once.", answer.Text);
        var citation = Assert.Single(answer.Citations);
        Assert.Equal("program/registration-protection.md", citation.Source);
        // The user message carried the retrieved passage under the number the answer cites.
        var prompt = Assert.Single(_model.Requests).UserMessage;
        Assert.Contains($"[1] {citation.Title}", prompt);
        Assert.Contains("90 days", prompt);
        var card = AnswerCard.Build(answer).ToJsonString();
        Assert.Contains("[1] [", card);
        Assert.DoesNotContain("[14]", card);
    }

    [Fact]
    public async Task AskAsync_ModelAbstains_AnswersThatItDoesNotKnow()
    {
        var answers = Answers();
        var partner = await corpus.CallerAsync("demo-partner");
        _model.Reply(GroundedAnswerWriter.AbstainToken);

        var answer = await answers.AskAsync(partner, Question, TestContext.Current.CancellationToken);

        Assert.False(answer.Answered);
        Assert.StartsWith("I don't know.", answer.Text);
        Assert.Empty(answer.Citations);
    }

    [Fact]
    public async Task AskAsync_ModelBusy_TheExtractiveComposerAnswers()
    {
        var answers = Answers();
        var partner = await corpus.CallerAsync("demo-partner");
        _model.Fail(429, "0");

        var answer = await answers.AskAsync(partner, Question, TestContext.Current.CancellationToken);

        Assert.True(answer.Answered);
        Assert.Contains("90 days", answer.Text);
        Assert.Equal("program/registration-protection.md", answer.Citations[0].Source);
    }
}
