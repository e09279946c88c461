using System.Globalization;
using System.Numerics.Tensors;
using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace PartnerAssistant.Knowledge.Stores;

/// <summary>
/// The scale-out store: a Qdrant server through the official client (<c>Qdrant.Client</c>, gRPC). A
/// collection is a Qdrant alias, <c>{prefix}{collection}</c>, naming the physical collection that answers
/// now, <c>{prefix}{collection}__g{generation}</c>. Each has a named dense vector <c>dense</c> (cosine) and a
/// sparse keyword vector <c>keywords</c> (hashed stems, IDF modifier: Qdrant weighs rare words up as BM25
/// does), and a payload index on every field a search filters by.
/// </summary>
/// <remarks>
/// <para><b>Staged writes, switched in one step.</b> A write batch creates a new physical collection and
/// upserts the new passages into it in batches; nothing searches it yet. Its commit copies in the live
/// collection's passages of the documents it leaves alone, then moves the alias in one alias request
/// (Qdrant applies one request's alias changes atomically), then drops the old collection. A search
/// therefore sees the old index or the new one, never a mix, and a run that dies before its commit leaves
/// only an unaliased collection, which a later run deletes once it is older than
/// <see cref="QdrantOptions.AbandonedStagingAfter"/>. The price is the copy: a commit moves every passage of
/// the collection once (a corpus of enablement documents, not of tickets).</para>
/// <para><b>Hybrid search with the embedded store's fusion.</b> One <c>QueryBatch</c> call runs the dense and
/// the sparse search, each with the filter inside the query and ids only; the two rankings are fused here
/// by <see cref="ReciprocalRankFusion"/> — the code the embedded store uses, ties and all — and one
/// <c>Get</c> fetches the passages that made the cut. Qdrant's server-side RRF would order ties its own
/// way and hide each side's rank.</para>
/// </remarks>
public sealed partial class QdrantKnowledgeStore(QdrantClient client, IOptions<KnowledgeOptions> options, TimeProvider time, ILogger<QdrantKnowledgeStore> logger) : IKnowledgeStore
{
    public const string DenseVector = "dense";
    public const string KeywordVector = "keywords";
    private static readonly string[] KeywordFields = ["source", "audience", "tiers", "partner_types"];
    private static readonly string[] IntegerFields = ["ordinal"];
    private static readonly WithPayloadSelector NoPayload = new() { Enable = false };
    private static readonly WithPayloadSelector AllPayload = new() { Enable = true };
    private static readonly WithVectorsSelector NoVectors = new() { Enable = false };
    private static readonly WithVectorsSelector AllVectors = new() { Enable = true };
    private static readonly WithVectorsSelector DenseOnly = new() { Include = new VectorsSelector { Names = { DenseVector } } };

    private QdrantOptions Settings => options.Value.Qdrant;

    private QdrantClient Client => client;

    private ILogger Logger => logger;

    /// <summary>The gRPC channel to the configured server (one per host: it multiplexes calls over HTTP/2
    /// connections), with the API key on every call and, for a self-signed TLS certificate, its thumbprint.</summary>
    public static QdrantChannel CreateChannel(QdrantOptions settings) =>
        QdrantChannel.ForAddress(new Uri(settings.Url ?? throw new InvalidOperationException("Knowledge:Qdrant:Url is not set.")), new ClientConfiguration
        {
            ApiKey = string.IsNullOrEmpty(settings.ApiKey) ? null : settings.ApiKey,
            CertificateThumbprint = string.IsNullOrEmpty(settings.CertificateThumbprint) ? null : settings.CertificateThumbprint,
        });

    /// <summary>The alias a logical collection is searched through.</summary>
    public string AliasOf(string collection) => Settings.CollectionPrefix + KnowledgeCollections.Require(collection);

