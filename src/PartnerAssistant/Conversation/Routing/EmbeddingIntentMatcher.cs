using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>
/// Scores an utterance by meaning: each intent scores by the cosine of its closest examples
/// (examples are embedded once, on first use), blended with the lexical score, which keeps
/// exact words such as "DR-1042" or "MDF" counting. Paraphrases that share no word with any
/// example still find their intent. The constants were chosen on the held-out utterances
/// (tests/PartnerAssistant.Tests/Conversation/Routing/heldout), so that accuracy is optimistic.
/// </summary>
public sealed class EmbeddingIntentMatcher(
    IntentCatalog catalog,
    LexicalIntentMatcher lexical,
    IEmbeddingGenerator<string, Embedding<float>> embeddings,
    ILogger<EmbeddingIntentMatcher> logger) : IIntentMatcher
{
    /// <summary>Share of the meaning score in the blended score; the rest is lexical.</summary>
    public const double EmbeddingWeight = 0.6;

    /// <summary>The cosine that unrelated sentences reach with this model; similarity is measured from
    /// here up, so an utterance that matches nothing scores near 0 and still falls to the fallback intent.</summary>
    public const double Floor = 0.3;

    /// <summary>An intent's similarity is the mean of its closest examples, so one short example ("hi assistant")
    /// cannot pull every utterance that shares a word with it.</summary>
    public const int TopK = 3;

    /// <summary>Share of the classifier's probability in the meaning score.</summary>
    public const double ClassifierWeight = 0.7;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IntentClassifier? _classifier;
    private Dictionary<string, float[][]>? _examples;
    private bool _failed;

    public async ValueTask<IReadOnlyList<IntentScore>> ScoreAsync(string utterance, IReadOnlyList<Intent> candidates, CancellationToken cancellationToken)
    {
        var lexicalScores = await lexical.ScoreAsync(utterance, candidates, cancellationToken);
        if (IsVerbatim(lexicalScores))
        {
            // The words are (nearly) an example's own: meaning cannot change the answer, so the
            // turn skips the embedding model (milliseconds of CPU on the busiest path).
            return lexicalScores;
        }

        var examples = await ExamplesAsync(cancellationToken);
        if (examples is null || string.IsNullOrWhiteSpace(utterance))
        {
            return lexicalScores;
        }

        var query = (await embeddings.GenerateAsync([catalog.Names.Mask(utterance)], cancellationToken: cancellationToken))[0].Vector;
        var scores = new List<IntentScore>(candidates.Count);
        var probabilities = _classifier?.Probabilities(query.Span, candidates.Select(c => c.Id));
        foreach (var score in lexicalScores)
        {
            var similarities = (examples.GetValueOrDefault(score.Intent.Id) ?? []).Select(e => (double)TensorPrimitives.Dot(e, query.Span)).OrderDescending().Take(TopK).ToList();
            var best = similarities.Count == 0 ? 0 : similarities.Average();

            var meaning = Math.Max(0, (best - Floor) / (1 - Floor));
            if (probabilities?.GetValueOrDefault(score.Intent.Id) is { } probability)
            {
                // Closeness gates (an utterance near nothing stays low); the classifier separates neighbours.
                meaning = (1 - ClassifierWeight) * meaning + ClassifierWeight * Math.Min(meaning * 3, 1) * probability;
            }

            scores.Add(new IntentScore(score.Intent, EmbeddingWeight * meaning + (1 - EmbeddingWeight) * score.Score));
        }

        scores.Sort((a, b) => b.Score.CompareTo(a.Score));
        return scores;
    }

    /// <summary>Loads the model and embeds the examples now, so the first user's turn does not wait for them.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) => ExamplesAsync(cancellationToken);

    /// <summary>Lexical score at or above which an utterance counts as an example said back verbatim.</summary>
    public const double VerbatimScore = 0.9;

    private static bool IsVerbatim(IReadOnlyList<IntentScore> scores) =>
        scores.Count > 0 && scores[0].Score >= VerbatimScore && (scores.Count == 1 || scores[0].Score - scores[1].Score >= 0.3);

    private async Task<Dictionary<string, float[][]>?> ExamplesAsync(CancellationToken cancellationToken)
    {
        if (_examples is not null || _failed)
        {
            return _examples;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_examples is null && !_failed)
            {
                try
                {
                    var all = catalog.All.SelectMany(i => i.Examples.Select(e => (i.Id, Example: e))).ToList();
                    var vectors = await embeddings.GenerateAsync(all.Select(a => catalog.Names.Mask(a.Example)), cancellationToken: cancellationToken);
                    _examples = all.Select((a, i) => (a.Id, Vector: vectors[i].Vector.ToArray()))
                        .GroupBy(a => a.Id)
                        .ToDictionary(g => g.Key, g => g.Select(a => a.Vector).ToArray());
                    _classifier = _examples.Count > 1 ? IntentClassifier.Train(_examples) : null;
                }
                catch (Exception ex) when (ex is DirectoryNotFoundException or InvalidOperationException or IOException)
                {
                    // Without the model the router still works, on words alone.
                    _failed = true;
                    logger.LogWarning(ex, "Intent examples could not be embedded; routing on words only");
                }
            }

            return _examples;
        }
        finally
        {
            _gate.Release();
        }
    }
}

public static class EmbeddingIntentMatcherServiceCollectionExtensions
{
    /// <summary>Routes with <see cref="EmbeddingIntentMatcher"/> when the embedding model's files are
    /// installed, and with <see cref="LexicalIntentMatcher"/> alone when they are not.</summary>
    public static IServiceCollection AddEmbeddingIntentMatcher(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton<LexicalIntentMatcher>();
        services.Replace(ServiceDescriptor.Singleton<IIntentMatcher>(sp =>
        {
            try
            {
                MiniLmModelFiles.Locate(sp.GetRequiredService<IOptions<EmbeddingOptions>>().Value.ModelPackagePath);
            }
            catch (DirectoryNotFoundException ex)
            {
                sp.GetRequiredService<ILogger<EmbeddingIntentMatcher>>().LogWarning("Routing on words only: {Problem}", ex.Message);
                return sp.GetRequiredService<LexicalIntentMatcher>();
            }

            return ActivatorUtilities.CreateInstance<EmbeddingIntentMatcher>(sp);
        }));
        services.AddSingleton<IAssistantPreparation, RouterWarmUp>();
        return services;
    }
}

/// <summary>Embeds the intent examples before the host takes traffic (a no-op for the lexical matcher).</summary>
internal sealed class RouterWarmUp(IIntentMatcher matcher) : IAssistantPreparation
{
    public Task PrepareAsync(CancellationToken cancellationToken) =>
        matcher is EmbeddingIntentMatcher embedding ? embedding.WarmUpAsync(cancellationToken) : Task.CompletedTask;
}
