using System.Numerics.Tensors;
using Google.Protobuf.Collections;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace QdrantStandIn;

/// <summary>
/// <c>qdrant.Points</c>: upsert (by id: a point written again replaces the old one whole), delete by ids or
/// filter, get, scroll in id order, count, payload indexes, and nearest-neighbour queries — dense vectors by
/// cosine (stored normalised), sparse vectors by dot product, with the IDF modifier when the collection
/// asks for it (idf = ln((N − n + 0.5) / (n + 0.5) + 1) over the collection's points) — filtered inside
/// the search, best score first, ties in id order.
/// </summary>
internal sealed class PointsService(StandInStorage storage) : Points.PointsBase
{
    private const uint DefaultLimit = 10;

    public override Task<PointsOperationResponse> Upsert(UpsertPoints request, ServerCallContext context)
    {
        if (request.UpdateFilter is not null || request.HasUpdateMode)
        {
            throw Filters.Unsupported("conditional upserts (update_filter, update_mode)");
        }

        storage.With(request.CollectionName, collection =>
        {
            // Validate every point before storing any: Qdrant rejects the whole request on a bad point.
            var points = request.Points.Select(p => ToStored(collection, p)).ToList();
            foreach (var point in points)
            {
                collection.Put(point);
            }

            return points.Count;
        });
        storage.RecordUpsert(request.Points.Count);
        return Completed();
    }

    public override Task<PointsOperationResponse> Delete(DeletePoints request, ServerCallContext context)
    {
        storage.With(request.CollectionName, collection =>
        {
            foreach (var id in Select(collection, request.Points).Select(p => p.Id).ToList())
            {
                collection.Remove(id);
            }

            return true;
        });
        return Completed();
    }

    public override Task<GetResponse> Get(GetPoints request, ServerCallContext context) =>
        Task.FromResult(storage.With(request.CollectionName, collection =>
        {
            var response = new GetResponse();
            foreach (var id in request.Ids.Select(PointIds.Canonical).Distinct())
            {
                if (collection.Points.TryGetValue(id, out var point))
                {
                    response.Result.Add(Retrieved(point, request.WithPayload, request.WithVectors));
                }
            }

            return response;
        }));

    public override Task<ScrollResponse> Scroll(ScrollPoints request, ServerCallContext context)
    {
        if (request.OrderBy is not null)
        {
            throw Filters.Unsupported("scroll order_by");
        }

        return Task.FromResult(storage.With(request.CollectionName, collection =>
        {
            var limit = (int)(request.HasLimit ? request.Limit : DefaultLimit);
            var start = request.Offset is null ? null : PointIds.Canonical(request.Offset);
            var page = collection.Points.Values
                .Where(p => start is null || PointIds.Comparer.Compare(p.Id, start) >= 0)
                .Where(p => Filters.Matches(request.Filter, p))
                .Take(limit + 1)
                .ToList();
            var response = new ScrollResponse();
            response.Result.AddRange(page.Take(limit).Select(p => Retrieved(p, request.WithPayload, request.WithVectors)));
            if (page.Count > limit)
            {
                response.NextPageOffset = page[limit].Id;
            }

            return response;
        }));
    }

    public override Task<CountResponse> Count(CountPoints request, ServerCallContext context) =>
        Task.FromResult(storage.With(request.CollectionName, collection =>
            new CountResponse { Result = new CountResult { Count = (ulong)collection.Points.Values.Count(p => Filters.Matches(request.Filter, p)) } }));

    public override Task<PointsOperationResponse> CreateFieldIndex(CreateFieldIndexCollection request, ServerCallContext context)
    {
        if (!request.HasFieldType)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Wrong input: field_type is required"));
        }

