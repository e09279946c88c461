using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantStandIn;

namespace PartnerAssistant.Tests.Knowledge.Stores;

/// <summary>
/// The stand-in answers the official client the way Qdrant documents: filters, limits, score order, upsert by
/// id, delete by filter, scroll pages, IDF-weighted sparse scores and atomic alias changes. Without these the
/// store's tests against it would prove nothing.
/// </summary>
public sealed class QdrantStandInTests : IAsyncLifetime
{
    private QdrantStandInServer _server = null!;
    private QdrantChannel _channel = null!;
    private QdrantClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await QdrantStandInServer.StartAsync(cancellationToken: Ct);
        _channel = QdrantChannel.ForAddress(_server.Address);
        _client = new QdrantClient(new QdrantGrpcClient(_channel), TimeSpan.FromSeconds(30), NullLoggerFactory.Instance);
        await _client.CreateCollectionAsync(new CreateCollection
        {
            CollectionName = "c",
            VectorsConfig = new VectorsConfig { ParamsMap = new VectorParamsMap { Map = { ["dense"] = new VectorParams { Size = 2, Distance = Distance.Cosine } } } },
            SparseVectorsConfig = new SparseVectorConfig { Map = { ["words"] = new SparseVectorParams { Modifier = Modifier.Idf } } },
        }, Ct);
        await _client.UpsertAsync("c", [
            Point(1, [1, 0], "red", ["a", "b"], 5, ([10, 11], [1, 1])),
            Point(2, [0.8f, 0.6f], "red", ["c"], 7, ([10], [1])),
            Point(3, [0, 1], "blue", ["a"], 9, ([10, 12], [1, 1])),
            Point(4, [-1, 0], "green", [], 11, ([10], [1])),
        ], cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Query_Dense_OrdersByCosineAndStopsAtTheLimit()
    {
        var hits = await _client.QueryAsync("c", new Query { Nearest = new VectorInput { Dense = new DenseVector { Data = { 2, 0 } } } }, usingVector: "dense", limit: 2, cancellationToken: Ct);

        Assert.Equal([1ul, 2ul], hits.Select(h => h.Id.Num));
        Assert.Equal(1.0, hits[0].Score, 3);
        Assert.Equal(0.8, hits[1].Score, 3);
    }

    [Fact]
    public async Task Query_Filters_MustMustNotShouldAndArrays_AreAppliedBeforeTheLimit()
    {
        var filter = new Filter
        {
            Must = { Conditions.Match("colour", ["red", "blue"]) },
            MustNot = { Conditions.MatchKeyword("tags", "c") },
            Should = { Conditions.MatchKeyword("tags", "a"), Conditions.Range("size", new Qdrant.Client.Grpc.Range { Gt = 100 }) },
        };

        var hits = await _client.QueryAsync("c", new Query { Nearest = new VectorInput { Dense = new DenseVector { Data = { 1, 0 } } } }, usingVector: "dense", filter: filter, limit: 1, cancellationToken: Ct);
        var ranged = await _client.CountAsync("c", new Filter { Must = { Conditions.Range("size", new Qdrant.Client.Grpc.Range { Gte = 7, Lt = 11 }) } }, exact: true, cancellationToken: Ct);

        Assert.Equal(1ul, Assert.Single(hits).Id.Num);
        Assert.Equal(2ul, ranged);
    }

    [Fact]
    public async Task Query_SparseWithIdf_WeighsRareWordsAndFindsOnlyOverlappingPoints()
    {
        // Index 10 is in all four points (idf ln(1 + 0.5/4.5) ≈ 0.105), 11 and 12 in one each (ln(1 + 3.5/1.5) ≈ 1.204).
        var hits = await _client.QueryAsync("c", new Query { Nearest = new VectorInput { Sparse = new SparseVector { Indices = { 10, 11 }, Values = { 1, 1 } } } },
            usingVector: "words", limit: 10, cancellationToken: Ct);

        Assert.Equal(1ul, hits[0].Id.Num);
        Assert.Equal(Math.Log(1 + (0.5 / 4.5)) + Math.Log(1 + (3.5 / 1.5)), hits[0].Score, 3);
        Assert.Equal(4, hits.Count);
        Assert.Empty(await _client.QueryAsync("c", new Query { Nearest = new VectorInput { Sparse = new SparseVector { Indices = { 99 }, Values = { 1 } } } }, usingVector: "words", cancellationToken: Ct));
    }

    [Fact]
    public async Task Upsert_SameId_ReplacesThePointWhole_AndDeleteByFilterRemovesMatches()
    {
        await _client.UpsertAsync("c", [Point(1, [0, 1], "blue", [], 1, ([12], [1]))], cancellationToken: Ct);
        await _client.DeleteAsync("c", new Filter { Must = { Conditions.MatchKeyword("colour", "red") } }, cancellationToken: Ct);

        var left = await _client.ScrollAsync("c", limit: 10, payloadSelector: true, cancellationToken: Ct);

        Assert.Equal([1ul, 3ul, 4ul], left.Result.Select(p => p.Id.Num));
        Assert.Equal("blue", left.Result[0].Payload["colour"].StringValue);
        Assert.False(left.Result[0].Payload.ContainsKey("tags") && left.Result[0].Payload["tags"].ListValue.Values.Count > 0);
    }

    [Fact]
    public async Task Scroll_PagesInIdOrder_WithTheNextOffset()
    {
        var first = await _client.ScrollAsync("c", limit: 3, cancellationToken: Ct);
        var second = await _client.ScrollAsync("c", limit: 3, offset: first.NextPageOffset, cancellationToken: Ct);

        Assert.Equal([1ul, 2ul, 3ul], first.Result.Select(p => p.Id.Num));
        Assert.Equal(4ul, first.NextPageOffset.Num);
        Assert.Equal([4ul], second.Result.Select(p => p.Id.Num));
        Assert.Null(second.NextPageOffset);
    }

    [Fact]
    public async Task Aliases_ChangedTogetherOrNotAtAll_AndWrongInputIsRefused()
    {
        await _client.CreateAliasAsync("live", "c", cancellationToken: Ct);

        // The second action fails (no such collection), so the first must not have happened either.
        var failed = await Assert.ThrowsAsync<RpcException>(() => _client.UpdateAliasesAsync([
            new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = "live" } },
            new AliasOperations { CreateAlias = new CreateAlias { AliasName = "live", CollectionName = "missing" } },
        ], cancellationToken: Ct));
        var badDimensions = await Assert.ThrowsAsync<RpcException>(() => _client.UpsertAsync("live", [Point(9, [1, 0, 0], "red", [], 1, ([1], [1]))], cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, failed.StatusCode);
        Assert.Equal("c", Assert.Single(await _client.ListAliasesAsync(Ct)).CollectionName);
        Assert.Equal(4ul, (await _client.GetCollectionInfoAsync("live", Ct)).PointsCount);
        Assert.Equal(StatusCode.InvalidArgument, badDimensions.StatusCode);
        Assert.Contains("expected dim: 2, got 3", badDimensions.Status.Detail);
    }

    private static PointStruct Point(ulong id, float[] dense, string colour, string[] tags, int size, (uint[] Indices, float[] Values) words)
    {
        var point = new PointStruct
        {
            Id = id,
            Vectors = new Vectors { Vectors_ = new NamedVectors { Vectors = { ["dense"] = new Vector { Dense = new DenseVector { Data = { dense } } } } } },
            Payload = { ["colour"] = colour, ["size"] = size },
        };
        point.Vectors.Vectors_.Vectors["words"] = new Vector { Sparse = new SparseVector { Indices = { words.Indices }, Values = { words.Values } } };
        var list = new ListValue();
        list.Values.AddRange(tags.Select(t => new Value { StringValue = t }));
        point.Payload["tags"] = new Value { ListValue = list };
        return point;
    }
}
