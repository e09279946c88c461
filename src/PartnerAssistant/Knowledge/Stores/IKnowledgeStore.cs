namespace PartnerAssistant.Knowledge.Stores;

/// <summary>A document as the index holds it: enough to decide whether it must be re-embedded.</summary>
public sealed record IndexedDocument(string Source, string Title, KnowledgeAudience Audience, string ContentHash, int Chunks);

/// <summary>
/// Where passages and their vectors live, and the hybrid search over them. Two implementations
/// pass the same behavioural tests: the embedded SQLite store (default) and Qdrant.
/// </summary>
/// <remarks>
/// Writes go through a <see cref="IKnowledgeWriteBatch"/>: staged passages stay invisible until
/// <see cref="IKnowledgeWriteBatch.CommitAsync"/> swaps them in, so an ingestion run that is killed
/// half-way leaves the previous index whole and answering.
/// </remarks>
public interface IKnowledgeStore
{
    /// <summary>The documents currently searchable in a collection (none when it does not exist).</summary>
    Task<IReadOnlyList<IndexedDocument>> ListDocumentsAsync(string collection, CancellationToken cancellationToken);

    /// <summary>Creates the collection if needed and starts a write whose passages are hidden until committed.</summary>
    Task<IKnowledgeWriteBatch> BeginWriteAsync(string collection, int dimensions, CancellationToken cancellationToken);

    /// <summary>Dense and keyword search, each filtered inside the store, fused by reciprocal rank fusion.
    /// Results are ordered by fused score, best first; an absent collection gives none.</summary>
    Task<IReadOnlyList<KnowledgeHit>> SearchAsync(string collection, HybridQuery query, CancellationToken cancellationToken);

    /// <summary>The collections that exist.</summary>
    Task<IReadOnlyList<string>> ListCollectionsAsync(CancellationToken cancellationToken);

    /// <summary>Removes a collection and everything in it.</summary>
    Task DeleteCollectionAsync(string collection, CancellationToken cancellationToken);
}

/// <summary>One ingestion run's changes to a collection.</summary>
public interface IKnowledgeWriteBatch : IAsyncDisposable
{
    /// <summary>Stores a document's new passages, hidden from searches until the batch commits.</summary>
    Task StageAsync(IndexedDocument document, IReadOnlyList<KnowledgeChunk> chunks, CancellationToken cancellationToken);

    /// <summary>Makes every staged document replace its previous passages and removes <paramref name="removedSources"/>.</summary>
    Task CommitAsync(IReadOnlyCollection<string> removedSources, CancellationToken cancellationToken);
}