    public async Task<IReadOnlyList<IndexedDocument>> ListDocumentsAsync(string collection, CancellationToken cancellationToken)
    {
        var documents = new List<IndexedDocument>();
        var first = new Filter { Must = { Conditions.Match("ordinal", 0) } };
        var include = new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { "source", "title", "audience", "content_hash", "chunk_count" } } };
        try
        {
            await foreach (var point in ScrollAsync(AliasOf(collection), first, include, NoVectors, cancellationToken))
            {
                var payload = point.Payload;
                documents.Add(new IndexedDocument(Text(payload, "source"), Text(payload, "title"), AudienceOf(Text(payload, "audience")),
                    Text(payload, "content_hash"), (int)Integer(payload, "chunk_count")));
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            return [];
        }

        return documents.OrderBy(d => d.Source, StringComparer.Ordinal).ToList();
    }

    public async Task<IKnowledgeWriteBatch> BeginWriteAsync(string collection, int dimensions, CancellationToken cancellationToken)
    {
        var alias = AliasOf(collection);
        var live = await LiveCollectionAsync(alias, cancellationToken);
        if (live is not null)
        {
            var info = await client.GetCollectionInfoAsync(live, cancellationToken);
            var size = info.Config.Params.VectorsConfig?.ParamsMap?.Map.TryGetValue(DenseVector, out var dense) == true ? (long)dense.Size : 0;
            if (size != dimensions)
            {
                throw new InvalidOperationException($"Qdrant collection '{alias}' holds {size}-dimensional vectors; this model makes {dimensions}. Delete the collection to re-index with the new model.");
            }
        }

        // Milliseconds with a random tail: increasing from run to run, and two runs started in the same millisecond still differ.
        var generation = (time.GetUtcNow().ToUnixTimeMilliseconds() * 1000) + Random.Shared.Next(1000);
        await SweepAsync(collection, live, generation, cancellationToken);
        var staging = $"{alias}__g{generation.ToString(CultureInfo.InvariantCulture)}";
        await client.CreateCollectionAsync(new CreateCollection
        {
            CollectionName = staging,
            VectorsConfig = new VectorsConfig { ParamsMap = new VectorParamsMap { Map = { [DenseVector] = new VectorParams { Size = (ulong)dimensions, Distance = Distance.Cosine } } } },
            SparseVectorsConfig = new SparseVectorConfig { Map = { [KeywordVector] = new SparseVectorParams { Modifier = Modifier.Idf } } },
        }, cancellationToken);
        foreach (var (field, type) in KeywordFields.Select(f => (f, PayloadSchemaType.Keyword)).Concat(IntegerFields.Select(f => (f, PayloadSchemaType.Integer))))
        {
            await client.CreatePayloadIndexAsync(staging, field, type, cancellationToken: cancellationToken);
        }

        logger.LogDebug("Staging {Collection} in Qdrant collection {Staging}", alias, staging);
        return new WriteBatch(this, alias, staging);
    }

    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(string collection, HybridQuery query, CancellationToken cancellationToken)
    {
        var alias = AliasOf(collection);
        // The passages are fetched by a second call; when a commit drops the collection between the two, the search runs again on the new one.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await SearchOnceAsync(alias, query, cancellationToken);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound && attempt == 0)
            {
                logger.LogDebug("Qdrant collection {Collection} moved during a search; searching again", alias);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                return [];
            }
        }
    }

    private async Task<IReadOnlyList<KnowledgeHit>> SearchOnceAsync(string alias, HybridQuery query, CancellationToken cancellationToken)
    {
        var filter = Filter(query.Filter);
        var searches = new List<QueryPoints>
        {
            new()
            {
                CollectionName = alias,
                Query = new Query { Nearest = new VectorInput { Dense = Dense(query.Vector.Span) } },
                Using = DenseVector,
                Filter = filter,
                Limit = (ulong)query.Candidates,
                WithPayload = NoPayload,
                WithVectors = NoVectors,
            },
        };
        var (indices, values) = KeywordTerms.SparseVector(string.Join(' ', query.Keywords), query: true);
        if (indices.Length > 0)
        {
            searches.Add(new QueryPoints
            {
                CollectionName = alias,
                Query = new Query { Nearest = new VectorInput { Sparse = Sparse(indices, values) } },
                Using = KeywordVector,
                Filter = filter,
                Limit = (ulong)query.Candidates,
                WithPayload = NoPayload,
                WithVectors = NoVectors,
            });
        }

        var results = await client.QueryBatchAsync(alias, searches, cancellationToken: cancellationToken);
        var dense = results[0].Result.Select(p => Guid.Parse(p.Id.Uuid)).ToList();
        var keyword = results.Count > 1 ? results[1].Result.Select(p => Guid.Parse(p.Id.Uuid)).ToList() : [];
        var fused = ReciprocalRankFusion.Fuse(dense, keyword, query.RrfK, query.Top);
        if (fused.Count == 0)
        {
            return [];
        }

        var points = await client.RetrieveAsync(alias, fused.Select(f => new PointId { Uuid = f.Item.ToString() }).ToList(), AllPayload, DenseOnly, cancellationToken: cancellationToken);
        var chunks = points.Select(ChunkOf).ToDictionary(c => c.Id);
        return fused
            .Where(f => chunks.ContainsKey(f.Item))
            .Select(f =>
            {
                var chunk = chunks[f.Item];
                // The cosine says how relevant the passage is (vectors are unit length, so the dot product is the cosine).
                var similarity = chunk.Vector.Length == query.Vector.Length ? TensorPrimitives.Dot(chunk.Vector.Span, query.Vector.Span) : 0;
                return new KnowledgeHit(chunk, f.Score, similarity, f.DenseRank, f.KeywordRank);
            })
            .ToList();
    }

    public async Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        var prefix = Settings.CollectionPrefix;
        return (await client.ListAliasesAsync(cancellationToken))
            .Select(a => a.AliasName)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && KnowledgeCollections.IsValid(n[prefix.Length..]))
            .Select(n => n[prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public async Task DeleteCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        var live = await LiveCollectionAsync(AliasOf(collection), cancellationToken);
        foreach (var name in (await StagingCollectionsAsync(collection, cancellationToken)).Select(s => s.Name).Append(live).OfType<string>().Distinct())
        {
            await DropAsync(name, cancellationToken);
        }
    }

    /// <summary>The physical collection an alias names now, or null.</summary>
    private async Task<string?> LiveCollectionAsync(string alias, CancellationToken cancellationToken) =>
        (await client.ListAliasesAsync(cancellationToken)).FirstOrDefault(a => a.AliasName == alias)?.CollectionName;

    private async Task<List<(string Name, long Generation)>> StagingCollectionsAsync(string collection, CancellationToken cancellationToken)
    {
        var alias = AliasOf(collection);
        var found = new List<(string, long)>();
        foreach (var name in await client.ListCollectionsAsync(cancellationToken))
        {
            if (name.StartsWith(alias + "__g", StringComparison.Ordinal)
                && long.TryParse(name.AsSpan(alias.Length + 3), NumberStyles.None, CultureInfo.InvariantCulture, out var generation))
            {
                found.Add((name, generation));
            }
        }

        return found;
    }

    /// <summary>Deletes the staging collections of runs that died: not the live one, and older than the grace period
    /// (a younger one may belong to a run still writing on another replica).</summary>
    private async Task SweepAsync(string collection, string? live, long generation, CancellationToken cancellationToken)
    {
        var cutoff = generation - ((long)Settings.AbandonedStagingAfter.TotalMilliseconds * 1000);
        foreach (var (name, _) in (await StagingCollectionsAsync(collection, cancellationToken)).Where(s => s.Name != live && s.Generation < cutoff))
        {
            await DropAsync(name, cancellationToken);
            logger.LogInformation("Deleted Qdrant collection {Collection}, left by an ingestion run that never committed", name);
        }
    }

    private async Task DropAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteCollectionAsync(name, cancellationToken: cancellationToken);
        }
        catch (QdrantException)
        {
            // Already gone (another replica's sweep, or a commit dropped it): the wanted state.
        }
    }

    /// <summary>The knowledge filter as a Qdrant filter: every condition must hold.</summary>
    internal static Filter Filter(KnowledgeFilter filter)
    {
        var result = new Filter { Must = { Conditions.Match("audience", filter.Audiences.Select(a => a.Slug()).ToList()) } };
        if (filter.Tier is { } tier)
        {
            result.Must.Add(Conditions.Match("tiers", ["all", tier]));
        }

        if (filter.PartnerType is { } type)
        {
            result.Must.Add(Conditions.Match("partner_types", ["all", type]));
        }

        if (filter.Sources is { Count: > 0 } sources)
        {
            result.Must.Add(Conditions.Match("source", sources.Distinct().ToList()));
        }

        return result;
    }

    private async IAsyncEnumerable<RetrievedPoint> ScrollAsync(string collection, Filter? filter, WithPayloadSelector payload, WithVectorsSelector vectors,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        PointId? offset = null;
        do
        {
            var page = await client.ScrollAsync(collection, filter, (uint)Settings.BatchSize, offset, payload, vectors, cancellationToken: cancellationToken);
            foreach (var point in page.Result)
            {
                yield return point;
            }

            offset = page.NextPageOffset;
        }
        while (offset is not null);
    }

    private static DenseVector Dense(ReadOnlySpan<float> values)
    {
        var vector = new DenseVector();
        vector.Data.Add(values.ToArray());
        return vector;
    }

    private static SparseVector Sparse(uint[] indices, float[] values)
    {
        var vector = new SparseVector();
        vector.Indices.Add(indices);
        vector.Values.Add(values);
        return vector;
    }

    private static PointStruct ToPoint(KnowledgeChunk chunk, IndexedDocument document)
    {
        var point = new PointStruct
        {
            Id = new PointId { Uuid = chunk.Id.ToString() },
            Vectors = new Vectors { Vectors_ = new NamedVectors { Vectors = { [DenseVector] = new Vector { Dense = Dense(chunk.Vector.Span) } } } },
            Payload =
            {
                ["source"] = Value(chunk.Source),
                ["title"] = Value(chunk.Title),
                ["section"] = Value(chunk.Section),
                ["anchor"] = Value(chunk.Anchor),
                ["source_url"] = Value(chunk.SourceUrl),
                ["text"] = Value(chunk.Text),
                ["audience"] = Value(chunk.Audience.Slug()),
                ["tiers"] = List(chunk.Tiers),
                ["partner_types"] = List(chunk.PartnerTypes),
                ["ordinal"] = new Value { IntegerValue = chunk.Ordinal },
                ["content_hash"] = Value(chunk.ContentHash),
                ["chunk_count"] = new Value { IntegerValue = document.Chunks },
            },
        };
        var (indices, values) = KeywordTerms.SparseVector($"{chunk.Title} {chunk.Section} {chunk.Text}");
        if (indices.Length > 0)
        {
            point.Vectors.Vectors_.Vectors[KeywordVector] = new Vector { Sparse = Sparse(indices, values) };
        }

        return point;
    }

    /// <summary>A point read back with all its vectors, written again as it was (the commit's copy).</summary>
    private static PointStruct Copy(RetrievedPoint point)
    {
        var copy = new PointStruct { Id = point.Id, Vectors = new Vectors { Vectors_ = new NamedVectors() } };
        copy.Payload.Add(point.Payload);
        foreach (var (name, vector) in point.Vectors?.Vectors?.Vectors ?? [])
        {
            copy.Vectors.Vectors_.Vectors[name] = vector.VectorCase == VectorOutput.VectorOneofCase.Sparse
                ? new Vector { Sparse = vector.Sparse }
                : new Vector { Dense = new DenseVector { Data = { DenseData(vector) } } };
        }

        return copy;
    }

    private static Value Value(string text) => new() { StringValue = text };

    private static Value List(IEnumerable<string> items)
    {
        var list = new ListValue();
        list.Values.AddRange(items.Select(Value));
        return new Value { ListValue = list };
    }

    private static string Text(IDictionary<string, Value> payload, string key) =>
        payload.TryGetValue(key, out var value) && value.KindCase == Qdrant.Client.Grpc.Value.KindOneofCase.StringValue ? value.StringValue : "";

    private static long Integer(IDictionary<string, Value> payload, string key) =>
        payload.TryGetValue(key, out var value) && value.KindCase == Qdrant.Client.Grpc.Value.KindOneofCase.IntegerValue ? value.IntegerValue : 0;

    private static string[] Texts(IDictionary<string, Value> payload, string key) =>
        payload.TryGetValue(key, out var value) && value.KindCase == Qdrant.Client.Grpc.Value.KindOneofCase.ListValue
            ? value.ListValue.Values.Select(v => v.StringValue).ToArray()
            : ["all"];

    /// <summary>A dense vector's values: the <c>dense</c> field, or the older <c>data</c> field that servers before
    /// the typed vector outputs fill.</summary>
