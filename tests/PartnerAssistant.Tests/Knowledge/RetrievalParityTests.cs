using System.Globalization;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge.Evaluation;
using PartnerAssistant.Tests.Infrastructure;
using QdrantStandIn;

namespace PartnerAssistant.Tests.Knowledge;

/// <summary>
/// The retrieval evaluation (tests/Evaluation/knowledge-questions.json, real MiniLM embeddings, the shipped
/// corpus) on both stores: the embedded SQLite store and the Qdrant store through the official client against
/// the stand-in. Both rank with the same fusion; their keyword sides differ (FTS5 BM25 with the porter stemmer
/// against IDF-weighted sparse vectors of hashed stems), and the figures must agree within 0.01.
/// </summary>
[Collection(EnablementCorpusCollection.Name)]
public sealed class RetrievalParityTests(EnablementCorpusFixture embedded)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Evaluation_EmbeddedAndQdrantStores_AgreeOnRecallAt5AndMrrWithin001()
    {
        var sqlite = embedded.Require();
        var questions = RetrievalEvaluation.LoadQuestions(AssetLocator.Require("tests/Evaluation/knowledge-questions.json", "The evaluation set ships with the repository."));
        await using var server = await QdrantStandInServer.StartAsync(cancellationToken: Ct);
        await using var qdrant = await AssistantServices.CreateAsync(settings: new Dictionary<string, string?>
        {
            ["Knowledge:Store"] = "Qdrant",
            ["Knowledge:Qdrant:Url"] = server.Address.ToString(),
            ["Knowledge:IngestOnStart"] = "true",
        });

        var onSqlite = (await sqlite.Get<RetrievalEvaluation>().RunAsync(questions, null, Ct)).Retrieval.Single(r => r.Group == "all");
        var onQdrant = (await qdrant.Get<RetrievalEvaluation>().RunAsync(questions, null, Ct)).Retrieval.Single(r => r.Group == "all");

        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{onSqlite.Questions} answerable questions — embedded: recall@5 {onSqlite.RecallAt5:F3}, MRR {onSqlite.Mrr:F3}; Qdrant: recall@5 {onQdrant.RecallAt5:F3}, MRR {onQdrant.Mrr:F3}"));
        Assert.Contains(server.Calls, c => c == "Points/QueryBatch");
        Assert.True(onQdrant.RecallAt5 >= 0.9, $"recall@5 on Qdrant is {onQdrant.RecallAt5:F3}");
        Assert.InRange(onQdrant.RecallAt5 - onSqlite.RecallAt5, -0.01, 0.01);
        Assert.InRange(onQdrant.Mrr - onSqlite.Mrr, -0.01, 0.01);
    }
}
