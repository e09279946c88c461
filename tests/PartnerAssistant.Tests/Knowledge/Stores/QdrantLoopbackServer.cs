using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PartnerAssistant.Tests.Knowledge.Stores;

/// <summary>
/// A stand-in for a Qdrant server (no Qdrant can run here): real HTTP on loopback, speaking
/// Qdrant 1.19's REST wire format for the calls the store makes: collections (list, get, create,
/// delete), payload indexes, point upsert, delete and payload update (also as a batch), scroll,
/// and <c>points/query</c> with dense and sparse (IDF-weighted) vectors, filtered prefetches and
/// RRF fusion, all in memory. Routes Qdrant removed in 1.19 (<c>points/search</c>) answer 404 as
/// the real server does. Every request is recorded for the contract tests.
/// </summary>
public sealed class QdrantLoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Collection> _collections = new();

    public sealed record RecordedRequest(string Method, string Path, string Route, JsonNode? Body);

    private QdrantLoopbackServer(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    public string? ApiKey { get; private init; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<QdrantLoopbackServer> StartAsync(string? apiKey = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new QdrantLoopbackServer(app) { ApiKey = apiKey };
        server.Map(app);
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Collection
    {
        public required int Size { get; init; }
        public required JsonObject Config { get; init; }
        public Dictionary<string, string> SparseModifiers { get; } = [];
        public Dictionary<string, string> Indexes { get; } = [];
        public Dictionary<string, Point> Points { get; } = [];
        public Lock Sync { get; } = new();
    }

    private sealed class Point
    {
        public required string Id { get; init; }
        public Dictionary<string, float[]> Dense { get; } = [];
        public Dictionary<string, (uint[] Indices, float[] Values)> Sparse { get; } = [];
        public JsonObject Payload { get; set; } = [];
    }

    private void Map(WebApplication app)
    {
        app.Use(async (http, next) =>
        {
            if (ApiKey is not null && http.Request.Headers["api-key"] != ApiKey)
            {
                await Write(http, 401, Error("Must provide an API key or an Authorization bearer token"));
                return;
            }

            await next(http);
        });

        app.MapGet("/collections", (HttpContext http) => Record(http, "GET /collections", null, () =>
            Ok(new JsonObject { ["collections"] = new JsonArray(_collections.Keys.Order().Select(n => (JsonNode)new JsonObject { ["name"] = n }).ToArray()) })));
        app.MapGet("/collections/{name}", (HttpContext http, string name) => Record(http, "GET /collections/{collection_name}", null, () =>
            _collections.TryGetValue(name, out var c) ? Ok(Info(c)) : Missing(name)));
        app.MapPut("/collections/{name}", async (HttpContext http, string name) => await RecordAsync(http, "PUT /collections/{collection_name}", body => Create(name, body)));
        app.MapDelete("/collections/{name}", (HttpContext http, string name) => Record(http, "DELETE /collections/{collection_name}", null, () =>
            Ok(JsonValue.Create(_collections.TryRemove(name, out _)))));
        app.MapPut("/collections/{name}/index", async (HttpContext http, string name) => await RecordAsync(http, "PUT /collections/{collection_name}/index", body => WithCollection(name, c =>
        {
            lock (c.Sync)
            {
                c.Indexes[body!["field_name"]!.GetValue<string>()] = body["field_schema"]?.ToJsonString() ?? "";
            }

            return Ok(Completed());
        })));
        app.MapPut("/collections/{name}/points", async (HttpContext http, string name) => await RecordAsync(http, "PUT /collections/{collection_name}/points", body => WithCollection(name, c => Upsert(c, body!))));
        app.MapPost("/collections/{name}/points/delete", async (HttpContext http, string name) => await RecordAsync(http, "POST /collections/{collection_name}/points/delete", body => WithCollection(name, c => Delete(c, body!))));
        app.MapPost("/collections/{name}/points/payload", async (HttpContext http, string name) => await RecordAsync(http, "POST /collections/{collection_name}/points/payload", body => WithCollection(name, c => SetPayload(c, body!))));
        app.MapPost("/collections/{name}/points/batch", async (HttpContext http, string name) => await RecordAsync(http, "POST /collections/{collection_name}/points/batch", body => WithCollection(name, c =>
        {
            foreach (var operation in body!["operations"]!.AsArray())
            {
                var result = operation!["upsert"] is { } upsert ? Upsert(c, upsert)
                    : operation["delete"] is { } delete ? Delete(c, delete)
                    : operation["set_payload"] is { } set ? SetPayload(c, set)
                    : Fail(400, "Unsupported operation in this test server: " + operation.ToJsonString());
                if (result.Status != 200)
                {
                    return result;
                }
            }

            return Ok(new JsonArray(Completed()));
        })));
        app.MapPost("/collections/{name}/points/scroll", async (HttpContext http, string name) => await RecordAsync(http, "POST /collections/{collection_name}/points/scroll", body => WithCollection(name, c => Scroll(c, body ?? new JsonObject()))));
        app.MapPost("/collections/{name}/points/query", async (HttpContext http, string name) => await RecordAsync(http, "POST /collections/{collection_name}/points/query", body => WithCollection(name, c => Query(c, body ?? new JsonObject()))));
        app.MapFallback(async http =>
        {
            Requests.Enqueue(new RecordedRequest(http.Request.Method, http.Request.Path, "unknown", null));
            await Write(http, 404, Error($"Not found: {http.Request.Method} {http.Request.Path}"));
        });
    }

    private sealed record Reply(int Status, JsonObject Body);

    private static Reply Ok(JsonNode? result) => new(200, new JsonObject { ["result"] = result, ["status"] = "ok", ["time"] = 0.0001 });

    private static Reply Fail(int status, string message) => new(status, Error(message));

    private static JsonObject Error(string message) => new() { ["status"] = new JsonObject { ["error"] = message }, ["time"] = 0.0 };

    private static Reply Missing(string name) => Fail(404, $"Not found: Collection `{name}` doesn't exist!");

    private static JsonObject Completed() => new() { ["operation_id"] = 1, ["status"] = "completed" };

    private IResult Record(HttpContext http, string route, JsonNode? body, Func<Reply> handle)
    {
        Requests.Enqueue(new RecordedRequest(http.Request.Method, http.Request.Path + http.Request.QueryString, route, body));
        var reply = handle();
        return Results.Json(reply.Body, statusCode: reply.Status);
    }

    private async Task<IResult> RecordAsync(HttpContext http, string route, Func<JsonNode?, Reply> handle)
    {
        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body);
        }
        catch (JsonException ex)
        {
            return Results.Json(Error("Format error in JSON body: " + ex.Message), statusCode: 400);
        }

        return Record(http, route, body, () => handle(body));
    }

    private static async Task Write(HttpContext http, int status, JsonObject body)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(body.ToJsonString());
    }

    private Reply WithCollection(string name, Func<Collection, Reply> handle) =>
        _collections.TryGetValue(name, out var collection) ? handle(collection) : Missing(name);

    private Reply Create(string name, JsonNode? body)
    {
        var dense = body?["vectors"]?.AsObject();
        var named = dense?.FirstOrDefault(kv => kv.Value is JsonObject v && v["size"] is not null);
        if (named is null || named.Value.Value!["distance"]?.GetValue<string>() != "Cosine")
        {
            return Fail(400, "This test server supports named dense vectors with Cosine distance.");
        }

        var collection = new Collection
        {
            Size = named.Value.Value!["size"]!.GetValue<int>(),
            Config = new JsonObject { ["vectors"] = dense!.DeepClone(), ["sparse_vectors"] = body?["sparse_vectors"]?.DeepClone() },
        };
        foreach (var (sparseName, sparse) in body?["sparse_vectors"]?.AsObject() ?? [])
        {
            collection.SparseModifiers[sparseName] = sparse?["modifier"]?.GetValue<string>() ?? "none";
        }

        return _collections.TryAdd(name, collection) ? Ok(true) : Fail(409, $"Wrong input: Collection `{name}` already exists!");
    }

    private static JsonObject Info(Collection c) => new()
    {
        ["status"] = "green",
        ["optimizer_status"] = "ok",
        ["segments_count"] = 1,
        ["points_count"] = c.Points.Count,
        ["config"] = new JsonObject
        {
            ["params"] = c.Config.DeepClone(),
            ["hnsw_config"] = new JsonObject { ["m"] = 16, ["ef_construct"] = 100, ["full_scan_threshold"] = 10000 },
            ["optimizer_config"] = new JsonObject { ["deleted_threshold"] = 0.2, ["vacuum_min_vector_number"] = 1000, ["default_segment_number"] = 0, ["flush_interval_sec"] = 5 },
        },
        ["payload_schema"] = new JsonObject(),
    };

    private static Reply Upsert(Collection c, JsonNode body)
    {
        lock (c.Sync)
        {
            foreach (var item in body["points"]!.AsArray())
            {
                var point = new Point { Id = item!["id"]!.ToString(), Payload = item["payload"]?.DeepClone().AsObject() ?? [] };
                foreach (var (vectorName, vector) in item["vector"]!.AsObject())
                {
                    if (vector is JsonArray array)
                    {
                        var values = array.Select(v => v!.GetValue<float>()).ToArray();
                        if (values.Length != c.Size)
                        {
                            return Fail(400, $"Wrong input: Vector dimension error: expected dim: {c.Size}, got {values.Length}");
                        }

                        // Qdrant normalises vectors of a Cosine collection on insert.
                        var norm = MathF.Sqrt(values.Sum(v => v * v));
                        point.Dense[vectorName] = norm == 0 ? values : values.Select(v => v / norm).ToArray();
                    }
                    else
                    {
                        point.Sparse[vectorName] = (vector!["indices"]!.AsArray().Select(i => i!.GetValue<uint>()).ToArray(), vector["values"]!.AsArray().Select(v => v!.GetValue<float>()).ToArray());
                    }
                }

                c.Points[point.Id] = point;
            }
        }

        return Ok(Completed());
    }

    private static Reply Delete(Collection c, JsonNode body)
    {
        lock (c.Sync)
        {
            var doomed = body["points"] is JsonArray ids
                ? ids.Select(i => i!.ToString()).ToList()
                : c.Points.Values.Where(p => Matches(body["filter"], p)).Select(p => p.Id).ToList();
            foreach (var id in doomed)
            {
                c.Points.Remove(id);
            }
        }

        return Ok(Completed());
    }

    private static Reply SetPayload(Collection c, JsonNode body)
    {
        lock (c.Sync)
        {
            var targets = body["points"] is JsonArray ids
                ? ids.Select(i => c.Points.GetValueOrDefault(i!.ToString())).OfType<Point>().ToList()
                : c.Points.Values.Where(p => Matches(body["filter"], p)).ToList();
            foreach (var point in targets)
            {
                foreach (var (key, value) in body["payload"]!.AsObject())
                {
                    point.Payload[key] = value?.DeepClone();
                }
            }
        }

        return Ok(Completed());
    }

    private static Reply Scroll(Collection c, JsonNode body)
    {
        lock (c.Sync)
        {
            var limit = body["limit"]?.GetValue<int>() ?? 10;
            var offset = body["offset"]?.ToString();
            var matching = c.Points.Values.Where(p => Matches(body["filter"], p)).OrderBy(p => p.Id, StringComparer.Ordinal)
                .SkipWhile(p => offset is not null && string.CompareOrdinal(p.Id, offset) < 0).Take(limit + 1).ToList();
            var page = matching.Take(limit).Select(p => Output(p, null, body["with_payload"] ?? true, body["with_vector"])).ToArray();
            return Ok(new JsonObject
            {
                ["points"] = new JsonArray(page),
                ["next_page_offset"] = matching.Count > limit ? matching[limit].Id : null,
            });
        }
    }

    private static Reply Query(Collection c, JsonNode body)
    {
        lock (c.Sync)
        {
            if (body["limit"]?.GetValue<int>() is < 1)
            {
                return Fail(400, "Validation error in JSON body: [limit: value 0 invalid, must be 1 or larger]");
            }

            var results = Run(c, body, parentFilter: null);
            if (results is null)
            {
                return Fail(400, "Unsupported query in this test server: " + body.ToJsonString());
            }

            return Ok(new JsonObject
            {
                ["points"] = new JsonArray(results.Select(r => Output(r.Point, r.Score, body["with_payload"] ?? false, body["with_vector"])).ToArray()),
            });
        }
    }

    /// <summary>Runs a query or prefetch: its prefetches first (if any), then its query over them (or over the collection).</summary>
    private static List<(Point Point, double Score)>? Run(Collection c, JsonNode request, JsonNode? parentFilter)
    {
        var limit = request["limit"]?.GetValue<int>() ?? 10;
        var filter = request["filter"];
        bool Allowed(Point p) => Matches(filter, p) && Matches(parentFilter, p);
        var query = request["query"];
        var prefetches = request["prefetch"] switch
        {
            JsonArray array => array.ToList(),
            JsonObject single => [single],
            _ => [],
        };

        if (prefetches.Count > 0)
        {
            var lists = prefetches.Select(p => Run(c, p!, null)).ToList();
            if (lists.Any(l => l is null))
            {
                return null;
            }

            var k = query?["rrf"]?["k"]?.GetValue<int>() ?? (query?["fusion"]?.GetValue<string>() == "rrf" ? 2 : -1);
            if (k < 0)
            {
                return null;
            }

            var fused = new Dictionary<string, (Point Point, double Score)>();
            foreach (var list in lists)
            {
                for (var rank = 0; rank < list!.Count; rank++)
                {
                    var (point, _) = list[rank];
                    fused[point.Id] = (point, fused.GetValueOrDefault(point.Id).Score + 1.0 / (k + rank + 1));
                }
            }

            return fused.Values.Where(f => Allowed(f.Point)).OrderByDescending(f => f.Score).ThenBy(f => f.Point.Id, StringComparer.Ordinal).Take(limit).ToList();
        }

        var vectorName = request["using"]?.GetValue<string>() ?? "";
        var nearest = query is JsonObject o && o["nearest"] is { } n ? n : query;
        var candidates = c.Points.Values.Where(Allowed).ToList();
        if (nearest is JsonArray dense)
        {
            var q = dense.Select(v => v!.GetValue<float>()).ToArray();
            var norm = MathF.Sqrt(q.Sum(v => v * v));
            return candidates.Where(p => p.Dense.ContainsKey(vectorName))
                .Select(p => (p, (double)p.Dense[vectorName].Zip(q, (a, b) => a * b / norm).Sum()))
                .OrderByDescending(r => r.Item2).ThenBy(r => r.p.Id, StringComparer.Ordinal).Take(limit).ToList();
        }

        if (nearest is JsonObject sparse && sparse["indices"] is JsonArray indices)
        {
            var q = indices.Select(i => i!.GetValue<uint>()).Zip(sparse["values"]!.AsArray().Select(v => v!.GetValue<float>())).ToList();
            var withVector = c.Points.Values.Where(p => p.Sparse.ContainsKey(vectorName)).ToList();
            var idf = c.SparseModifiers.GetValueOrDefault(vectorName) == "idf";
            double Weight(uint index)
            {
                if (!idf)
                {
                    return 1;
                }

                // Qdrant's IDF: ln(1 + (N - n + 0.5) / (n + 0.5)) over the points that have this sparse vector.
                var n = withVector.Count(p => p.Sparse[vectorName].Indices.Contains(index));
                return Math.Log(1 + ((withVector.Count - n + 0.5) / (n + 0.5)));
            }

            var weights = q.ToDictionary(t => t.First, t => t.Second * Weight(t.First));
            return candidates.Where(p => p.Sparse.ContainsKey(vectorName))
                .Select(p =>
                {
                    var (ids, values) = p.Sparse[vectorName];
                    var score = 0.0;
                    for (var i = 0; i < ids.Length; i++)
                    {
                        score += weights.TryGetValue(ids[i], out var w) ? w * values[i] : 0;
                    }

                    return (p, score);
                })
                .Where(r => r.score > 0)
                .OrderByDescending(r => r.score).ThenBy(r => r.p.Id, StringComparer.Ordinal).Take(limit).ToList();
        }

        return null;
    }

    private static JsonObject Output(Point p, double? score, JsonNode withPayload, JsonNode? withVector)
    {
        var output = new JsonObject { ["id"] = p.Id, ["version"] = 0 };
        if (score is not null)
        {
            output["score"] = score;
        }

        output["payload"] = withPayload switch
        {
            JsonValue flag when flag.GetValue<bool>() => p.Payload.DeepClone(),
            JsonArray keys => new JsonObject(keys.Select(k => k!.GetValue<string>()).Where(p.Payload.ContainsKey).Select(k => KeyValuePair.Create(k, p.Payload[k]?.DeepClone()))),
            _ => null,
        };
        var names = withVector switch
        {
            JsonValue flag when flag.GetValue<bool>() => p.Dense.Keys.ToList(),
            JsonArray list => list.Select(n => n!.GetValue<string>()).ToList(),
            _ => [],
        };
        if (names.Count > 0)
        {
            output["vector"] = new JsonObject(names.Where(p.Dense.ContainsKey).Select(n => KeyValuePair.Create(n, (JsonNode?)new JsonArray(p.Dense[n].Select(v => (JsonNode)v).ToArray()))));
        }

        return output;
    }

    /// <summary>Qdrant's filter semantics: every <c>must</c>, at least one <c>should</c> (when any), no <c>must_not</c>.</summary>
    private static bool Matches(JsonNode? filter, Point point)
    {
        if (filter is not JsonObject f)
        {
            return true;
        }

        static IEnumerable<JsonNode> Conditions(JsonNode? node) => node switch
        {
            JsonArray array => array.OfType<JsonNode>(),
            JsonObject single => [single],
            _ => [],
        };

        var should = Conditions(f["should"]).ToList();
        return Conditions(f["must"]).All(c => Condition(c, point))
            && (should.Count == 0 || should.Any(c => Condition(c, point)))
            && !Conditions(f["must_not"]).Any(c => Condition(c, point));
    }

    private static bool Condition(JsonNode condition, Point point)
    {
        if (condition["key"] is null)
        {
            return Matches(condition, point);
        }

        var value = point.Payload[condition["key"]!.GetValue<string>()];
        var values = value switch
        {
            null => [],
            JsonArray array => array.OfType<JsonNode>().ToList(),
            _ => [value],
        };
        if (condition["match"] is JsonObject match)
        {
            if (match["value"] is { } expected)
            {
                return values.Any(v => JsonNode.DeepEquals(v, expected));
            }

            if (match["any"] is JsonArray any)
            {
                return values.Any(v => any.Any(a => JsonNode.DeepEquals(v, a)));
            }

            if (match["except"] is JsonArray except)
            {
                return values.Count > 0 && !values.Any(v => except.Any(a => JsonNode.DeepEquals(v, a)));
            }

            throw new InvalidOperationException("Unsupported match in this test server: " + match.ToJsonString());
        }

        if (condition["range"] is JsonObject range)
        {
            return values.Any(v =>
            {
                var number = v.GetValue<double>();
                return (range["lt"] is not { } lt || number < lt.GetValue<double>())
                    && (range["lte"] is not { } lte || number <= lte.GetValue<double>())
                    && (range["gt"] is not { } gt || number > gt.GetValue<double>())
                    && (range["gte"] is not { } gte || number >= gte.GetValue<double>());
            });
        }

        throw new InvalidOperationException("Unsupported condition in this test server: " + condition.ToJsonString());
    }
}