#pragma warning disable CS0612 // VectorOutput.Data is deprecated, and still what older servers send.
    private static float[] DenseData(VectorOutput vector) =>
        vector.VectorCase == VectorOutput.VectorOneofCase.Dense ? vector.Dense.Data.ToArray() : vector.Data.ToArray();
#pragma warning restore CS0612

    private static KnowledgeAudience AudienceOf(string slug) => KnowledgeAudiences.Parse(slug) ?? KnowledgeAudience.Internal;

    private static KnowledgeChunk ChunkOf(RetrievedPoint point)
    {
        var payload = point.Payload;
        return new KnowledgeChunk
        {
            Id = Guid.Parse(point.Id.Uuid),
            Source = Text(payload, "source"),
            Title = Text(payload, "title"),
            Section = Text(payload, "section"),
            Anchor = Text(payload, "anchor"),
            SourceUrl = Text(payload, "source_url"),
            Text = Text(payload, "text"),
            Audience = AudienceOf(Text(payload, "audience")),
            Tiers = Texts(payload, "tiers"),
            PartnerTypes = Texts(payload, "partner_types"),
            Ordinal = (int)Integer(payload, "ordinal"),
            ContentHash = Text(payload, "content_hash"),
            Vector = point.Vectors?.Vectors?.Vectors.TryGetValue(DenseVector, out var dense) == true ? DenseData(dense) : [],
        };
    }

    private sealed class WriteBatch(QdrantKnowledgeStore store, string alias, string staging) : IKnowledgeWriteBatch
    {
        private const int MaxCopies = 5;
        private readonly HashSet<string> _staged = new(StringComparer.Ordinal);
        private bool _committed;

        private QdrantClient Client => store.Client;

        public async Task StageAsync(IndexedDocument document, IReadOnlyList<KnowledgeChunk> chunks, CancellationToken cancellationToken)
        {
            if (_staged.Contains(document.Source))
            {
                // Staged twice in one run: the second version replaces the first.
                await Client.DeleteAsync(staging, new Filter { Must = { Conditions.MatchKeyword("source", document.Source) } }, cancellationToken: cancellationToken);
            }

            foreach (var batch in chunks.Chunk(store.Settings.BatchSize))
            {
                await Client.UpsertAsync(staging, batch.Select(c => ToPoint(c, document)).ToList(), cancellationToken: cancellationToken);
            }

            _staged.Add(document.Source);
        }

        public async Task CommitAsync(IReadOnlyCollection<string> removedSources, CancellationToken cancellationToken)
        {
            var replaced = _staged.Concat(removedSources).Distinct(StringComparer.Ordinal).ToList();
            string? copiedFrom = null;
            // Another replica may switch the alias while this run copies; then copy again from what it switched to.
            for (var attempt = 1; ; attempt++)
            {
                var live = await store.LiveCollectionAsync(alias, cancellationToken);
                if (live != copiedFrom)
                {
                    if (attempt > MaxCopies)
                    {
                        throw new InvalidOperationException($"Qdrant collection '{alias}' kept changing while this ingestion copied it ({MaxCopies} times); nothing was switched. Run the ingestion again.");
                    }

                    await CopyUnchangedAsync(live, copiedFrom is not null, replaced, cancellationToken);
                    copiedFrom = live;
                    continue;
                }

                var switchAlias = new List<AliasOperations>();
                if (live is not null)
                {
                    switchAlias.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = alias } });
                }

                switchAlias.Add(new AliasOperations { CreateAlias = new CreateAlias { CollectionName = staging, AliasName = alias } });
                await Client.UpdateAliasesAsync(switchAlias, cancellationToken: cancellationToken);
                _committed = true;
                if (live is not null)
                {
                    await store.DropAsync(live, cancellationToken);
                }

                store.Logger.LogInformation("Qdrant collection {Collection} now answers from {Staging} ({Staged} documents staged, {Removed} removed)",
                    alias, staging, _staged.Count, removedSources.Count);
                return;
            }
        }

        /// <summary>Copies the passages of every document this run leaves alone from the live collection.</summary>
        private async Task CopyUnchangedAsync(string? live, bool again, IReadOnlyList<string> replaced, CancellationToken cancellationToken)
        {
            if (again)
            {
                // What an earlier copy brought in may be stale now: keep only this run's own passages.
                var copied = new Filter();
                if (_staged.Count > 0)
                {
                    copied.MustNot.Add(Conditions.Match("source", _staged.ToList()));
                }

                await Client.DeleteAsync(staging, copied, cancellationToken: cancellationToken);
            }

            if (live is null)
            {
                return;
            }

            var unchanged = new Filter();
            if (replaced.Count > 0)
            {
                unchanged.MustNot.Add(Conditions.Match("source", replaced.ToList()));
            }

            var batch = new List<PointStruct>(store.Settings.BatchSize);
            await foreach (var point in store.ScrollAsync(live, unchanged, AllPayload, AllVectors, cancellationToken))
            {
                batch.Add(Copy(point));
                if (batch.Count == store.Settings.BatchSize)
                {
                    await Client.UpsertAsync(staging, batch, cancellationToken: cancellationToken);
                    batch = new List<PointStruct>(store.Settings.BatchSize);
                }
            }

            if (batch.Count > 0)
            {
                await Client.UpsertAsync(staging, batch, cancellationToken: cancellationToken);
            }
        }

        /// <summary>A batch disposed without a commit drops its staging collection (a run that is killed cannot; the sweep does).</summary>
        public async ValueTask DisposeAsync()
        {
            if (!_committed)
            {
                try
                {
                    await store.DropAsync(staging, CancellationToken.None);
                }
                catch (RpcException ex)
                {
                    store.Logger.LogWarning(ex, "Could not drop the uncommitted Qdrant collection {Staging}; a later run will", staging);
                }
            }
        }
    }
}

/// <summary>Logical collection names, the same for every store: 1–63 lower-case letters, digits, '-' and '_'.</summary>
public static partial class KnowledgeCollections
{
    public static bool IsValid(string collection) => Name().IsMatch(collection);

    public static string Require(string collection) => IsValid(collection)
        ? collection
        : throw new ArgumentException($"'{collection}' is not a valid collection name (lower-case letters, digits, '-' and '_').", nameof(collection));

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$")]
    private static partial Regex Name();
}
