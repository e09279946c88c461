using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Knowledge.Stores;

/// <summary>
/// The embedded store: one SQLite file per collection (<c>{data}/knowledge/{collection}.db</c>, WAL),
/// passages with their vectors as blobs and an FTS5 index for keywords. Dense search is an exact
/// scan of an in-memory matrix with SIMD dot products (vectors are unit length, so dot = cosine),
/// so recall is exact; the filter is checked row by row inside the scan and inside the FTS5 query.
/// </summary>
/// <remarks>
/// Rows carry a generation and a <c>live</c> flag. A write batch stages rows with live = 0 and its
/// commit flips them and deletes what they replace in one transaction, so readers (and a run
/// killed before commit) only ever see a whole index. Another process committing bumps the
/// <c>version</c> in <c>meta</c>, which tells this one to reload its matrix.
/// </remarks>
public sealed class SqliteKnowledgeStore(IOptions<DataOptions> data, ILogger<SqliteKnowledgeStore> logger) : IKnowledgeStore, IDisposable
{
    private readonly ConcurrentDictionary<string, CollectionCache> _caches = new();

    public string FolderPath => Path.Combine(data.Value.FullPath, "knowledge");

    public async Task<IReadOnlyList<IndexedDocument>> ListDocumentsAsync(string collection, CancellationToken cancellationToken)
    {
        if (!File.Exists(PathOf(collection)))
        {
            return [];
        }

        await using var connection = await OpenAsync(collection, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT source, title, audience, content_hash, chunk_count FROM documents WHERE live = 1 ORDER BY source";
        var documents = new List<IndexedDocument>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            documents.Add(new IndexedDocument(reader.GetString(0), reader.GetString(1), Enum.Parse<KnowledgeAudience>(reader.GetString(2)), reader.GetString(3), reader.GetInt32(4)));
        }

        return documents;
    }

