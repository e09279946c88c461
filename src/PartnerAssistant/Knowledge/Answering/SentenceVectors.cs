using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Knowledge.Answering;

/// <summary>
/// The vectors of every passage's sentences: embedded once when the passage is ingested, kept in
/// the relational knowledge database (<see cref="KnowledgeSentenceVectorsRow"/>) beside whichever
/// vector store holds the passages, and held in memory once read. An answer therefore embeds only
/// the question. A passage whose sentences were never stored (a store filled by an older version
/// before its next ingestion) is embedded when first quoted and kept in memory, so answers stay
/// right while slower, and a warning says so.
/// </summary>
public sealed class SentenceVectors(
    IServiceScopeFactory scopes,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    IOptions<KnowledgeOptions> options,
    ILogger<SentenceVectors> logger)
{
    /// <summary>Passages whose sentence vectors stay in memory (at about 8 KB each, 80 MB at most);
    /// beyond that the cache starts over and refills from the database.</summary>
    public const int CachedPassages = 10_000;

    private readonly ConcurrentDictionary<Guid, Cached> _cache = new();
    private int _warnedMissing;

    private sealed record Cached(string Fingerprint, Half[] Vectors, int Dimensions);

    /// <summary>Embeds the sentences (and heading) of a document's passages and stores them, replacing rows of the same passages.</summary>
    public async Task<int> StoreAsync(string collection, string source, string contentHash, IReadOnlyList<PassageCut> passages, CancellationToken cancellationToken)
    {
        var texts = passages.SelectMany(p => p.Texts).ToList();
        var vectors = new List<ReadOnlyMemory<float>>(texts.Count);
        foreach (var batch in texts.Chunk(options.Value.EmbeddingBatchSize))
        {
            vectors.AddRange((await embeddings.GenerateAsync(batch, cancellationToken: cancellationToken)).Select(e => e.Vector));
        }

        var rows = new List<KnowledgeSentenceVectorsRow>(passages.Count);
        var next = 0;
        foreach (var passage in passages)
        {
            var count = passage.Texts.Count;
            rows.Add(new KnowledgeSentenceVectorsRow
            {
                ChunkId = passage.ChunkId,
                Collection = collection,
                Source = source,
                ContentHash = contentHash,
                Fingerprint = passage.Fingerprint,
                Count = count,
                Vectors = Pack(vectors.Skip(next).Take(count).ToList()),
            });
            next += count;
        }

        await SaveAsync(rows, cancellationToken);
        return texts.Count - passages.Count;
    }

    /// <summary>Writes rows as they are (used by <see cref="StoreAsync"/>, and by load benchmarks that bring their own vectors).</summary>
    public async Task SaveAsync(IReadOnlyList<KnowledgeSentenceVectorsRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var ids = rows.Select(r => r.ChunkId).ToList();
        var existing = await db.SentenceVectors.Where(s => ids.Contains(s.ChunkId)).ToDictionaryAsync(s => s.ChunkId, cancellationToken);
        foreach (var row in rows)
        {
            if (existing.TryGetValue(row.ChunkId, out var current))
            {
                current.Fingerprint = row.Fingerprint;
                current.Count = row.Count;
                current.Vectors = row.Vectors;
            }
            else
            {
                db.SentenceVectors.Add(row);
            }

            _cache.TryRemove(row.ChunkId, out _);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The (source, content hash) pairs of a collection that have sentence vectors of the current cut stored.</summary>
    public async Task<IReadOnlySet<(string Source, string ContentHash)>> StoredDocumentsAsync(string collection, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var current = PassageSentences.Version + ":";
        var pairs = await db.SentenceVectors.AsNoTracking().Where(s => s.Collection == collection && s.Fingerprint.StartsWith(current))
            .Select(s => new { s.Source, s.ContentHash }).Distinct().ToListAsync(cancellationToken);
        return pairs.Select(p => (p.Source, p.ContentHash)).ToHashSet();
    }

    /// <summary>Deletes the rows of a collection that no live document version owns any more.</summary>
    public async Task<int> PruneAsync(string collection, IReadOnlyDictionary<string, string> liveHashBySource, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var stored = await db.SentenceVectors.AsNoTracking().Where(s => s.Collection == collection)
            .Select(s => new { s.ChunkId, s.Source, s.ContentHash }).ToListAsync(cancellationToken);
        var stale = stored.Where(s => !liveHashBySource.TryGetValue(s.Source, out var hash) || hash != s.ContentHash).Select(s => s.ChunkId).ToList();
        foreach (var batch in stale.Chunk(500))
        {
            await db.SentenceVectors.Where(s => batch.Contains(s.ChunkId)).ExecuteDeleteAsync(cancellationToken);
        }

        foreach (var id in stale)
        {
            _cache.TryRemove(id, out _);
        }

        return stale.Count;
    }

    /// <summary>
    /// The vectors of each passage's units and, last, of its heading (<see cref="PassageCut.Texts"/>),
    /// in the order of <paramref name="cuts"/>. Read from memory, else from the database in one query,
    /// else embedded now.
    /// </summary>
    public async Task<IReadOnlyList<float[][]>> ForPassagesAsync(IReadOnlyList<PassageCut> cuts, CancellationToken cancellationToken)
    {
        // Collected here rather than re-read from the cache, which another turn may clear meanwhile.
        var found = new Dictionary<Guid, Cached>();
        var wanted = cuts.DistinctBy(c => c.ChunkId).ToList();
        foreach (var cut in wanted)
        {
            if (_cache.TryGetValue(cut.ChunkId, out var hit) && hit.Fingerprint == cut.Fingerprint)
            {
                found[cut.ChunkId] = hit;
            }
        }

        if (found.Count < wanted.Count)
        {
            foreach (var loaded in await LoadAsync(wanted.Where(c => !found.ContainsKey(c.ChunkId)).Select(c => c.ChunkId).ToList(), cancellationToken))
            {
                if (wanted.First(c => c.ChunkId == loaded.Key).Fingerprint == loaded.Value.Fingerprint)
                {
                    found[loaded.Key] = loaded.Value;
                }
            }

            var unstored = wanted.Where(c => !found.ContainsKey(c.ChunkId)).ToList();
            if (unstored.Count > 0)
            {
                foreach (var embedded in await EmbedNowAsync(unstored, cancellationToken))
                {
                    found[embedded.Key] = embedded.Value;
                }
            }
        }

        return cuts.Select(c => Unpack(found[c.ChunkId].Vectors, found[c.ChunkId].Dimensions, c.Texts.Count)).ToList();
    }

    private async Task<Dictionary<Guid, Cached>> LoadAsync(IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        var rows = await db.SentenceVectors.AsNoTracking().Where(s => ids.Contains(s.ChunkId)).ToListAsync(cancellationToken);
        var loaded = new Dictionary<Guid, Cached>();
        foreach (var row in rows)
        {
            var halves = MemoryMarshal.Cast<byte, Half>(row.Vectors).ToArray();
            if (row.Count > 0 && halves.Length % row.Count == 0)
            {
                loaded[row.ChunkId] = Remember(row.ChunkId, new Cached(row.Fingerprint, halves, halves.Length / row.Count));
            }
        }

        return loaded;
    }

    private async Task<Dictionary<Guid, Cached>> EmbedNowAsync(IReadOnlyList<PassageCut> cuts, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _warnedMissing, 1) == 0)
        {
            logger.LogWarning("Passages without stored sentence vectors are being embedded while the user waits; re-ingest the collection to store them");
        }

        var texts = cuts.SelectMany(c => c.Texts).ToList();
        var vectors = (await embeddings.GenerateAsync(texts, cancellationToken: cancellationToken)).Select(e => e.Vector).ToList();
        var embedded = new Dictionary<Guid, Cached>();
        var next = 0;
        foreach (var cut in cuts)
        {
            var own = vectors.Skip(next).Take(cut.Texts.Count).ToList();
            next += cut.Texts.Count;
            embedded[cut.ChunkId] = Remember(cut.ChunkId, new Cached(cut.Fingerprint, MemoryMarshal.Cast<byte, Half>(Pack(own)).ToArray(), own[0].Length));
        }

        return embedded;
    }

    private Cached Remember(Guid chunkId, Cached cached)
    {
        if (_cache.Count >= CachedPassages)
        {
            _cache.Clear();
        }

        return _cache[chunkId] = cached;
    }

    /// <summary>Vectors one after another as little-endian halves.</summary>
    public static byte[] Pack(IReadOnlyList<ReadOnlyMemory<float>> vectors)
    {
        var dimensions = vectors.Count == 0 ? 0 : vectors[0].Length;
        var halves = new Half[vectors.Count * dimensions];
        for (var i = 0; i < vectors.Count; i++)
        {
            TensorPrimitives.ConvertToHalf(vectors[i].Span, halves.AsSpan(i * dimensions, dimensions));
        }

        return MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
    }

    private static float[][] Unpack(Half[] halves, int dimensions, int count)
    {
        var vectors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            vectors[i] = new float[dimensions];
            TensorPrimitives.ConvertToSingle(halves.AsSpan(i * dimensions, dimensions), vectors[i]);
        }

        return vectors;
    }
}
