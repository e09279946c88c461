using Microsoft.Extensions.AI;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Tests.Knowledge;

/// <summary>
/// A small deterministic stand-in for the embedding model in tests about ingestion bookkeeping
/// (what gets re-embedded, replaced, removed, and what survives a failed run): each word is hashed
/// to one of 64 dimensions and the vector is normalised. It counts the texts it embeds, and can be
/// told to fail after a number of calls, standing in for a run that dies half-way.
/// </summary>
public sealed class HashingEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const int Dimensions = 64;
    private readonly EmbeddingGeneratorMetadata _metadata = new("test", defaultModelId: "hashing-64", defaultModelDimensions: Dimensions);
    private int _calls;

    public int TextsEmbedded { get; private set; }

    /// <summary>Calls after this many throw, as if the process died. Null: never.</summary>
    public int? FailAfterCalls { get; set; }

    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (FailAfterCalls is { } limit && Interlocked.Increment(ref _calls) > limit)
        {
            throw new IOException("Simulated crash while embedding.");
        }

        var result = new GeneratedEmbeddings<Embedding<float>>();
        foreach (var text in values)
        {
            TextsEmbedded++;
            var vector = new float[Dimensions];
            foreach (var word in KeywordTerms.Words(text))
            {
                var hash = 17;
                foreach (var c in word)
                {
                    hash = (hash * 31) + c;
                }

                vector[(hash & 0x7fffffff) % Dimensions] += 1;
            }

            var norm = MathF.Sqrt(vector.Sum(v => v * v));
            result.Add(new Embedding<float>(norm == 0 ? vector : vector.Select(v => v / norm).ToArray()));
        }

        return Task.FromResult(result);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
