using Google.Protobuf.Collections;
using Grpc.Core;
using Qdrant.Client.Grpc;

namespace QdrantStandIn;

/// <summary>A point as stored: its payload and its named vectors (dense ones normalised, as Qdrant does for cosine).</summary>
internal sealed class StoredPoint(PointId id, MapField<string, Value> payload, Dictionary<string, float[]> dense, Dictionary<string, (uint[] Indices, float[] Values)> sparse)
{
    public PointId Id { get; } = id;
    public MapField<string, Value> Payload { get; } = payload;
    public Dictionary<string, float[]> Dense { get; } = dense;
    public Dictionary<string, (uint[] Indices, float[] Values)> Sparse { get; } = sparse;
}

internal sealed class StoredCollection(string name, Dictionary<string, VectorParams> dense, Dictionary<string, SparseVectorParams> sparse)
{
    public string Name { get; } = name;
    public Dictionary<string, VectorParams> Dense { get; } = dense;
    public Dictionary<string, SparseVectorParams> Sparse { get; } = sparse;
    public Dictionary<string, PayloadSchemaType> Indexes { get; } = new(StringComparer.Ordinal);

    /// <summary>Points in id order, which is the order Qdrant scrolls them in. Write through <see cref="Put"/> and <see cref="Remove"/>.</summary>
    public SortedDictionary<PointId, StoredPoint> Points { get; } = new(PointIds.Comparer);

    /// <summary>Sparse vector name → index → the points having it, with their values: an inverted index, as Qdrant keeps
    /// for sparse vectors, so a keyword search touches only the points sharing a word with the query.</summary>
    public Dictionary<string, Dictionary<uint, Dictionary<PointId, float>>> Postings { get; } = new(StringComparer.Ordinal);

    /// <summary>Points having a non-empty sparse vector of each name (the N of the IDF).</summary>
    public Dictionary<string, int> SparseHolders { get; } = new(StringComparer.Ordinal);

    public void Put(StoredPoint point)
    {
        Remove(point.Id);
        Points[point.Id] = point;
        foreach (var (name, (indices, values)) in point.Sparse.Where(s => s.Value.Indices.Length > 0))
        {
            var postings = Postings.TryGetValue(name, out var existing) ? existing : Postings[name] = [];
            for (var i = 0; i < indices.Length; i++)
            {
                (postings.TryGetValue(indices[i], out var list) ? list : postings[indices[i]] = new(PointIds.EqualityComparer))[point.Id] = values[i];
            }

            SparseHolders[name] = SparseHolders.GetValueOrDefault(name) + 1;
        }
    }

    public void Remove(PointId id)
    {
        if (!Points.Remove(id, out var old))
        {
            return;
        }

        foreach (var (name, (indices, _)) in old.Sparse.Where(s => s.Value.Indices.Length > 0))
        {
            foreach (var index in indices)
            {
                Postings[name][index].Remove(id);
            }

            SparseHolders[name]--;
        }
    }
}

/// <summary>
/// Every collection and alias, behind one lock: a request sees the state before or after another
/// request, never half of one (Qdrant applies one alias change request atomically, and the store relies
/// on that for its one-step switch).
/// </summary>
internal sealed class StandInStorage
{
    private readonly object _lock = new();
    private readonly Dictionary<string, StoredCollection> _collections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);
    private readonly List<int> _upsertSizes = [];

    public IReadOnlyList<int> UpsertSizes
    {
        get
        {
            lock (_lock)
            {
                return _upsertSizes.ToArray();
            }
        }
    }

    public T Read<T>(Func<Dictionary<string, StoredCollection>, Dictionary<string, string>, T> read)
    {
        lock (_lock)
        {
            return read(_collections, _aliases);
        }
    }

    public T Write<T>(Func<Dictionary<string, StoredCollection>, Dictionary<string, string>, T> write)
    {
        lock (_lock)
        {
            return write(_collections, _aliases);
        }
    }

    /// <summary>Runs against the collection a name or alias names; NotFound, as Qdrant answers, when there is none.</summary>
    public T With<T>(string name, Func<StoredCollection, T> action)
    {
        lock (_lock)
        {
            return action(Resolve(name));
        }
    }

    public void RecordUpsert(int points)
    {
        lock (_lock)
        {
            _upsertSizes.Add(points);
        }
    }

    public IReadOnlyList<string> CollectionNames() => Read((c, _) => c.Keys.Order(StringComparer.Ordinal).ToList());

    public IReadOnlyDictionary<string, string> AliasMap() => Read((_, a) => new Dictionary<string, string>(a));

    public int? PointCount(string name) => Read((c, a) => c.TryGetValue(a.GetValueOrDefault(name, name), out var collection) ? collection.Points.Count : (int?)null);

    public IReadOnlyDictionary<string, string> PayloadIndexes(string name) =>
        Read((c, a) => c.TryGetValue(a.GetValueOrDefault(name, name), out var collection)
            ? collection.Indexes.ToDictionary(i => i.Key, i => i.Value.ToString())
            : new Dictionary<string, string>());

    private StoredCollection Resolve(string name) =>
        _collections.TryGetValue(_aliases.GetValueOrDefault(name, name), out var collection)
            ? collection
            : throw new RpcException(new Status(StatusCode.NotFound, $"Not found: Collection `{name}` doesn't exist!"));
}

/// <summary>Point ids in Qdrant's order: numeric ids first, by value, then UUIDs, by their 128-bit value.</summary>
internal static class PointIds
{
    public static IComparer<PointId> Comparer { get; } = Comparer<PointId>.Create(Compare);

    public static IEqualityComparer<PointId> EqualityComparer { get; } = EqualityComparer<PointId>.Create((x, y) => Compare(x, y) == 0, id => id.GetHashCode());

    public static string Describe(PointId id) => id.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Num ? id.Num.ToString(System.Globalization.CultureInfo.InvariantCulture) : id.Uuid;

    /// <summary>The id in canonical form: UUIDs lower-case with hyphens, however the client wrote them.</summary>
    public static PointId Canonical(PointId id) => id.PointIdOptionsCase switch
    {
        PointId.PointIdOptionsOneofCase.Num => new PointId { Num = id.Num },
        PointId.PointIdOptionsOneofCase.Uuid when Guid.TryParse(id.Uuid, out var uuid) => new PointId { Uuid = uuid.ToString("D") },
        _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"Wrong input: Unable to parse UUID: {id.Uuid}")),
    };

    private static int Compare(PointId? x, PointId? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var xNum = x.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Num;
        var yNum = y.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Num;
        if (xNum != yNum)
        {
            return xNum ? -1 : 1;
        }

        // Canonical UUID text (lower-case hex, fixed hyphens) sorts like the 128-bit number it spells.
        return xNum ? x.Num.CompareTo(y.Num) : string.CompareOrdinal(x.Uuid, y.Uuid);
    }
}
