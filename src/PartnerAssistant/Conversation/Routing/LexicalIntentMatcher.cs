using System.Globalization;
using System.Text;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>How well an utterance matches one intent, 0 to 1.</summary>
public sealed record IntentScore(Intent Intent, double Score);

/// <summary>An utterance as the matchers read it: its names masked once per turn (<see cref="NameMasker.Mask"/>).</summary>
public sealed record MatcherInput(string Text, string Masked)
{
    public static MatcherInput Of(string text, NameMasker names) => new(text, names.Mask(text));
}

/// <summary>An utterance's scores, best first, and its sentence embedding when a matcher computed one
/// (empty otherwise), so the turn can reuse it instead of embedding the same text again.</summary>
public sealed record MatchResult(IReadOnlyList<IntentScore> Scores, ReadOnlyMemory<float> Vector);

/// <summary>Scores an utterance against the intents a caller may use.</summary>
public interface IIntentMatcher
{
    ValueTask<MatchResult> ScoreAsync(MatcherInput utterance, IReadOnlyList<Intent> candidates, CancellationToken cancellationToken);
}

/// <summary>
/// TF-IDF cosine similarity between the utterance and each intent's examples, over words, word
/// pairs and character trigrams (so a typo still lands near the right words). An intent scores
/// as its closest example. Needs no model, so the router works on a fresh machine.
/// </summary>
public sealed class LexicalIntentMatcher : IIntentMatcher
{
    private readonly Dictionary<string, double> _idf;
    private readonly Dictionary<string, List<Dictionary<string, double>>> _examples;
    private readonly double _unseenIdf;
    private readonly NameMasker _names;

    public LexicalIntentMatcher(IntentCatalog catalog)
    {
        _names = catalog.Names;
        var documents = catalog.All.SelectMany(i => i.Examples.Select(e => (i.Id, Features: Features(_names.Strip(e))))).ToList();
        var documentFrequency = new Dictionary<string, int>();
        foreach (var (_, features) in documents)
        {
            foreach (var feature in features.Keys)
            {
                documentFrequency[feature] = documentFrequency.GetValueOrDefault(feature) + 1;
            }
        }

        var n = Math.Max(1, documents.Count);
        _idf = documentFrequency.ToDictionary(kv => kv.Key, kv => Math.Log(1 + n / (double)kv.Value));
        _unseenIdf = Math.Log(1 + n);
        _examples = documents.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.Select(d => Weigh(d.Features)).ToList());
    }

    public ValueTask<MatchResult> ScoreAsync(MatcherInput utterance, IReadOnlyList<Intent> candidates, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new MatchResult(Score(utterance, candidates), ReadOnlyMemory<float>.Empty));

    /// <summary>Scores against the given intents, best first.</summary>
    public IReadOnlyList<IntentScore> Score(MatcherInput utterance, IReadOnlyList<Intent> candidates)
    {
        var query = Weigh(Features(NameMasker.StripMasked(utterance.Masked)));
        var scores = new List<IntentScore>(candidates.Count);
        foreach (var intent in candidates)
        {
            var best = 0.0;
            if (_examples.TryGetValue(intent.Id, out var examples))
            {
                foreach (var example in examples)
                {
                    best = Math.Max(best, Cosine(query, example));
                }
            }

            scores.Add(new IntentScore(intent, best));
        }

        scores.Sort((a, b) => b.Score.CompareTo(a.Score));
        return scores;
    }

    private Dictionary<string, double> Weigh(Dictionary<string, int> features)
    {
        var weighted = new Dictionary<string, double>(features.Count);
        var norm = 0.0;
        foreach (var (feature, count) in features)
        {
            var weight = (1 + Math.Log(count)) * _idf.GetValueOrDefault(feature, _unseenIdf) * (feature[0] == '#' ? 0.5 : 1.0);
            weighted[feature] = weight;
            norm += weight * weight;
        }

        norm = Math.Sqrt(norm);
        if (norm > 0)
        {
            foreach (var key in weighted.Keys.ToList())
            {
                weighted[key] /= norm;
            }
        }

        return weighted;
    }

    private static double Cosine(Dictionary<string, double> a, Dictionary<string, double> b)
    {
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        var sum = 0.0;
        foreach (var (key, value) in small)
        {
            if (large.TryGetValue(key, out var other))
            {
                sum += value * other;
            }
        }

        return sum;
    }

    /// <summary>Words (lightly stemmed), adjacent word pairs, and character trigrams marked with '#'.</summary>
    internal static Dictionary<string, int> Features(string text)
    {
        var words = Words(text);
        var features = new Dictionary<string, int>();
        for (var i = 0; i < words.Count; i++)
        {
            Add(features, words[i]);
            if (i > 0)
            {
                Add(features, words[i - 1] + "_" + words[i]);
            }

            var padded = $" {words[i]} ";
            for (var j = 0; j + 3 <= padded.Length; j++)
            {
                Add(features, "#" + padded.Substring(j, 3));
            }
        }

        return features;
    }

    internal static List<string> Words(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }

        return builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Stem).ToList();
    }

    private static string Stem(string word)
    {
        if (word.Length > 5 && word.EndsWith("ing", StringComparison.Ordinal))
        {
            return word[..^3];
        }

        if (word.Length > 4 && word.EndsWith("ed", StringComparison.Ordinal))
        {
            return word[..^2];
        }

        if (word.Length > 3 && word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal))
        {
            return word[..^1];
        }

        return word;
    }

    private static void Add(Dictionary<string, int> features, string feature) =>
        features[feature] = features.GetValueOrDefault(feature) + 1;
}