        var type = request.FieldType switch
        {
            FieldType.Keyword => PayloadSchemaType.Keyword,
            FieldType.Integer => PayloadSchemaType.Integer,
            FieldType.Float => PayloadSchemaType.Float,
            FieldType.Bool => PayloadSchemaType.Bool,
            FieldType.Text => PayloadSchemaType.Text,
            FieldType.Datetime => PayloadSchemaType.Datetime,
            FieldType.Uuid => PayloadSchemaType.Uuid,
            _ => throw Filters.Unsupported($"payload index type {request.FieldType}"),
        };
        storage.With(request.CollectionName, collection => collection.Indexes[request.FieldName] = type);
        return Completed();
    }

    public override Task<QueryResponse> Query(QueryPoints request, ServerCallContext context)
    {
        var response = new QueryResponse();
        response.Result.AddRange(storage.With(request.CollectionName, collection => Run(collection, request)));
        return Task.FromResult(response);
    }

    /// <summary>Each query of the batch runs against the batch's collection, as Qdrant does.</summary>
    public override Task<QueryBatchResponse> QueryBatch(QueryBatchPoints request, ServerCallContext context) =>
        Task.FromResult(storage.With(request.CollectionName, collection =>
        {
            var response = new QueryBatchResponse();
            foreach (var query in request.QueryPoints)
            {
                var result = new BatchResult();
                result.Result.AddRange(Run(collection, query));
                response.Result.Add(result);
            }

            return response;
        }));

    private static List<ScoredPoint> Run(StoredCollection collection, QueryPoints request)
    {
        if (request.Prefetch.Count > 0 || request.LookupFrom is not null)
        {
            throw Filters.Unsupported("prefetch and lookup_from in queries");
        }

        if (request.Query is null || request.Query.VariantCase != Qdrant.Client.Grpc.Query.VariantOneofCase.Nearest)
        {
            throw Filters.Unsupported($"query {request.Query?.VariantCase.ToString() ?? "without a query"} (only nearest)");
        }

        var name = request.HasUsing ? request.Using : "";
        var nearest = request.Query.Nearest;
        var candidates = collection.Points.Values.Where(p => Filters.Matches(request.Filter, p));
        IEnumerable<(StoredPoint Point, float Score)> scored;
        if (nearest.VariantCase == VectorInput.VariantOneofCase.Dense)
        {
            if (!collection.Dense.TryGetValue(name, out var parameters))
            {
                throw NoSuchVector(name);
            }

            var query = Normalised(nearest.Dense.Data.ToArray());
            if ((ulong)query.Length != parameters.Size)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"Wrong input: Vector dimension error: expected dim: {parameters.Size}, got {query.Length}"));
            }

            scored = candidates.Where(p => p.Dense.ContainsKey(name)).Select(p => (p, TensorPrimitives.Dot(p.Dense[name], query)));
        }
        else if (nearest.VariantCase == VectorInput.VariantOneofCase.Sparse)
        {
            if (!collection.Sparse.TryGetValue(name, out var parameters))
            {
                throw NoSuchVector(name);
            }

            var weights = nearest.Sparse.Indices.Zip(nearest.Sparse.Values).ToDictionary(t => t.First, t => t.Second);
            var postings = collection.Postings.GetValueOrDefault(name) ?? [];
            var holders = collection.SparseHolders.GetValueOrDefault(name);
            var idf = parameters.HasModifier && parameters.Modifier == Modifier.Idf;
            // Only points sharing at least one index with the query are found by a sparse search.
            var scores = new Dictionary<PointId, float>(PointIds.EqualityComparer);
            foreach (var (index, weight) in weights)
            {
                if (!postings.TryGetValue(index, out var having) || having.Count == 0)
                {
                    continue;
                }

                var w = idf ? weight * (float)Math.Log(((holders - having.Count + 0.5) / (having.Count + 0.5)) + 1) : weight;
                foreach (var (id, value) in having)
                {
                    scores[id] = scores.GetValueOrDefault(id) + (w * value);
                }
            }

            scored = scores.Select(s => (collection.Points[s.Key], s.Value)).Where(s => Filters.Matches(request.Filter, s.Item1));
        }
        else
        {
            throw Filters.Unsupported($"nearest by {nearest.VariantCase}");
        }

        if (request.HasScoreThreshold)
        {
            scored = scored.Where(s => s.Score >= request.ScoreThreshold);
        }

        return scored
            .OrderByDescending(s => s.Score).ThenBy(s => s.Point.Id, PointIds.Comparer)
            .Skip((int)request.Offset)
            .Take((int)(request.HasLimit ? request.Limit : DefaultLimit))
            .Select(s =>
            {
                var point = new ScoredPoint { Id = s.Point.Id, Score = s.Score, Version = 1 };
                Copy(s.Point, request.WithPayload, request.WithVectors, point.Payload, vectors => point.Vectors = vectors);
                return point;
            })
            .ToList();
    }

    private static StoredPoint ToStored(StoredCollection collection, PointStruct point)
    {
        var id = PointIds.Canonical(point.Id ?? throw new RpcException(new Status(StatusCode.InvalidArgument, "Wrong input: point id is required")));
        var named = point.Vectors?.VectorsOptionsCase switch
        {
            Vectors.VectorsOptionsOneofCase.Vectors_ => point.Vectors.Vectors_.Vectors.ToDictionary(v => v.Key, v => v.Value),
            Vectors.VectorsOptionsOneofCase.Vector => new Dictionary<string, Vector> { [""] = point.Vectors.Vector },
            _ => [],
        };
        var dense = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var sparse = new Dictionary<string, (uint[], float[])>(StringComparer.Ordinal);
        foreach (var (name, vector) in named)
        {
            var isSparse = vector.VectorCase == Vector.VectorOneofCase.Sparse || (vector.VectorCase == Vector.VectorOneofCase.None && vector.Indices is not null);
            if (isSparse)
            {
                if (!collection.Sparse.ContainsKey(name))
                {
                    throw NoSuchVector(name);
                }

                var (indices, values) = vector.VectorCase == Vector.VectorOneofCase.Sparse
                    ? (vector.Sparse.Indices.ToArray(), vector.Sparse.Values.ToArray())
                    : (vector.Indices!.Data.ToArray(), vector.Data.ToArray());
                if (indices.Length != values.Length || indices.Distinct().Count() != indices.Length)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"Wrong input: sparse vector '{name}' of point {PointIds.Describe(id)} must have unique indices, one value each"));
                }

                sparse[name] = (indices, values);
                continue;
            }

            if (!collection.Dense.TryGetValue(name, out var parameters))
            {
                throw NoSuchVector(name);
            }

            var data = vector.VectorCase == Vector.VectorOneofCase.Dense ? vector.Dense.Data.ToArray() : vector.Data.ToArray();
            if ((ulong)data.Length != parameters.Size)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"Wrong input: Vector dimension error: expected dim: {parameters.Size}, got {data.Length}"));
            }

            dense[name] = Normalised(data);
        }

        var payload = new MapField<string, Value>();
        payload.Add(point.Payload);
        return new StoredPoint(id, payload, dense, sparse);
    }

    private static IEnumerable<StoredPoint> Select(StoredCollection collection, PointsSelector selector) => selector.PointsSelectorOneOfCase switch
    {
        PointsSelector.PointsSelectorOneOfOneofCase.Points => selector.Points.Ids.Select(PointIds.Canonical).Where(collection.Points.ContainsKey).Select(id => collection.Points[id]),
        PointsSelector.PointsSelectorOneOfOneofCase.Filter => collection.Points.Values.Where(p => Filters.Matches(selector.Filter, p)),
        _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "Wrong input: points selector is required")),
    };

    private static RetrievedPoint Retrieved(StoredPoint point, WithPayloadSelector? payload, WithVectorsSelector? vectors)
    {
        var retrieved = new RetrievedPoint { Id = point.Id };
        Copy(point, payload, vectors, retrieved.Payload, v => retrieved.Vectors = v);
        return retrieved;
    }

    /// <summary>The payload fields and vectors a selector asks for (none when it is absent).</summary>
    private static void Copy(StoredPoint point, WithPayloadSelector? payload, WithVectorsSelector? vectors, MapField<string, Value> payloadOut, Action<VectorsOutput> setVectors)
    {
        foreach (var (key, value) in point.Payload)
        {
            var wanted = payload?.SelectorOptionsCase switch
            {
                WithPayloadSelector.SelectorOptionsOneofCase.Enable => payload.Enable,
                WithPayloadSelector.SelectorOptionsOneofCase.Include => payload.Include.Fields.Contains(key),
                WithPayloadSelector.SelectorOptionsOneofCase.Exclude => !payload.Exclude.Fields.Contains(key),
                _ => false,
            };
            if (wanted)
            {
                payloadOut[key] = value.Clone();
            }
        }

        bool Wants(string name) => vectors?.SelectorOptionsCase switch
        {
            WithVectorsSelector.SelectorOptionsOneofCase.Enable => vectors.Enable,
            WithVectorsSelector.SelectorOptionsOneofCase.Include => vectors.Include.Names.Contains(name),
            _ => false,
        };

        var named = new NamedVectorsOutput();
        foreach (var (name, data) in point.Dense.Where(d => Wants(d.Key)))
        {
            var output = new VectorOutput { Dense = new DenseVector() };
            output.Dense.Data.AddRange(data);
            named.Vectors[name] = output;
        }

        foreach (var (name, (indices, values)) in point.Sparse.Where(s => Wants(s.Key)))
        {
            var output = new VectorOutput { Sparse = new SparseVector() };
            output.Sparse.Indices.AddRange(indices);
            output.Sparse.Values.AddRange(values);
            named.Vectors[name] = output;
        }

        if (named.Vectors.Count > 0)
        {
            setVectors(new VectorsOutput { Vectors = named });
        }
    }

    private static float[] Normalised(float[] vector)
    {
        var norm = MathF.Sqrt(vector.Sum(v => v * v));
        return norm > 0 ? vector.Select(v => v / norm).ToArray() : vector;
    }

    private static RpcException NoSuchVector(string name) =>
        new(new Status(StatusCode.InvalidArgument, $"Wrong input: Not existing vector name error: {name}"));

    private static Task<PointsOperationResponse> Completed() =>
        Task.FromResult(new PointsOperationResponse { Result = new UpdateResult { Status = UpdateStatus.Completed, OperationId = 1 } });
}
