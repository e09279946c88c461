using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Tests.Knowledge.Stores;

/// <summary>The Qdrant store, over real HTTP, against a loopback server speaking Qdrant's wire format, with the shared store behaviour.</summary>
public sealed class QdrantKnowledgeStoreTests : KnowledgeStoreBehaviourTests
{
    private QdrantLoopbackServer? _server;
    private HttpClient? _http;

    internal QdrantLoopbackServer Server => _server!;

    protected override async Task<IKnowledgeStore> CreateStoreAsync()
    {
        _server = await QdrantLoopbackServer.StartAsync(apiKey: "test-key");
        (_http, var store) = Create(_server, "test-key");
        return store;
    }

    internal static (HttpClient Http, QdrantKnowledgeStore Store) Create(QdrantLoopbackServer server, string? apiKey)
    {
        var http = new HttpClient { BaseAddress = new Uri(server.Url + "/") };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("api-key", apiKey);
        }

        var options = Options.Create(new KnowledgeOptions { Store = KnowledgeStoreKind.Qdrant, Qdrant = new QdrantOptions { Url = server.Url } });
        return (http, new QdrantKnowledgeStore(http, options, TimeProvider.System, NullLogger<QdrantKnowledgeStore>.Instance));
    }

    public override async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Requests_WithoutTheApiKey_AreRefusedWithTheServersMessage()
    {
        var (http, store) = Create(Server, apiKey: null);
        using (http)
        {
            var error = await Assert.ThrowsAsync<QdrantException>(() => store.ListCollectionsAsync(TestContext.Current.CancellationToken));

            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.Status);
            Assert.Contains("API key", error.Message);
        }
    }

    [Fact]
    public async Task SearchAsync_UsesTheQueryRoute_NeverTheSearchRouteRemovedIn119()
    {
        await IndexAsync();
        await SearchAsync(Axis(0), ["anything"], KnowledgeFilter.Partner, top: 3);

        Assert.Contains(Server.Requests, r => r.Route == "POST /collections/{collection_name}/points/query");
        Assert.DoesNotContain(Server.Requests, r => r.Route == "unknown");
    }
}
