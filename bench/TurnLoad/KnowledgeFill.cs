using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Answering;
using PartnerAssistant.Knowledge.Stores;

/// <summary>
/// Grows the knowledge base a host has ingested to a given number of passages without running the
/// model 10,000 times: each extra passage is made of real sentences of the shipped corpus, drawn at
/// random, carrying the sentence vectors ingestion stored for them, and its passage vector is their
/// normalised mean. The extra passages are staged and committed through the store like any ingestion,
/// and their sentence vectors written to the relational sidecar, so answering finds everything it
/// would find after a real ingestion of that size.
/// </summary>
internal static class KnowledgeFill
{
    private sealed record Sentence(string Text, Half[] Vector);

    public static async Task<int> GrowAsync(string dataFolder, int passages, int seed)
    {
        var data = Options.Create(new DataOptions { Folder = dataFolder });
        var store = new SqliteKnowledgeStore(data, NullLogger<SqliteKnowledgeStore>.Instance);
        var live = await ReadPassagesAsync(store.FolderPath);
        await using var db = OpenDatabase(dataFolder);
        var vectors = await db.SentenceVectors.AsNoTracking().ToDictionaryAsync(r => r.ChunkId);
        var sentences = new List<Sentence>();
        foreach (var (id, title, section, text) in live)
        {
            if (!vectors.TryGetValue(id, out var row))
            {
                continue;
            }

            var cut = PassageCut.Of(id, text, section, title);
            var halves = MemoryMarshal.Cast<byte, Half>(row.Vectors).ToArray();
            var dimensions = halves.Length / row.Count;
            foreach (var unit in cut.Units.Where(u => u.Kind == SentenceKind.Sentence && u.Words >= 5))
            {
                sentences.Add(new Sentence(unit.Text, halves.AsSpan(unit.Index * dimensions, dimensions).ToArray()));
            }
        }

        var missing = passages - live.Count;
        if (missing <= 0 || sentences.Count == 0)
        {
            return live.Count;
        }

        var random = new Random(seed);
        await using var batch = await store.BeginWriteAsync("enablement", MiniLm.Dimensions, CancellationToken.None);
        const int PerDocument = 100;
        var rows = new List<KnowledgeSentenceVectorsRow>();
        for (var d = 0; d * PerDocument < missing; d++)
        {
            var source = $"bench/synthetic-{d:D4}.md";
            var title = $"Field note {d}";
            var audience = d % 10 == 9 ? KnowledgeAudience.Internal : KnowledgeAudience.Partner;
            var chunks = new List<KnowledgeChunk>();
            for (var p = 0; p < PerDocument && d * PerDocument + p < missing; p++)
            {
                var picked = Enumerable.Range(0, random.Next(6, 11)).Select(_ => sentences[random.Next(sentences.Count)]).DistinctBy(s => s.Text).ToList();
                var text = string.Join('\n', picked.Select(s => s.Text));
                var section = $"Part {p + 1}";
                var cut = PassageCut.Of(Guid.NewGuid(), text, section, title);
                if (cut.Units.Count != picked.Count)
                {
                    continue;
                }

                var unitVectors = picked.Select(s => Single(s.Vector)).ToList();
                var mean = new float[MiniLm.Dimensions];
                foreach (var vector in unitVectors)
                {
                    TensorPrimitives.Add(mean, vector, mean);
                }

                TensorPrimitives.Divide(mean, TensorPrimitives.Norm(mean), mean);
                chunks.Add(new KnowledgeChunk
                {
                    Id = cut.ChunkId, Source = source, Title = title, Section = section, Anchor = $"part-{p + 1}",
                    SourceUrl = $"https://partners.northbeam.example/docs/field-note-{d}", Text = text, Audience = audience,
                    Ordinal = p, ContentHash = $"bench-{seed}-{d}", Vector = mean,
                });
                // The heading's vector: the passage's own, which stands for what the passage is about.
                rows.Add(new KnowledgeSentenceVectorsRow
                {
                    ChunkId = cut.ChunkId, Collection = "enablement", Source = source, ContentHash = $"bench-{seed}-{d}",
                    Fingerprint = cut.Fingerprint, Count = cut.Texts.Count,
                    Vectors = SentenceVectors.Pack([.. unitVectors.Select(v => (ReadOnlyMemory<float>)v), mean]),
                });
            }

            await batch.StageAsync(new IndexedDocument(source, title, audience, $"bench-{seed}-{d}", chunks.Count), chunks, CancellationToken.None);
        }

        await batch.CommitAsync([], CancellationToken.None);
        foreach (var slice in rows.Chunk(500))
        {
            db.SentenceVectors.AddRange(slice);
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        return (await ReadPassagesAsync(store.FolderPath)).Count;
    }

    private static float[] Single(Half[] halves)
    {
        var vector = new float[halves.Length];
        TensorPrimitives.ConvertToSingle(halves, vector);
        return vector;
    }

    private static async Task<List<(Guid Id, string Title, string Section, string Text)>> ReadPassagesAsync(string knowledgeFolder)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(knowledgeFolder, "enablement.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT key, title, section, text FROM chunks WHERE live = 1";
        var passages = new List<(Guid, string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            passages.Add((Guid.Parse(reader.GetString(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return passages;
    }

    private static SqliteKnowledgeDbContext OpenDatabase(string dataFolder)
    {
        var options = new DbContextOptionsBuilder<SqliteKnowledgeDbContext>();
        var connection = AssistantDatabase.SqliteConnectionString(new DataOptions { Folder = dataFolder }, new DatabaseOptions());
        AssistantDatabase.Configure(options, DatabaseProvider.Sqlite, connection, KnowledgeDbContext.HistoryTable);
        return new SqliteKnowledgeDbContext(options.Options);
    }

    private static class MiniLm
    {
        public const int Dimensions = PartnerAssistant.Knowledge.Embeddings.MiniLmEmbeddingGenerator.Dimensions;
    }
}
