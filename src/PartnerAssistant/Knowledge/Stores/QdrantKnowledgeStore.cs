using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Numerics.Tensors;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Knowledge.Stores;

/// <summary>An error answered by the Qdrant server, with its status and message.</summary>
public sealed class QdrantException(string message, HttpStatusCode status) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// The scale-out store: a Qdrant server (v1.19+) over its REST API. Each collection has a dense
/// vector (<c>dense</c>, cosine) and a sparse keyword vector (<c>keywords</c>, IDF modifier, so
/// Qdrant scores it BM25-like); a search is one <c>POST /points/query</c> with both as filtered
/// prefetches fused by RRF. Every filter field has a payload index.
/// </summary>
/// <remarks>
/// Staged points carry <c>live = false</c> and the run's generation; the commit is one
/// <c>points/batch</c> request that sets <c>live = true</c> on them, then deletes what they replace.
/// Qdrant applies the two in order, so a search never finds a document missing (at worst, for
/// the moment between the two, both versions).
/// </remarks>
public sealed class QdrantKnowledgeStore(HttpClient http, IOptions<KnowledgeOptions> options, TimeProvider time, ILogger<QdrantKnowledgeStore> logger) : IKnowledgeStore
{
    public const string DenseVector = "dense";
    public const string KeywordVector = "keywords";
    private static readonly string[] KeywordFields = ["source", "audience", "tiers", "partner_types", "content_hash"];
    private static readonly string[] IntegerFields = ["generation", "ordinal"];

    private string Name(string collection) => options.Value.Qdrant.CollectionPrefix + collection;

    public async Task<IReadOnlyList<IndexedDocument>> ListDocumentsAsync(string collection, CancellationToken cancellationToken)
    {
        if (await GetCollectionAsync(collection, cancellationToken) is null)
        {
            return [];
        }

        var documents = new List<IndexedDocument>();
        JsonNode? offset = null;
        do
        {
            var request = new JsonObject
            {
                ["filter"] = new JsonObject { ["must"] = new JsonArray(Match("live", true), Match("ordinal", 0)) },
                ["limit"] = 256,
                ["with_payload"] = new JsonArray("source", "title", "audience", "content_hash", "chunk_count"),
                ["with_vector"] = false,
            };
            if (offset is not null)
            {
                request["offset"] = offset.DeepClone();
            }

            var result = await SendAsync(HttpMethod.Post, $"collections/{Name(collection)}/points/scroll", request, cancellationToken);
            foreach (var point in result?["points"]?.AsArray() ?? [])
            {
                var payload = point!["payload"]!;
                documents.Add(new IndexedDocument(
                    payload["source"]!.GetValue<string>(),
                    payload["title"]?.GetValue<string>() ?? "",
                    AudienceOf(payload["audience"]?.GetValue<string>()),
                    payload["content_hash"]?.GetValue<string>() ?? "",
                    payload["chunk_count"]?.GetValue<int>() ?? 0));
            }

            offset = result?["next_page_offset"];
        }
        while (offset is not null && offset.GetValueKind() != JsonValueKind.Null);

        return documents.OrderBy(d => d.Source, StringComparer.Ordinal).ToList();
    }

