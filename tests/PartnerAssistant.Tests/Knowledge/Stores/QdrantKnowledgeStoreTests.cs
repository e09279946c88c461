using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Stores;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantStandIn;

namespace PartnerAssistant.Tests.Knowledge.Stores;

/// <summary>
/// The Qdrant store through the official client (gRPC) against the stand-in server generated from Qdrant's
/// protos, with the shared store behaviour and what only Qdrant has: the API key, payload indexes, batched
/// upserts, the alias switch, the sweep of abandoned staging collections and TLS.
/// </summary>
public sealed class QdrantKnowledgeStoreTests : KnowledgeStoreBehaviourTests
{
    private const string ApiKey = "test-key";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
    private readonly List<IDisposable> _channels = [];
    private QdrantStandInServer? _server;

    private QdrantStandInServer Server => _server!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected override async Task<IKnowledgeStore> CreateStoreAsync()
    {
        _server = await QdrantStandInServer.StartAsync(ApiKey, cancellationToken: Ct);
        return Create(new QdrantOptions { Url = Server.Address.ToString(), ApiKey = ApiKey, BatchSize = 256 });
    }

    private QdrantKnowledgeStore Create(QdrantOptions settings)
    {
        var channel = QdrantKnowledgeStore.CreateChannel(settings);
        _channels.Add(channel);
        var client = new QdrantClient(new QdrantGrpcClient(channel), settings.Timeout, NullLoggerFactory.Instance);
        var options = Options.Create(new KnowledgeOptions { Store = KnowledgeStoreKind.Qdrant, Qdrant = settings });
        return new QdrantKnowledgeStore(client, options, _time, NullLogger<QdrantKnowledgeStore>.Instance);
    }

