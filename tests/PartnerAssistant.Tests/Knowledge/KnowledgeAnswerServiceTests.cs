using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Answering;

namespace PartnerAssistant.Tests.Knowledge;

[Collection(EnablementCorpusCollection.Name)]
public sealed class KnowledgeAnswerServiceTests(EnablementCorpusFixture corpus)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RetrieveAsync_PartnerAskingWhatAnInternalDocumentAnswersBest_NeverGetsAnInternalPassage()
    {
        var retriever = corpus.Require().Get<KnowledgeRetriever>();
        const string question = "how are account executives compensated on co-sell deals and does it count toward quota";

        var staff = await retriever.RetrieveAsync(question, KnowledgeFilter.Internal, 5, null, Ct);
        var partner = await retriever.RetrieveAsync(question, KnowledgeFilter.Partner, 50, null, Ct);

        Assert.Equal("internal/co-sell-compensation.md", staff.Hits[0].Chunk.Source);
        Assert.NotEmpty(partner.Hits);
        Assert.DoesNotContain(partner.Hits, h => h.Chunk.Audience == KnowledgeAudience.Internal || h.Chunk.Source.StartsWith("internal/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AskAsync_PartnerAskingAboutAnInternalTopic_IsNotAnsweredFromInternalDocuments()
    {
        var answers = corpus.Require().Get<KnowledgeAnswerService>();
        var partner = await corpus.CallerAsync("demo-partner");
        var manager = await corpus.CallerAsync("demo-manager");
        const string question = "how are reps compensated when they co-sell with a partner?";

        var forPartner = await answers.AskAsync(partner, question, Ct);
        var forManager = await answers.AskAsync(manager, question, Ct);

        Assert.DoesNotContain(forPartner.Citations, c => c.Source.StartsWith("internal/", StringComparison.Ordinal));
        Assert.Contains(forManager.Citations, c => c.Source == "internal/co-sell-compensation.md");
    }

    [Fact]
    public async Task AskAsync_CoveredQuestion_AnswersFromTheDocumentWithNumberedCitationsLinkingTheSection()
    {
        var answers = corpus.Require().Get<KnowledgeAnswerService>();
        var partner = await corpus.CallerAsync("demo-partner");

        var answer = await answers.AskAsync(partner, "how long is an approved deal registration protected?", Ct);

        Assert.True(answer.Answered);
        Assert.Contains("90 days", answer.Text, StringComparison.Ordinal);
        Assert.Contains("[1]", answer.Text, StringComparison.Ordinal);
        var first = answer.Citations[0];
        Assert.Equal(1, first.Number);
        Assert.Equal("program/registration-protection.md", first.Source);
        Assert.StartsWith("https://partners.northbeam.example/docs/registration-protection#", first.Url, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, answer.Citations.Count), answer.Citations.Select(c => c.Number));
        Assert.All(answer.Citations, c => Assert.Contains($"[{c.Number}]", answer.Text, StringComparison.Ordinal));
        Assert.InRange(answer.FollowUps.Count, 2, 3);
    }

    [Theory]
    [InlineData("what's the weather in Oslo tomorrow")]
    [InlineData("write me a python script that parses a csv file")]
    public async Task AskAsync_QuestionTheCorpusDoesNotCover_SaysItDoesNotKnowAndGivesTheEnablementContact(string question)
    {
        var services = corpus.Require();
        var partner = await corpus.CallerAsync("demo-partner");
        var editor = await corpus.CallerAsync("demo-editor");

        var answer = await services.Get<KnowledgeAnswerService>().AskAsync(partner, question, Ct);
        var report = await services.Get<KnowledgeEditor>().UnansweredAsync(editor, 7, Ct);

        Assert.False(answer.Answered);
        Assert.Empty(answer.Citations);
        Assert.StartsWith("I don't know.", answer.Text, StringComparison.Ordinal);
        Assert.Contains("enablement@northbeam.example", answer.Text, StringComparison.Ordinal);
        Assert.Contains("NPN Enablement", answer.Text, StringComparison.Ordinal);
        Assert.Contains(report.Topics.SelectMany(t => t.Questions), q => q.Id == answer.QuestionId && q.Abstained);
    }

    [Fact]
    public async Task RecordFeedbackAsync_ThumbsDownWithReason_IsStoredAndShownToEditors_OnlyFromTheAsker()
    {
        var services = corpus.Require();
        var answers = services.Get<KnowledgeAnswerService>();
        var partner = await corpus.CallerAsync("demo-partner");
        var otherPartner = await corpus.CallerAsync("demo-partner-2");
        var editor = await corpus.CallerAsync("demo-editor");
        var answer = await answers.AskAsync(partner, "how much of an event does Northbeam reimburse from MDF?", Ct);

        var stranger = await answers.RecordFeedbackAsync(otherPartner, answer.QuestionId, false, "spam", Ct);
        var stored = await answers.RecordFeedbackAsync(partner, answer.QuestionId, false, "I needed the cap per event", Ct);
        var report = await services.Get<KnowledgeEditor>().UnansweredAsync(editor, 1, Ct);

        Assert.True(answer.Answered);
        Assert.False(stranger);
        Assert.True(stored);
        var listed = Assert.Single(report.Topics.SelectMany(t => t.Questions), q => q.Id == answer.QuestionId);
        Assert.Equal("I needed the cap per event", listed.Reason);
        Assert.False(listed.Abstained);
    }

    [Fact]
    public async Task UnansweredAsync_QuestionsAboutTheSameThing_AreGroupedIntoOneTopic()
    {
        var services = corpus.Require();
        var editor = await corpus.CallerAsync("demo-editor");
        var partner = await corpus.CallerAsync("demo-partner-2");
        var answers = services.Get<KnowledgeAnswerService>();
        foreach (var question in new[] { "who won the champions league final", "which football club won the champions league last season", "can you book me a flight to Berlin", "book a flight ticket to Berlin for me" })
        {
            await answers.AskAsync(partner, question, Ct);
        }

        var report = await services.Get<KnowledgeEditor>().UnansweredAsync(editor, 1, Ct);

        var football = report.Topics.Single(t => t.Questions.Any(q => q.Question == "who won the champions league final"));
        var flights = report.Topics.Single(t => t.Questions.Any(q => q.Question == "can you book me a flight to Berlin"));
        Assert.NotSame(football, flights);
        Assert.Contains(football.Questions, q => q.Question == "which football club won the champions league last season");
        Assert.Contains(flights.Questions, q => q.Question == "book a flight ticket to Berlin for me");
        Assert.Contains("champions", football.Label, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnansweredAsync_PartnerCaller_IsRefused()
    {
        var partner = await corpus.CallerAsync("demo-partner");

        var error = await Assert.ThrowsAsync<KnowledgeAccessException>(() => corpus.Require().Get<KnowledgeEditor>().UnansweredAsync(partner, 30, Ct));

        Assert.Equal("Only enablement editors can change the knowledge base or read its question log.", error.Message);
    }
}