    public async Task<IKnowledgeWriteBatch> BeginWriteAsync(string collection, int dimensions, CancellationToken cancellationToken)
    {
        var info = await GetCollectionAsync(collection, cancellationToken);
        if (info is null)
        {
            await CreateCollectionAsync(collection, dimensions, cancellationToken);
        }
        else if (info["config"]?["params"]?["vectors"]?[DenseVector]?["size"]?.GetValue<int>() is { } size && size != dimensions)
        {
            throw new InvalidOperationException($"Qdrant collection '{Name(collection)}' holds {size}-dimensional vectors; this model makes {dimensions}. Delete the collection to re-index with the new model.");
        }

        // Milliseconds with a random tail: increasing from run to run, and two runs started in the same millisecond still differ.
        var generation = (time.GetUtcNow().ToUnixTimeMilliseconds() * 1000) + Random.Shared.Next(1000);
        // Points staged by an earlier run that never committed are garbage now.
        await SendAsync(HttpMethod.Post, $"collections/{Name(collection)}/points/delete?wait=true", new JsonObject
        {
            ["filter"] = new JsonObject
            {
                ["must"] = new JsonArray(Match("live", false), new JsonObject { ["key"] = "generation", ["range"] = new JsonObject { ["lt"] = generation } }),
            },
        }, cancellationToken);
        return new WriteBatch(this, collection, generation);
    }

    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(string collection, HybridQuery query, CancellationToken cancellationToken)
    {
        var filter = Filter(query.Filter);
        var prefetch = new JsonArray(new JsonObject
        {
            ["query"] = Floats(query.Vector.Span),
            ["using"] = DenseVector,
            ["filter"] = filter.DeepClone(),
            ["limit"] = query.Candidates,
        });
        var (indices, values) = KeywordTerms.SparseVector(string.Join(' ', query.Keywords), query: true);
        if (indices.Length > 0)
        {
            prefetch.Add(new JsonObject
            {
                ["query"] = new JsonObject { ["indices"] = Uints(indices), ["values"] = Floats(values) },
                ["using"] = KeywordVector,
                ["filter"] = filter.DeepClone(),
                ["limit"] = query.Candidates,
            });
        }

        var request = new JsonObject
        {
            ["prefetch"] = prefetch,
            ["query"] = new JsonObject { ["rrf"] = new JsonObject { ["k"] = query.RrfK } },
            ["filter"] = filter,
            ["limit"] = query.Top,
            ["with_payload"] = true,
            ["with_vector"] = new JsonArray(DenseVector),
        };
        JsonNode? result;
        try
        {
            result = await SendAsync(HttpMethod.Post, $"collections/{Name(collection)}/points/query", request, cancellationToken);
        }
        catch (QdrantException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return [];
        }

        var hits = new List<KnowledgeHit>();
        foreach (var point in result?["points"]?.AsArray() ?? [])
        {
            var chunk = ChunkOf(point!);
            // The fused score ranks; the cosine (computed here from the returned vector) says how relevant.
            var similarity = chunk.Vector.Length == query.Vector.Length ? TensorPrimitives.Dot(chunk.Vector.Span, query.Vector.Span) : 0;
            hits.Add(new KnowledgeHit(chunk, point!["score"]!.GetValue<double>(), similarity, null, null));
        }

        return hits;
    }

