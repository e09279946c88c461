using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Knowledge;

/// <summary>The passages found for a question, and the question's embedding (answer steps reuse it).</summary>
public sealed record Retrieval(string Query, ReadOnlyMemory<float> QueryVector, IReadOnlyList<KnowledgeHit> Hits)
{
    /// <summary>Cosine similarity of the most similar passage; 0 when nothing was found.</summary>
    public double BestSimilarity => Hits.Count == 0 ? 0 : Hits.Max(h => h.Similarity);
}

/// <summary>
/// Hybrid retrieval shared by answering, the search command and API, and the evaluation: embeds
/// the question (unless the caller already did), extracts its keywords, and lets the store search
/// both ways under the filter.
/// </summary>
public sealed class KnowledgeRetriever(IKnowledgeStore store, IEmbeddingGenerator<string, Embedding<float>> embeddings, IOptions<KnowledgeOptions> options)
{
    public string DefaultCollection => options.Value.DefaultCollection;

    public Task<Retrieval> RetrieveAsync(string query, KnowledgeFilter filter, int top, string? collection, CancellationToken cancellationToken) =>
        RetrieveAsync(query, null, filter, top, collection, cancellationToken);

    /// <summary>Retrieves with <paramref name="queryVector"/>, the question's embedding, when the turn already
    /// has it (the router embedded the same text with the same model), so a turn embeds its question once;
    /// null embeds it here.</summary>
    public async Task<Retrieval> RetrieveAsync(string query, ReadOnlyMemory<float>? queryVector, KnowledgeFilter filter, int top, string? collection, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var settings = options.Value;
        var dimensions = embeddings.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelDimensions;
        if (queryVector is { } given && (given.Length == 0 || (dimensions is { } expected && given.Length != expected)))
        {
            throw new ArgumentException($"The question's vector has {given.Length} dimensions; the embedding model makes {dimensions}.", nameof(queryVector));
        }

        var vector = queryVector ?? (await embeddings.GenerateAsync([query], cancellationToken: cancellationToken))[0].Vector;
        var hybrid = new HybridQuery(vector, KeywordTerms.Words(query), filter, top)
        {
            Candidates = Math.Max(settings.Candidates, top),
            RrfK = settings.RrfK,
        };
        var hits = await store.SearchAsync(collection ?? settings.DefaultCollection, hybrid, cancellationToken);
        return new Retrieval(query, vector, hits);
    }
}