    public override async ValueTask DisposeAsync()
    {
        _channels.ForEach(c => c.Dispose());
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Calls_WithoutTheApiKey_AreRefusedAsUnauthenticated()
    {
        var keyless = Create(new QdrantOptions { Url = Server.Address.ToString() });

        var error = await Assert.ThrowsAsync<RpcException>(() => keyless.ListCollectionsAsync(Ct));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task BeginWriteAsync_NewCollection_IndexesEveryFilteredPayloadField()
    {
        await IndexAsync();

        var live = Server.Aliases["npn_" + Collection];
        var indexes = Server.PayloadIndexes(live);

        Assert.Equal("Keyword", indexes["audience"]);
        Assert.Equal("Keyword", indexes["tiers"]);
        Assert.Equal("Keyword", indexes["partner_types"]);
        Assert.Equal("Keyword", indexes["source"]);
        Assert.Equal("Integer", indexes["ordinal"]);
    }

    [Fact]
    public async Task StageAsync_ManyPassages_AreUpsertedInBatches()
    {
        var chunks = Enumerable.Range(0, 600).Select(i => Passage("big.md", i, Axis(i % Dimensions), $"passage number {i}")).ToList();

        await using (var batch = await Store.BeginWriteAsync(Collection, Dimensions, Ct))
        {
            await batch.StageAsync(new IndexedDocument("big.md", "Big", KnowledgeAudience.All, "h", chunks.Count), chunks, Ct);
            await batch.CommitAsync([], Ct);
        }

        Assert.Equal([256, 256, 88], Server.UpsertSizes);
        Assert.Equal(600, Server.PointCount("npn_" + Collection));
        Assert.Equal(600, Assert.Single(await Store.ListDocumentsAsync(Collection, Ct)).Chunks);
    }

    [Fact]
    public async Task CommitAsync_SwitchesTheAliasInOneRequest_AndDropsTheCollectionItReplaced()
    {
        await IndexAsync(Doc1("a.md", "first"), Doc1("b.md", "second"));
        var first = Server.Aliases["npn_" + Collection];

        await IndexAsync(Doc1("a.md", "first, revised"));

        var second = Server.Aliases["npn_" + Collection];
        Assert.NotEqual(first, second);
        Assert.Equal([second], Server.CollectionNames);
        Assert.Equal(2, Server.Calls.Count(c => c == "Collections/UpdateAliases"));
        // b.md was copied over unchanged; a.md is the new version only.
        Assert.Equal(2, Server.PointCount(second));
        var hits = await SearchAsync(Axis(0), ["first", "second"], KnowledgeFilter.Partner, top: 5);
        Assert.Equal(["first, revised", "second"], hits.Select(h => h.Chunk.Text).Order());
    }

    [Fact]
    public async Task SearchAsync_IsOneBatchOfTwoFilteredQueriesAndOneGet()
    {
        await IndexAsync(Doc1("a.md", "co-sell motion"));
        var before = Server.Calls.Count;

        var hits = await SearchAsync(Axis(0), ["co-sell"], KnowledgeFilter.Partner, top: 3);

        Assert.Equal(["Points/QueryBatch", "Points/Get"], Server.Calls.Skip(before));
        Assert.Equal((1, 1), (hits[0].DenseRank, hits[0].KeywordRank));
    }

    [Fact]
    public async Task BeginWriteAsync_StagingLeftByADeadRun_IsDeletedOnlyAfterTheGracePeriod()
    {
        await IndexAsync(Doc1("a.md", "live text"));
        // A run that stages and then dies: its batch is never committed nor disposed.
        var dying = await Store.BeginWriteAsync(Collection, Dimensions, Ct);
        var staged = Doc1("a.md", "never committed");
        await dying.StageAsync(staged.Document, staged.Chunks, Ct);
        var orphan = Server.CollectionNames.Single(n => n != Server.Aliases["npn_" + Collection]);

        _time.Advance(TimeSpan.FromMinutes(10));
        await using (var soon = await Store.BeginWriteAsync(Collection, Dimensions, Ct))
        {
            Assert.Contains(orphan, Server.CollectionNames);
        }

        _time.Advance(TimeSpan.FromHours(2));
        await using (var later = await Store.BeginWriteAsync(Collection, Dimensions, Ct))
        {
            Assert.DoesNotContain(orphan, Server.CollectionNames);
        }

        Assert.Equal("live text", Assert.Single(await SearchAsync(Axis(0), ["text"], KnowledgeFilter.Partner, top: 5)).Chunk.Text);
    }

    [Fact]
    public async Task Tls_SelfSignedCertificate_IsTrustedByItsThumbprintAndRefusedWithout()
    {
        using var certificate = SelfSignedCertificate();
        await using var tls = await QdrantStandInServer.StartAsync(ApiKey, certificate, Ct);
        var url = $"https://localhost:{tls.Address.Port}";
        var pinned = Create(new QdrantOptions { Url = url, ApiKey = ApiKey, CertificateThumbprint = certificate.GetCertHashString(HashAlgorithmName.SHA256) });
        var unpinned = Create(new QdrantOptions { Url = url, ApiKey = ApiKey });

        Assert.Empty(await pinned.ListCollectionsAsync(Ct));
        var refused = await Assert.ThrowsAsync<RpcException>(() => unpinned.ListCollectionsAsync(Ct));
        Assert.Equal(StatusCode.Internal, refused.StatusCode);
        Assert.IsType<System.Security.Authentication.AuthenticationException>(refused.Status.DebugException?.InnerException ?? refused.Status.DebugException, exactMatch: false);
        Assert.Contains("Collections/ListAliases", tls.Calls);
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Kestrel needs the private key in a form it can use on Linux: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private static TestDocument Doc1(string source, string text) =>
        new(new IndexedDocument(source, source, KnowledgeAudience.All, "h-" + text, 1), [Passage(source, 0, Axis(0), text)]);

    private static KnowledgeChunk Passage(string source, int ordinal, float[] vector, string text) => new()
    {
        Id = Guid.NewGuid(), Source = source, Title = source, Text = text, Audience = KnowledgeAudience.All, Ordinal = ordinal, ContentHash = "h", Vector = vector,
    };
}