    public async Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken)
    {
        var result = await SendAsync(HttpMethod.Get, "collections", null, cancellationToken);
        var prefix = options.Value.Qdrant.CollectionPrefix;
        return (result?["collections"]?.AsArray() ?? [])
            .Select(c => c!["name"]!.GetValue<string>())
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Select(n => n[prefix.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public async Task DeleteCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, $"collections/{Name(collection)}", null, cancellationToken);
        }
        catch (QdrantException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
        }
    }

    private async Task<JsonNode?> GetCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, $"collections/{Name(collection)}", null, cancellationToken);
        }
        catch (QdrantException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task CreateCollectionAsync(string collection, int dimensions, CancellationToken cancellationToken)
    {
        await SendAsync(HttpMethod.Put, $"collections/{Name(collection)}", new JsonObject
        {
            ["vectors"] = new JsonObject { [DenseVector] = new JsonObject { ["size"] = dimensions, ["distance"] = "Cosine" } },
            ["sparse_vectors"] = new JsonObject { [KeywordVector] = new JsonObject { ["modifier"] = "idf" } },
        }, cancellationToken);
        foreach (var (field, schema) in KeywordFields.Select(f => (f, "keyword")).Concat(IntegerFields.Select(f => (f, "integer"))).Append(("live", "bool")))
        {
            await SendAsync(HttpMethod.Put, $"collections/{Name(collection)}/index?wait=true",
                new JsonObject { ["field_name"] = field, ["field_schema"] = schema }, cancellationToken);
        }

        logger.LogInformation("Created Qdrant collection {Collection} ({Dimensions} dimensions)", Name(collection), dimensions);
    }

    /// <summary>The knowledge filter as a Qdrant filter: every condition must hold, only live points.</summary>
    internal static JsonObject Filter(KnowledgeFilter filter)
    {
        var must = new JsonArray(
            Match("live", true),
            new JsonObject { ["key"] = "audience", ["match"] = new JsonObject { ["any"] = new JsonArray(filter.Audiences.Select(a => (JsonNode)a.Slug()).ToArray()) } });
        if (filter.Tier is { } tier)
        {
            must.Add(new JsonObject { ["key"] = "tiers", ["match"] = new JsonObject { ["any"] = new JsonArray("all", tier) } });
        }

        if (filter.PartnerType is { } type)
        {
            must.Add(new JsonObject { ["key"] = "partner_types", ["match"] = new JsonObject { ["any"] = new JsonArray("all", type) } });
        }

        if (filter.Sources is { Count: > 0 } sources)
        {
            must.Add(new JsonObject { ["key"] = "source", ["match"] = new JsonObject { ["any"] = new JsonArray(sources.Distinct().Select(s => (JsonNode)s).ToArray()) } });
        }

        return new JsonObject { ["must"] = must };
    }

    private static JsonObject Match(string key, JsonNode value) =>
        new() { ["key"] = key, ["match"] = new JsonObject { ["value"] = value } };

    private static JsonArray Floats(ReadOnlySpan<float> values)
    {
        var array = new JsonArray();
        foreach (var value in values)
        {
            array.Add(value);
        }

        return array;
    }

    private static JsonArray Uints(uint[] values) => new(values.Select(v => (JsonNode)v).ToArray());

    private static KnowledgeAudience AudienceOf(string? slug) => KnowledgeAudiences.Parse(slug) ?? KnowledgeAudience.Internal;

    private static KnowledgeChunk ChunkOf(JsonNode point)
    {
        var payload = point["payload"]!;
        var vector = point["vector"]?[DenseVector]?.AsArray().Select(v => v!.GetValue<float>()).ToArray() ?? [];
        return new KnowledgeChunk
        {
            Id = Guid.Parse(point["id"]!.GetValue<string>()),
            Source = payload["source"]!.GetValue<string>(),
            Title = payload["title"]?.GetValue<string>() ?? "",
            Section = payload["section"]?.GetValue<string>() ?? "",
            Anchor = payload["anchor"]?.GetValue<string>() ?? "",
            SourceUrl = payload["source_url"]?.GetValue<string>() ?? "",
            Text = payload["text"]?.GetValue<string>() ?? "",
            Audience = AudienceOf(payload["audience"]?.GetValue<string>()),
            Tiers = payload["tiers"]?.AsArray().Select(t => t!.GetValue<string>()).ToArray() ?? ["all"],
            PartnerTypes = payload["partner_types"]?.AsArray().Select(t => t!.GetValue<string>()).ToArray() ?? ["all"],
            Ordinal = payload["ordinal"]?.GetValue<int>() ?? 0,
            ContentHash = payload["content_hash"]?.GetValue<string>() ?? "",
            Vector = vector,
        };
    }

    private async Task<JsonNode?> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? json = null;
        try
        {
            json = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            // An error page from a proxy rather than Qdrant; reported below with its status.
        }

        if (!response.IsSuccessStatusCode)
        {
            var message = json?["status"]?["error"]?.GetValue<string>() ?? (text.Length > 300 ? text[..300] : text);
            throw new QdrantException($"Qdrant {method} {path} failed ({(int)response.StatusCode}): {message}", response.StatusCode);
        }

        return json?["result"];
    }

    private ILogger Logger => logger;

    private sealed class WriteBatch(QdrantKnowledgeStore store, string collection, long generation) : IKnowledgeWriteBatch
    {
        private const int PointsPerRequest = 128;
        private readonly List<string> _staged = [];

        public async Task StageAsync(IndexedDocument document, IReadOnlyList<KnowledgeChunk> chunks, CancellationToken cancellationToken)
        {
            foreach (var batch in chunks.Chunk(PointsPerRequest))
            {
                var points = new JsonArray();
                foreach (var chunk in batch)
                {
                    var (indices, values) = KeywordTerms.SparseVector($"{chunk.Title} {chunk.Section} {chunk.Text}");
                    points.Add(new JsonObject
                    {
                        ["id"] = chunk.Id.ToString(),
                        ["vector"] = new JsonObject
                        {
                            [DenseVector] = Floats(chunk.Vector.Span),
                            [KeywordVector] = new JsonObject { ["indices"] = Uints(indices), ["values"] = Floats(values) },
                        },
                        ["payload"] = new JsonObject
                        {
                            ["source"] = chunk.Source,
                            ["title"] = chunk.Title,
                            ["section"] = chunk.Section,
                            ["anchor"] = chunk.Anchor,
                            ["source_url"] = chunk.SourceUrl,
                            ["text"] = chunk.Text,
                            ["audience"] = chunk.Audience.Slug(),
                            ["tiers"] = new JsonArray(chunk.Tiers.Select(t => (JsonNode)t).ToArray()),
                            ["partner_types"] = new JsonArray(chunk.PartnerTypes.Select(t => (JsonNode)t).ToArray()),
                            ["ordinal"] = chunk.Ordinal,
                            ["content_hash"] = chunk.ContentHash,
                            ["chunk_count"] = document.Chunks,
                            ["generation"] = generation,
                            ["live"] = false,
                        },
                    });
                }

                await store.SendAsync(HttpMethod.Put, $"collections/{store.Name(collection)}/points?wait=true", new JsonObject { ["points"] = points }, cancellationToken);
            }

            _staged.Add(document.Source);
        }

        public async Task CommitAsync(IReadOnlyCollection<string> removedSources, CancellationToken cancellationToken)
        {
            var operations = new JsonArray(new JsonObject
            {
                ["set_payload"] = new JsonObject
                {
                    ["payload"] = new JsonObject { ["live"] = true },
                    ["filter"] = new JsonObject { ["must"] = new JsonArray(Match("generation", generation), Match("live", false)) },
                },
            });
            if (_staged.Count > 0)
            {
                operations.Add(new JsonObject
                {
                    ["delete"] = new JsonObject
                    {
                        ["filter"] = new JsonObject
                        {
                            ["must"] = new JsonArray(new JsonObject { ["key"] = "source", ["match"] = new JsonObject { ["any"] = new JsonArray(_staged.Distinct().Select(s => (JsonNode)s).ToArray()) } }),
                            ["must_not"] = new JsonArray(Match("generation", generation)),
                        },
                    },
                });
            }

            if (removedSources.Count > 0)
            {
                operations.Add(new JsonObject
                {
                    ["delete"] = new JsonObject
                    {
                        ["filter"] = new JsonObject
                        {
                            ["must"] = new JsonArray(new JsonObject { ["key"] = "source", ["match"] = new JsonObject { ["any"] = new JsonArray(removedSources.Distinct().Select(s => (JsonNode)s).ToArray()) } }),
                        },
                    },
                });
            }

            await store.SendAsync(HttpMethod.Post, $"collections/{store.Name(collection)}/points/batch?wait=true", new JsonObject { ["operations"] = operations }, cancellationToken);
            _staged.Clear();
            store.Logger.LogDebug("Committed generation {Generation} of Qdrant collection {Collection}", generation.ToString(CultureInfo.InvariantCulture), store.Name(collection));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
