using System.Collections.Concurrent;
using PartnerAssistant.Knowledge.Answering;

namespace PartnerAssistant.Knowledge;

/// <summary>
/// The words of a collection's documents and in how many documents each occurs, read from the
/// document registry (the text every replica shares) and kept in memory. Answering uses it to weigh
/// a question's words: one the corpus never uses ("canteen", "bitcoin") says the question is about
/// something the documents do not cover. Rebuilt after an ingestion in this process, and at least
/// every <see cref="Refresh"/> so other replicas' ingestions are seen.
/// </summary>
public sealed class KnowledgeWordWeights(KnowledgeRegistry registry, TimeProvider time)
{
    /// <summary>How long a vocabulary is used before it is read again.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, Task<Words>> _collections = new(StringComparer.Ordinal);

    /// <summary>Document frequencies of stems (as <see cref="QuestionAsks.Stems"/> makes them) over a collection's documents.</summary>
    public sealed record Words(IReadOnlyDictionary<string, int> DocumentFrequency, int Documents, DateTimeOffset ReadAt)
    {
        /// <summary>Inverse document frequency; a word no document uses weighs most.</summary>
        public double Weight(string stem) => Math.Log((Documents + 1.0) / (DocumentFrequency.GetValueOrDefault(stem) + 0.5));
    }

    public async Task<Words> ForAsync(string collection, CancellationToken cancellationToken)
    {
        var current = _collections.GetOrAdd(collection, c => ReadAsync(c, cancellationToken));
        var words = await current;
        if (time.GetUtcNow() - words.ReadAt > Refresh)
        {
            // One caller re-reads; the others keep answering with the words they have.
            var fresh = ReadAsync(collection, cancellationToken);
            if (_collections.TryUpdate(collection, fresh, current))
            {
                return await fresh;
            }
        }

        return words;
    }

    /// <summary>Forgets a collection's words, so the next question reads them again (after an ingestion).</summary>
    public void Invalidate(string collection) => _collections.TryRemove(collection, out _);

    private async Task<Words> ReadAsync(string collection, CancellationToken cancellationToken)
    {
        try
        {
            var documents = await registry.ListDocumentsAsync(collection, includeRetired: false, cancellationToken);
            var frequency = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var document in documents)
            {
                foreach (var stem in QuestionAsks.Stems(document.Title + "\n" + document.Markdown))
                {
                    frequency[stem] = frequency.GetValueOrDefault(stem) + 1;
                }
            }

            return new Words(frequency, documents.Count, time.GetUtcNow());
        }
        catch
        {
            // A failed read is not kept: the next question tries again.
            _collections.TryRemove(collection, out _);
            throw;
        }
    }
}
