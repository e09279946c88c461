using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Knowledge.Answering;
using PartnerAssistant.Knowledge.Documents;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Knowledge;

/// <summary>What one ingestion run did.</summary>
public sealed record IngestReport(string Collection, int Added, int Updated, int Unchanged, int Removed, int ChunksEmbedded, TimeSpan Elapsed, IReadOnlyList<string> Problems)
{
    /// <summary>Sentences embedded for extractive answers (those of changed passages, and of unchanged ones stored without them).</summary>
    public int SentencesEmbedded { get; init; }

    public double ChunksPerSecond => Elapsed.TotalSeconds > 0 ? ChunksEmbedded / Elapsed.TotalSeconds : 0;

    public override string ToString() =>
        $"{Collection}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Removed} removed; {ChunksEmbedded} passages and {SentencesEmbedded} sentences embedded in {Elapsed.TotalSeconds:F1} s"
        + (Problems.Count > 0 ? $"; {Problems.Count} file(s) skipped" : "");
}

/// <summary>
/// Keeps a collection in step with its documents: the files of a folder plus the documents editors
/// uploaded, less the retired ones. A document whose content hash is unchanged is not re-embedded;
/// a changed one replaces its passages; a vanished one is removed. All of a run's changes become
/// visible together when it commits (see <see cref="IKnowledgeWriteBatch"/>). The sentences of every
/// passage are embedded here too (<see cref="SentenceVectors"/>), stored before the commit that
/// makes their passages visible, so answering never has to embed them.
/// </summary>
public sealed class KnowledgeIngestor(
    IKnowledgeStore store,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    KnowledgeRegistry registry,
    SentenceVectors sentences,
    KnowledgeWordWeights vocabulary,
    IOptions<KnowledgeOptions> options,
    ILogger<KnowledgeIngestor> logger)
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new();

    /// <summary>Reads every supported file under <paramref name="folder"/> and syncs the collection with them.</summary>
    public async Task<IngestReport> IngestFolderAsync(string folder, string collection, bool force, string? by, CancellationToken cancellationToken)
    {
        if (!System.IO.Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The folder '{folder}' does not exist.");
        }

        var problems = new List<string>();
        var documents = new List<KnowledgeDocument>();
        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Where(DocumentReader.IsSupported).Order(StringComparer.Ordinal))
        {
            var source = Path.GetRelativePath(folder, file).Replace('\\', '/');
            try
            {
                // Shipped documents without front matter stay internal until someone says otherwise.
                documents.Add(DocumentReader.Read(source, await File.ReadAllBytesAsync(file, cancellationToken), KnowledgeAudience.Internal));
            }
            catch (DocumentFormatException ex)
            {
                problems.Add(ex.Message);
                logger.LogWarning("Skipped {Source}: {Problem}", source, ex.Message);
            }
        }

        var report = await SyncAsync(collection, documents, folderSync: true, force, by, problems, cancellationToken);
        await registry.RecordFolderAsync(collection, Path.GetFullPath(folder), cancellationToken);
        return report;
    }

    /// <summary>Re-indexes a collection from the documents the registry holds (every replica can, as the text is there).</summary>
    public Task<IngestReport> ReindexAsync(string collection, bool force, string? by, CancellationToken cancellationToken) =>
        SyncAsync(collection, [], folderSync: false, force, by, [], cancellationToken);

    private async Task<IngestReport> SyncAsync(string collection, IReadOnlyList<KnowledgeDocument> folderDocuments, bool folderSync, bool force, string? by,
        List<string> problems, CancellationToken cancellationToken)
    {
        var gate = Locks.GetOrAdd(collection, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var clock = Stopwatch.StartNew();
            var registered = await registry.ListDocumentsAsync(collection, includeRetired: true, cancellationToken);
            var retired = registered.Where(r => r.Retired).Select(r => r.Source).ToHashSet(StringComparer.Ordinal);

            // The wanted set: folder documents (or, without a folder, the registry's folder documents) and uploads, less retired ones.
            var wanted = new Dictionary<string, (KnowledgeDocument Document, DocumentOrigin Origin)>(StringComparer.Ordinal);
            var folderSources = folderSync
                ? folderDocuments.Select(d => d.Source).ToHashSet(StringComparer.Ordinal)
                : registered.Where(r => r.Origin == DocumentOrigin.Folder).Select(r => r.Source).ToHashSet(StringComparer.Ordinal);
            foreach (var document in folderSync ? folderDocuments : registered.Where(r => r.Origin == DocumentOrigin.Folder && !r.Retired).Select(r => r.ToDocument()))
            {
                wanted[document.Source] = (document, DocumentOrigin.Folder);
            }

            // An editor's upload wins over a shipped file of the same name: it is the newer word.
            foreach (var upload in registered.Where(r => r.Origin == DocumentOrigin.Upload && !r.Retired))
            {
                wanted[upload.Source] = (upload.ToDocument(), DocumentOrigin.Upload);
            }

            foreach (var source in retired)
            {
                wanted.Remove(source);
            }

            var indexed = (await store.ListDocumentsAsync(collection, cancellationToken)).ToDictionary(d => d.Source, StringComparer.Ordinal);
            var chunker = new MarkdownChunker(options.Value.ChunkWords, options.Value.OverlapWords);
            var modelId = embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId ?? "unknown-model";
            int added = 0, updated = 0, unchanged = 0, embedded = 0, sentencesEmbedded = 0;
            var results = new List<(KnowledgeDocument Document, DocumentOrigin Origin, string Hash, int Chunks)>();
            var changed = new List<(KnowledgeDocument Document, string Hash, IReadOnlyList<TextChunk> Chunks)>();
            foreach (var (document, origin) in wanted.Values.OrderBy(w => w.Document.Source, StringComparer.Ordinal))
            {
                var hash = ContentHash(document, modelId);
                if (!force && indexed.TryGetValue(document.Source, out var current) && current.ContentHash == hash)
                {
                    unchanged++;
                    results.Add((document, origin, hash, current.Chunks));
                    continue;
                }

                var chunks = chunker.Chunk(document);
                changed.Add((document, hash, chunks));
                results.Add((document, origin, hash, chunks.Count));
                if (indexed.ContainsKey(document.Source))
                {
                    updated++;
                }
                else
                {
                    added++;
                }
            }

            var removed = indexed.Keys.Where(s => !wanted.ContainsKey(s)).ToList();
            if (changed.Count > 0 || removed.Count > 0)
            {
                var dimensions = embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions
                    ?? (await embeddings.GenerateAsync(["dimensions"], cancellationToken: cancellationToken))[0].Vector.Length;
                await using var batch = await store.BeginWriteAsync(collection, dimensions, cancellationToken);
                foreach (var (document, hash, chunks) in changed)
                {
                    var vectors = chunks.Count == 0
                        ? []
                        : await EmbedAsync(chunks.Select(c => c.EmbeddingText(document.Title)).ToList(), cancellationToken);
                    var records = chunks.Select((c, i) => ToRecord(collection, document, c, hash, vectors[i])).ToList();
                    await batch.StageAsync(new IndexedDocument(document.Source, document.Title, document.Audience, hash, records.Count), records, cancellationToken);
                    sentencesEmbedded += await sentences.StoreAsync(collection, document.Source, hash, records.Select(r => PassageCut.Of(r.Id, r.Text, r.Section, r.Title)).ToList(), cancellationToken);
                    embedded += records.Count;
                }

                await batch.CommitAsync(removed, cancellationToken);
            }

            // Passages indexed before sentence vectors existed (or whose rows were lost) get them now, without re-embedding the passages.
            var stored = await sentences.StoredDocumentsAsync(collection, cancellationToken);
            var changedSources = changed.Select(c => c.Document.Source).ToHashSet(StringComparer.Ordinal);
            foreach (var (document, _, hash, _) in results.Where(r => r.Chunks > 0 && !changedSources.Contains(r.Document.Source) && !stored.Contains((r.Document.Source, r.Hash))))
            {
                var passages = chunker.Chunk(document).Select(c => PassageCut.Of(ChunkId(collection, document.Source, hash, c.Ordinal), c.Text, c.Section, document.Title)).ToList();
                sentencesEmbedded += await sentences.StoreAsync(collection, document.Source, hash, passages, cancellationToken);
            }

            await sentences.PruneAsync(collection, results.ToDictionary(r => r.Document.Source, r => r.Hash, StringComparer.Ordinal), cancellationToken);
            await registry.RecordIngestionAsync(collection, results, folderSync ? registered.Where(r => !folderSources.Contains(r.Source)).Select(r => r.Source).ToList() : [], by, cancellationToken);
            vocabulary.Invalidate(collection);
            var report = new IngestReport(collection, added, updated, unchanged, removed.Count, embedded, clock.Elapsed, problems) { SentencesEmbedded = sentencesEmbedded };
            logger.LogInformation("Ingested {Collection}: {Added} added, {Updated} updated, {Unchanged} unchanged, {Removed} removed, {Chunks} passages and {Sentences} sentences embedded in {Seconds:F1} s",
                collection, added, updated, unchanged, removed.Count, embedded, sentencesEmbedded, clock.Elapsed.TotalSeconds);
            return report;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<List<ReadOnlyMemory<float>>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new List<ReadOnlyMemory<float>>(texts.Count);
        foreach (var batch in texts.Chunk(options.Value.EmbeddingBatchSize))
        {
            var generated = await embeddings.GenerateAsync(batch, cancellationToken: cancellationToken);
            vectors.AddRange(generated.Select(e => e.Vector));
        }

        return vectors;
    }

    private static KnowledgeChunk ToRecord(string collection, KnowledgeDocument document, TextChunk chunk, string hash, ReadOnlyMemory<float> vector) => new()
    {
        Id = ChunkId(collection, document.Source, hash, chunk.Ordinal),
        Source = document.Source,
        Title = document.Title,
        Section = chunk.Section,
        Anchor = chunk.Anchor,
        SourceUrl = document.SourceUrl,
        Text = chunk.Text,
        Audience = document.Audience,
        Tiers = [.. document.Tiers],
        PartnerTypes = [.. document.PartnerTypes],
        Ordinal = chunk.Ordinal,
        ContentHash = hash,
        Vector = vector,
    };

    /// <summary>A deterministic id, so re-staging the same content writes the same points.</summary>
    private static Guid ChunkId(string collection, string source, string hash, int ordinal)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{collection}\n{source}\n{hash}\n{ordinal}"));
        return new Guid(bytes.AsSpan(0, 16));
    }

    /// <summary>Hash of everything that shapes a document's passages: its text and metadata, the chunking settings and the model.</summary>
    public string ContentHash(KnowledgeDocument document, string modelId)
    {
        var settings = options.Value;
        var text = $"{modelId}\n{settings.ChunkWords}/{settings.OverlapWords}\n{JsonSerializer.Serialize(document)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