    public async Task<IKnowledgeWriteBatch> BeginWriteAsync(string collection, int dimensions, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(collection, cancellationToken);
        try
        {
            var stored = await MetaAsync(connection, "dimensions", cancellationToken);
            if (stored is not null && stored != dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException($"Collection '{collection}' holds {stored}-dimensional vectors; this model makes {dimensions}. Delete the collection to re-index with the new model.");
            }

            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, "INSERT INTO meta(key, value) VALUES ('dimensions', $d) ON CONFLICT(key) DO NOTHING", cancellationToken, ("$d", dimensions.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            await ExecuteAsync(connection, "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'", cancellationToken);
            var generation = long.Parse((await MetaAsync(connection, "generation", cancellationToken))!, System.Globalization.CultureInfo.InvariantCulture);

            // Rows staged by an earlier run that never committed (killed, or failed) are garbage now.
            var swept = await ExecuteAsync(connection, "DELETE FROM chunks WHERE live = 0 AND generation < $g", cancellationToken, ("$g", generation));
            await ExecuteAsync(connection, "DELETE FROM documents WHERE live = 0 AND generation < $g", cancellationToken, ("$g", generation));
            await transaction.CommitAsync(cancellationToken);
            if (swept > 0)
            {
                logger.LogInformation("Removed {Count} passages an interrupted ingestion left in {Collection}", swept, collection);
            }

            return new WriteBatch(this, collection, connection, generation);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(string collection, HybridQuery query, CancellationToken cancellationToken)
    {
        if (!File.Exists(PathOf(collection)))
        {
            return [];
        }

        await using var connection = await OpenAsync(collection, cancellationToken);
        var snapshot = await SnapshotAsync(collection, connection, cancellationToken);
        if (snapshot.Count == 0)
        {
            return [];
        }

        var dense = snapshot.Nearest(query.Vector.Span, query.Filter, query.Candidates);
        var keyword = await KeywordAsync(connection, snapshot, query, cancellationToken);
        var fused = ReciprocalRankFusion.Fuse(dense, keyword, query.RrfK, query.Top);
        var chunks = await LoadChunksAsync(connection, fused.Select(f => f.Item).ToList(), cancellationToken);
        return fused
            .Where(f => chunks.ContainsKey(f.Item))
            .Select(f => new KnowledgeHit(chunks[f.Item], f.Score, snapshot.Similarity(f.Item, query.Vector.Span), f.DenseRank, f.KeywordRank))
            .ToList();
    }

    public Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(System.IO.Directory.Exists(FolderPath)
            ? System.IO.Directory.EnumerateFiles(FolderPath, "*.db").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal).ToList()
            : []);

    public Task DeleteCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        var path = PathOf(collection);
        _caches.TryRemove(collection, out _);
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _caches.Clear();

    /// <summary>A word in more than this share of the passages says little about which passage is
    /// meant (its BM25 weight is under half a rare word's) but makes FTS5 score much of the
    /// collection; such words are left to the dense side.</summary>
    public const double KeywordMaxShare = 0.1;

    /// <summary>A word in at most this many passages is always scored: below it FTS5 is cheap, and on a
    /// small corpus every word's weight counts.</summary>
    public const int KeywordAlwaysScored = 1000;

    private async Task<List<long>> KeywordAsync(SqliteConnection connection, CollectionSnapshot snapshot, HybridQuery query, CancellationToken cancellationToken)
    {
        var words = new List<(string Word, long Documents)>();
        foreach (var word in query.Keywords)
        {
            if (!snapshot.DocumentFrequency.TryGetValue(word, out var documents))
            {
                await using var count = connection.CreateCommand();
                count.CommandText = "SELECT count(*) FROM chunks_fts WHERE chunks_fts MATCH $word";
                count.Parameters.AddWithValue("$word", KeywordTerms.Fts5Query([word]));
                documents = snapshot.DocumentFrequency[word] = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            }

            if (documents > 0 && documents <= Math.Max(KeywordAlwaysScored, KeywordMaxShare * snapshot.Count))
            {
                words.Add((word, documents));
            }
        }

        var match = KeywordTerms.Fts5Query(words.OrderBy(w => w.Documents).Take(8).Select(w => w.Word).ToList());
        if (match is null)
        {
            return [];
        }

        await using var command = connection.CreateCommand();
        // bm25() weights: passage text, then title and section (a word in a heading says more).
        command.CommandText = $"""
            SELECT c.id FROM chunks_fts
            JOIN chunks c ON c.id = chunks_fts.rowid
            WHERE chunks_fts MATCH $match AND c.live = 1 AND {FilterSql(query.Filter, command)}
            ORDER BY bm25(chunks_fts, 1.0, 2.0, 2.0)
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$match", match);
        command.Parameters.AddWithValue("$limit", query.Candidates);
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    /// <summary>The filter as SQL over the <c>chunks</c> row <c>c</c>, with its values as parameters.</summary>
    private static string FilterSql(KnowledgeFilter filter, SqliteCommand command)
    {
        var clauses = new List<string>();
        var audiences = filter.Audiences.Select((a, i) => { command.Parameters.AddWithValue($"$aud{i}", a.ToString()); return $"$aud{i}"; }).ToList();
        clauses.Add(audiences.Count == 0 ? "0" : $"c.audience IN ({string.Join(", ", audiences)})");
        if (filter.Tier is { } tier)
        {
            command.Parameters.AddWithValue("$tier", $"%|{tier}|%");
            clauses.Add("(c.tiers LIKE '%|all|%' OR c.tiers LIKE $tier)");
        }

        if (filter.PartnerType is { } type)
        {
            command.Parameters.AddWithValue("$ptype", $"%|{type}|%");
            clauses.Add("(c.partner_types LIKE '%|all|%' OR c.partner_types LIKE $ptype)");
        }

        if (filter.Sources is { Count: > 0 } sources)
        {
            var names = sources.Select((s, i) => { command.Parameters.AddWithValue($"$src{i}", s); return $"$src{i}"; });
            clauses.Add($"c.source IN ({string.Join(", ", names)})");
        }

        return string.Join(" AND ", clauses);
    }

    private static async Task<Dictionary<long, KnowledgeChunk>> LoadChunksAsync(SqliteConnection connection, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var chunks = new Dictionary<long, KnowledgeChunk>();
        if (ids.Count == 0)
        {
            return chunks;
        }

        await using var command = connection.CreateCommand();
        var names = ids.Select((id, i) => { command.Parameters.AddWithValue($"$id{i}", id); return $"$id{i}"; });
        command.CommandText = $"SELECT id, {ChunkColumns} FROM chunks WHERE id IN ({string.Join(", ", names)})";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            chunks[reader.GetInt64(0)] = ReadChunk(reader, 1);
        }

        return chunks;
    }

    private const string ChunkColumns = "key, source, title, section, anchor, source_url, text, audience, tiers, partner_types, ordinal, content_hash, vector";

    private static KnowledgeChunk ReadChunk(SqliteDataReader reader, int first) => new()
    {
        Id = Guid.Parse(reader.GetString(first)),
        Source = reader.GetString(first + 1),
        Title = reader.GetString(first + 2),
        Section = reader.GetString(first + 3),
        Anchor = reader.GetString(first + 4),
        SourceUrl = reader.GetString(first + 5),
        Text = reader.GetString(first + 6),
        Audience = Enum.Parse<KnowledgeAudience>(reader.GetString(first + 7)),
        Tiers = Unpack(reader.GetString(first + 8)),
        PartnerTypes = Unpack(reader.GetString(first + 9)),
        Ordinal = reader.GetInt32(first + 10),
        ContentHash = reader.GetString(first + 11),
        Vector = MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(first + 12)).ToArray(),
    };

    // Lists are stored as "|a|b|" so a LIKE '%|a|%' matches one whole value.
    private static string Pack(IEnumerable<string> values) => "|" + string.Join("|", values) + "|";

    private static string[] Unpack(string packed) => packed.Split('|', StringSplitOptions.RemoveEmptyEntries);

    private async Task<CollectionSnapshot> SnapshotAsync(string collection, SqliteConnection connection, CancellationToken cancellationToken)
    {
        var cache = _caches.GetOrAdd(collection, _ => new CollectionCache());
        var version = await MetaAsync(connection, "version", cancellationToken) ?? "0";
        var current = cache.Snapshot;
        if (current is not null && current.Version == version)
        {
            return current;
        }

        await cache.Lock.WaitAsync(cancellationToken);
        try
        {
            if (cache.Snapshot is { } loaded && loaded.Version == version)
            {
                return loaded;
            }

            // Read the version and the rows in one transaction, so the snapshot is labelled with the version it shows.
            using var transaction = connection.BeginTransaction(deferred: true);
            version = await MetaAsync(connection, "version", cancellationToken) ?? "0";
            var dimensions = int.Parse(await MetaAsync(connection, "dimensions", cancellationToken) ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id, source, audience, tiers, partner_types, vector FROM chunks WHERE live = 1 ORDER BY id";
            var rows = new List<RowMeta>();
            var vectors = new List<float>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var vector = MemoryMarshal.Cast<byte, float>((byte[])reader.GetValue(5));
                    if (vector.Length != dimensions)
                    {
                        continue;
                    }

                    rows.Add(new RowMeta(reader.GetInt64(0), reader.GetString(1), Enum.Parse<KnowledgeAudience>(reader.GetString(2)), Unpack(reader.GetString(3)), Unpack(reader.GetString(4))));
                    foreach (var value in vector)
                    {
                        vectors.Add(value);
                    }
                }
            }

            var snapshot = new CollectionSnapshot(version, dimensions, rows.ToArray(), vectors.ToArray());
            cache.Snapshot = snapshot;
            logger.LogDebug("Loaded {Count} passages of {Collection} for search (version {Version})", rows.Count, collection, version);
            return snapshot;
        }
        finally
        {
            cache.Lock.Release();
        }
    }

    private string PathOf(string collection)
    {
        return Path.Combine(FolderPath, KnowledgeCollections.Require(collection) + ".db");
    }

    private async Task<SqliteConnection> OpenAsync(string collection, CancellationToken cancellationToken)
    {
        var path = PathOf(collection);
        System.IO.Directory.CreateDirectory(FolderPath);
        var isNew = !File.Exists(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync(cancellationToken);
        if (isNew || !_caches.ContainsKey(collection))
        {
            await ExecuteAsync(connection, Schema, cancellationToken);
        }

        return connection;
    }

    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO meta(key, value) VALUES ('version', '0'), ('generation', '0') ON CONFLICT(key) DO NOTHING;
        CREATE TABLE IF NOT EXISTS documents (
            source TEXT NOT NULL, generation INTEGER NOT NULL, live INTEGER NOT NULL,
            title TEXT NOT NULL, audience TEXT NOT NULL, content_hash TEXT NOT NULL, chunk_count INTEGER NOT NULL,
            PRIMARY KEY (source, generation));
        CREATE TABLE IF NOT EXISTS chunks (
            id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, source TEXT NOT NULL, generation INTEGER NOT NULL, live INTEGER NOT NULL,
            ordinal INTEGER NOT NULL, title TEXT NOT NULL, section TEXT NOT NULL, anchor TEXT NOT NULL, source_url TEXT NOT NULL,
            text TEXT NOT NULL, audience TEXT NOT NULL, tiers TEXT NOT NULL, partner_types TEXT NOT NULL, content_hash TEXT NOT NULL,
            vector BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS chunks_by_source ON chunks (source, live, generation);
        CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5 (text, title, section, content = 'chunks', content_rowid = 'id',
            tokenize = 'porter unicode61 remove_diacritics 2');
        CREATE TRIGGER IF NOT EXISTS chunks_fts_insert AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text, title, section) VALUES (new.id, new.text, new.title, new.section);
        END;
        CREATE TRIGGER IF NOT EXISTS chunks_fts_delete AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text, title, section) VALUES ('delete', old.id, old.text, old.title, old.section);
        END;
        """;

    private static async Task<string?> MetaAsync(SqliteConnection connection, string key, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed class CollectionCache
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);
        public volatile CollectionSnapshot? Snapshot;
    }

    private sealed record RowMeta(long Id, string Source, KnowledgeAudience Audience, string[] Tiers, string[] PartnerTypes);

    /// <summary>The live passages' vectors as one row-major matrix, with what the filter needs per row.</summary>
    private sealed class CollectionSnapshot(string version, int dimensions, RowMeta[] rows, float[] matrix)
    {
        private readonly Dictionary<long, int> _rowOf = rows.Select((r, i) => (r.Id, i)).ToDictionary(p => p.Id, p => p.i);

        /// <summary>Passages (live or staged) containing a word, counted by FTS5 once per index version.</summary>
        public ConcurrentDictionary<string, long> DocumentFrequency { get; } = new(StringComparer.Ordinal);

        public string Version { get; } = version;
        public int Count => rows.Length;

        public List<long> Nearest(ReadOnlySpan<float> query, KnowledgeFilter filter, int count)
        {
            if (query.Length != dimensions)
            {
                throw new ArgumentException($"The query vector has {query.Length} dimensions; the collection has {dimensions}.");
            }

            // Keep the best `count` in a min-heap: the root is the weakest kept, replaced by anything better.
            var best = new PriorityQueue<int, float>(count + 1);
            var audiences = filter.Audiences;
            for (var i = 0; i < rows.Length; i++)
            {
                var row = rows[i];
                if (!audiences.Contains(row.Audience)
                    || (filter.Tier is { } tier && !row.Tiers.Contains("all") && !row.Tiers.Contains(tier))
                    || (filter.PartnerType is { } type && !row.PartnerTypes.Contains("all") && !row.PartnerTypes.Contains(type))
                    || (filter.Sources is { Count: > 0 } sources && !sources.Contains(row.Source)))
                {
                    continue;
                }

                var score = TensorPrimitives.Dot(matrix.AsSpan(i * dimensions, dimensions), query);
                if (best.Count < count)
                {
                    best.Enqueue(i, score);
                }
                else if (best.TryPeek(out _, out var weakest) && score > weakest)
                {
                    best.EnqueueDequeue(i, score);
                }
            }

            var ranked = new List<(long Id, float Score)>(best.Count);
            while (best.TryDequeue(out var index, out var score))
            {
                ranked.Add((rows[index].Id, score));
            }

            ranked.Reverse();
            return ranked.Select(r => r.Id).ToList();
        }

        public double Similarity(long id, ReadOnlySpan<float> query) =>
            _rowOf.TryGetValue(id, out var row) ? TensorPrimitives.Dot(matrix.AsSpan(row * dimensions, dimensions), query) : 0;
    }

    private ILogger Logger => logger;

    private sealed class WriteBatch(SqliteKnowledgeStore store, string collection, SqliteConnection connection, long generation) : IKnowledgeWriteBatch
    {
        private readonly List<string> _staged = [];

        public async Task StageAsync(IndexedDocument document, IReadOnlyList<KnowledgeChunk> chunks, CancellationToken cancellationToken)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await ExecuteAsync(connection, "DELETE FROM chunks WHERE source = $s AND generation = $g", cancellationToken, ("$s", document.Source), ("$g", generation));
            await ExecuteAsync(connection,
                "INSERT OR REPLACE INTO documents(source, generation, live, title, audience, content_hash, chunk_count) VALUES ($s, $g, 0, $t, $a, $h, $n)",
                cancellationToken, ("$s", document.Source), ("$g", generation), ("$t", document.Title), ("$a", document.Audience.ToString()), ("$h", document.ContentHash), ("$n", chunks.Count));
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO chunks(key, source, generation, live, ordinal, title, section, anchor, source_url, text, audience, tiers, partner_types, content_hash, vector)
                VALUES ($key, $source, $generation, 0, $ordinal, $title, $section, $anchor, $url, $text, $audience, $tiers, $types, $hash, $vector)
                """;
            var parameters = new[] { "$key", "$source", "$generation", "$ordinal", "$title", "$section", "$anchor", "$url", "$text", "$audience", "$tiers", "$types", "$hash", "$vector" }
                .ToDictionary(n => n, n => insert.Parameters.Add(n, n == "$vector" ? SqliteType.Blob : SqliteType.Text));
            foreach (var chunk in chunks)
            {
                parameters["$key"].Value = chunk.Id.ToString();
                parameters["$source"].Value = chunk.Source;
                parameters["$generation"].Value = generation;
                parameters["$ordinal"].Value = chunk.Ordinal;
                parameters["$title"].Value = chunk.Title;
                parameters["$section"].Value = chunk.Section;
                parameters["$anchor"].Value = chunk.Anchor;
                parameters["$url"].Value = chunk.SourceUrl;
                parameters["$text"].Value = chunk.Text;
                parameters["$audience"].Value = chunk.Audience.ToString();
                parameters["$tiers"].Value = Pack(chunk.Tiers);
                parameters["$types"].Value = Pack(chunk.PartnerTypes);
                parameters["$hash"].Value = chunk.ContentHash;
                parameters["$vector"].Value = MemoryMarshal.AsBytes(chunk.Vector.Span).ToArray();
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            _staged.Add(document.Source);
        }

        public async Task CommitAsync(IReadOnlyCollection<string> removedSources, CancellationToken cancellationToken)
        {
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            foreach (var source in _staged.Distinct())
            {
                // Only replace a document whose new rows are really there (another run's sweep could have taken them).
                var present = await ExecuteScalarAsync(connection, "SELECT COUNT(*) FROM documents WHERE source = $s AND generation = $g AND live = 0", cancellationToken, source);
                if (present == 0)
                {
                    throw new InvalidOperationException($"The staged passages of '{source}' in '{collection}' disappeared before commit (a concurrent ingestion?); nothing was changed.");
                }

                await ExecuteAsync(connection, "DELETE FROM chunks WHERE source = $s AND live = 1", cancellationToken, ("$s", source));
                await ExecuteAsync(connection, "DELETE FROM documents WHERE source = $s AND live = 1", cancellationToken, ("$s", source));
            }

            await ExecuteAsync(connection, "UPDATE chunks SET live = 1 WHERE generation = $g AND live = 0", cancellationToken, ("$g", generation));
            await ExecuteAsync(connection, "UPDATE documents SET live = 1 WHERE generation = $g AND live = 0", cancellationToken, ("$g", generation));
            foreach (var source in removedSources)
            {
                await ExecuteAsync(connection, "DELETE FROM chunks WHERE source = $s", cancellationToken, ("$s", source));
                await ExecuteAsync(connection, "DELETE FROM documents WHERE source = $s", cancellationToken, ("$s", source));
            }

            await ExecuteAsync(connection, "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'version'", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            _staged.Clear();
            store.Logger.LogDebug("Committed generation {Generation} of {Collection}", generation, collection);
        }

        private async Task<long> ExecuteScalarAsync(SqliteConnection sqlite, string sql, CancellationToken cancellationToken, string source)
        {
            await using var command = sqlite.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$s", source);
            command.Parameters.AddWithValue("$g", generation);
            return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}
