using System.Text.Json.Nodes;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Stores;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Knowledge.Stores;

/// <summary>
/// Every request the Qdrant store sends, checked against Qdrant 1.19's published OpenAPI document
/// (<c>shared/schemas/qdrant-openapi-1.19.json</c>): the route and method must exist there, and the
/// body must validate against the schema the document gives for that route.
/// </summary>
public sealed class QdrantContractTests
{
    [Fact]
    public async Task EveryRequest_OfAFullIngestAndSearchCycle_MatchesQdrant119OpenApi()
    {
        var openApiPath = SharedSchemas.Require("qdrant-openapi-1.19.json");
        var openApi = JsonNode.Parse(await File.ReadAllTextAsync(openApiPath, TestContext.Current.CancellationToken))!;
        await using var server = await QdrantLoopbackServer.StartAsync();
        var (http, store) = QdrantKnowledgeStoreTests.Create(server, apiKey: null);
        using var _ = http;
        await RunCycleAsync(store);

        var checkedBodies = 0;
        var problems = new List<string>();
        foreach (var request in server.Requests)
        {
            Assert.NotEqual("unknown", request.Route);
            var (method, path) = (request.Route.Split(' ')[0].ToLowerInvariant(), request.Route.Split(' ')[1]);
            var operation = openApi["paths"]?[path]?[method];
            if (operation is null)
            {
                problems.Add($"{request.Route} is not an operation of Qdrant 1.19");
                continue;
            }

            var reference = operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
            if (reference is null)
            {
                Assert.Null(request.Body);
                continue;
            }

            Assert.NotNull(request.Body);
            var schema = await SharedSchemas.OpenApiComponentAsync(openApiPath, reference.Split('/').Last());
            var errors = schema.Validate(request.Body!.ToJsonString());
            problems.AddRange(errors.Select(e => $"{request.Route}: {e.Path} {e.Kind} in {request.Body.ToJsonString()[..Math.Min(300, request.Body.ToJsonString().Length)]}"));
            checkedBodies++;
        }

        Assert.Empty(problems);
        Assert.True(checkedBodies >= 8, $"only {checkedBodies} request bodies were checked");
        Assert.Contains(server.Requests, r => r.Route == "POST /collections/{collection_name}/points/query");
        Assert.Contains(server.Requests, r => r.Route == "POST /collections/{collection_name}/points/batch");
    }

    [Fact]
    public async Task SchemaCheck_BodyQdrantWouldReject_IsReported()
    {
        // The check itself must be able to fail: a limit of 0 and a stray key inside the filter are both refused by Qdrant.
        var openApiPath = SharedSchemas.Require("qdrant-openapi-1.19.json");
        var schema = await SharedSchemas.OpenApiComponentAsync(openApiPath, "QueryRequest");

        var errors = schema.Validate("""{"query": [0.1, 0.2], "limit": 0, "filter": {"must": [{"key": "audience", "match": {"value": "partner"}}], "top": 3}}""");

        Assert.Contains(errors, e => e.Path?.Contains("limit", StringComparison.Ordinal) == true || e.Property == "limit");
        Assert.True(errors.Count >= 2, string.Join("; ", errors.Select(e => $"{e.Path} {e.Kind}")));
    }

    private static async Task RunCycleAsync(QdrantKnowledgeStore store)
    {
        var ct = TestContext.Current.CancellationToken;
        const string collection = "contract";
        var vector = Enumerable.Range(0, 8).Select(i => i == 2 ? 1f : 0f).ToArray();
        KnowledgeChunk Chunk(string source, int ordinal) => new()
        {
            Id = Guid.NewGuid(),
            Source = source,
            Title = "MDF — requests and claims",
            Section = "Claims › Proof of performance",
            Anchor = "proof-of-performance",
            SourceUrl = "https://partners.northbeam.example/docs/mdf",
            Text = "Claim within 60 days after the activity, with invoices and attendee lists.",
            Audience = KnowledgeAudience.Partner,
            Tiers = ["silver", "gold"],
            PartnerTypes = ["all"],
            Ordinal = ordinal,
            ContentHash = "abc123",
            Vector = vector,
        };

        await using (var batch = await store.BeginWriteAsync(collection, 8, ct))
        {
            await batch.StageAsync(new IndexedDocument("program/mdf.md", "MDF", KnowledgeAudience.Partner, "abc123", 2), [Chunk("program/mdf.md", 0), Chunk("program/mdf.md", 1)], ct);
            await batch.StageAsync(new IndexedDocument("program/old.md", "Old", KnowledgeAudience.Partner, "abc123", 1), [Chunk("program/old.md", 0)], ct);
            await batch.CommitAsync([], ct);
        }

        await using (var batch = await store.BeginWriteAsync(collection, 8, ct))
        {
            await batch.StageAsync(new IndexedDocument("program/mdf.md", "MDF", KnowledgeAudience.Partner, "def456", 1), [Chunk("program/mdf.md", 0)], ct);
            await batch.CommitAsync(["program/old.md"], ct);
        }

        var filter = KnowledgeFilter.Partner with { Tier = "gold", PartnerType = "msp", Sources = ["program/mdf.md"] };
        var hits = await store.SearchAsync(collection, new HybridQuery(vector, ["claim", "invoices"], filter, 5) { Candidates = 20, RrfK = 60 }, ct);
        Assert.Equal("program/mdf.md", Assert.Single(hits).Chunk.Source);
        Assert.Equal("program/mdf.md", Assert.Single(await store.ListDocumentsAsync(collection, ct)).Source);
        Assert.Equal([collection], await store.ListCollectionsAsync(ct));
        await store.DeleteCollectionAsync(collection, ct);
        Assert.Empty(await store.ListCollectionsAsync(ct));
    }
}
