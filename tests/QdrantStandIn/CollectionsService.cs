using Grpc.Core;
using Qdrant.Client.Grpc;

namespace QdrantStandIn;

/// <summary><c>qdrant.Collections</c>: create, describe, list and delete collections; aliases.</summary>
internal sealed class CollectionsService(StandInStorage storage) : Collections.CollectionsBase
{
    public override Task<CollectionOperationResponse> Create(CreateCollection request, ServerCallContext context)
    {
        ValidateName(request.CollectionName);
        var dense = request.VectorsConfig?.ConfigCase switch
        {
            VectorsConfig.ConfigOneofCase.ParamsMap => request.VectorsConfig.ParamsMap.Map.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal),
            VectorsConfig.ConfigOneofCase.Params => new Dictionary<string, VectorParams>(StringComparer.Ordinal) { [""] = request.VectorsConfig.Params },
            _ => new Dictionary<string, VectorParams>(StringComparer.Ordinal),
        };
        foreach (var (name, vector) in dense)
        {
            if (vector.Size == 0)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"Validation error in body: [vectors_config.{name}.size: value 0 invalid, must be 1 or larger]"));
            }

            if (vector.Distance != Distance.Cosine)
            {
                throw Filters.Unsupported($"distance {vector.Distance} (only Cosine)");
            }
        }

        var sparse = request.SparseVectorsConfig?.Map.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal) ?? new Dictionary<string, SparseVectorParams>(StringComparer.Ordinal);
        return Task.FromResult(storage.Write((collections, aliases) =>
        {
            if (collections.ContainsKey(request.CollectionName) || aliases.ContainsKey(request.CollectionName))
            {
                throw new RpcException(new Status(StatusCode.AlreadyExists, $"Wrong input: Collection `{request.CollectionName}` already exists!"));
            }

            collections[request.CollectionName] = new StoredCollection(request.CollectionName, dense, sparse);
            return new CollectionOperationResponse { Result = true };
        }));
    }

    public override Task<GetCollectionInfoResponse> Get(GetCollectionInfoRequest request, ServerCallContext context) =>
        Task.FromResult(storage.With(request.CollectionName, collection =>
        {
            var vectors = new VectorParamsMap();
            foreach (var (name, parameters) in collection.Dense)
            {
                vectors.Map[name] = parameters;
            }

            var sparse = new SparseVectorConfig();
            foreach (var (name, parameters) in collection.Sparse)
            {
                sparse.Map[name] = parameters;
            }

            var info = new CollectionInfo
            {
                Status = CollectionStatus.Green,
                OptimizerStatus = new OptimizerStatus { Ok = true },
                SegmentsCount = 1,
                PointsCount = (ulong)collection.Points.Count,
                IndexedVectorsCount = 0,
                Config = new CollectionConfig
                {
                    Params = new CollectionParams { ShardNumber = 1, VectorsConfig = new VectorsConfig { ParamsMap = vectors }, SparseVectorsConfig = sparse },
                    HnswConfig = new HnswConfigDiff(),
                    OptimizerConfig = new OptimizersConfigDiff(),
                    WalConfig = new WalConfigDiff(),
                },
            };
            foreach (var (field, type) in collection.Indexes)
            {
                info.PayloadSchema[field] = new PayloadSchemaInfo { DataType = type, Points = (ulong)collection.Points.Count };
            }

            return new GetCollectionInfoResponse { Result = info };
        }));

    public override Task<ListCollectionsResponse> List(ListCollectionsRequest request, ServerCallContext context)
    {
        var response = new ListCollectionsResponse();
        response.Collections.AddRange(storage.CollectionNames().Select(n => new CollectionDescription { Name = n }));
        return Task.FromResult(response);
    }

    public override Task<CollectionExistsResponse> CollectionExists(CollectionExistsRequest request, ServerCallContext context) =>
        Task.FromResult(new CollectionExistsResponse
        {
            Result = new Qdrant.Client.Grpc.CollectionExists { Exists = storage.Read((c, a) => c.ContainsKey(a.GetValueOrDefault(request.CollectionName, request.CollectionName))) },
        });

    /// <summary>Deleting a collection removes the aliases that name it; deleting one that does not exist answers false.</summary>
    public override Task<CollectionOperationResponse> Delete(DeleteCollection request, ServerCallContext context) =>
        Task.FromResult(storage.Write((collections, aliases) =>
        {
            var removed = collections.Remove(request.CollectionName);
            foreach (var alias in aliases.Where(a => a.Value == request.CollectionName).Select(a => a.Key).ToList())
            {
                aliases.Remove(alias);
            }

            return new CollectionOperationResponse { Result = removed };
        }));

    /// <summary>All the request's alias changes apply together or not at all.</summary>
    public override Task<CollectionOperationResponse> UpdateAliases(ChangeAliases request, ServerCallContext context) =>
        Task.FromResult(storage.Write((collections, aliases) =>
        {
            var next = new Dictionary<string, string>(aliases, StringComparer.Ordinal);
            foreach (var action in request.Actions)
            {
                switch (action.ActionCase)
                {
                    case AliasOperations.ActionOneofCase.CreateAlias:
                        var create = action.CreateAlias;
                        if (!collections.ContainsKey(create.CollectionName))
                        {
                            throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Collection `{create.CollectionName}` doesn't exist!"));
                        }

                        if (next.ContainsKey(create.AliasName) || collections.ContainsKey(create.AliasName))
                        {
                            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Wrong input: Alias `{create.AliasName}` already exists!"));
                        }

                        next[create.AliasName] = create.CollectionName;
                        break;
                    case AliasOperations.ActionOneofCase.DeleteAlias:
                        if (!next.Remove(action.DeleteAlias.AliasName))
                        {
                            throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Alias `{action.DeleteAlias.AliasName}` doesn't exist!"));
                        }

                        break;
                    case AliasOperations.ActionOneofCase.RenameAlias:
                        var rename = action.RenameAlias;
                        if (!next.Remove(rename.OldAliasName, out var target))
                        {
                            throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Alias `{rename.OldAliasName}` doesn't exist!"));
                        }

                        next[rename.NewAliasName] = target;
                        break;
                    default:
                        throw Filters.Unsupported($"alias action {action.ActionCase}");
                }
            }

            aliases.Clear();
            foreach (var (alias, collection) in next)
            {
                aliases[alias] = collection;
            }

            return new CollectionOperationResponse { Result = true };
        }));

    public override Task<ListAliasesResponse> ListAliases(ListAliasesRequest request, ServerCallContext context) =>
        Task.FromResult(Aliases(_ => true));

    public override Task<ListAliasesResponse> ListCollectionAliases(ListCollectionAliasesRequest request, ServerCallContext context)
    {
        storage.With(request.CollectionName, _ => true);
        return Task.FromResult(Aliases(collection => collection == request.CollectionName));
    }

    private ListAliasesResponse Aliases(Func<string, bool> collection)
    {
        var response = new ListAliasesResponse();
        response.Aliases.AddRange(storage.AliasMap().Where(a => collection(a.Value)).OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => new AliasDescription { AliasName = a.Key, CollectionName = a.Value }));
        return response;
    }

    private static void ValidateName(string name)
    {
        if (name.Length is 0 or > 255 || name.IndexOfAny(['/', '\\', '*', '?', '<', '>', '|', ':', '"', '\0']) >= 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"Validation error in body: [collection_name: invalid collection name '{name}']"));
        }
    }
}
