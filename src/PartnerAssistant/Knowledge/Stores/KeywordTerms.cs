using System.Globalization;
using System.Text;

namespace PartnerAssistant.Knowledge.Stores;

/// <summary>
/// The keyword side of hybrid search: the words of a question worth matching (stop words dropped),
/// and a sparse term vector for stores that score keywords as sparse vectors (Qdrant, with its
/// IDF modifier, so the score is BM25-like).
/// </summary>
public static class KeywordTerms
{
    private static readonly HashSet<string> StopWords =
    [
        "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "before", "being",
        "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from", "get", "got", "had", "has", "have", "having", "he",
        "her", "here", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "me", "more", "my", "no", "not", "of",
        "on", "or", "our", "ours", "out", "should", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these",
        "they", "this", "those", "through", "to", "too", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which",
        "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "hi", "hey", "please", "thanks", "pls", "ok",
        "guys", "tell", "know", "need", "want", "let", "there", "anyone", "someone", "much", "many", "still", "go", "going", "im",
    ];

    /// <summary>Whether a lower-case word is too common in questions and documents to tell them apart.</summary>
    public static bool IsStopWord(string word) => StopWords.Contains(word);

    /// <summary>Lower-case words without accents, stop words and one-letter tokens, in order, each once.</summary>
    public static IReadOnlyList<string> Words(string text)
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

        return builder.ToString()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 1 && !StopWords.Contains(w))
            .Distinct()
            .ToList();
    }

    /// <summary>An FTS5 query matching any of the words (each quoted, so no word is read as an operator).</summary>
    public static string? Fts5Query(IReadOnlyList<string> words) =>
        words.Count == 0 ? null : string.Join(" OR ", words.Select(w => "\"" + w.Replace("\"", "", StringComparison.Ordinal) + "\""));

    /// <summary>Term id → weight: hashed stems with saturated term frequency ((k1 + 1)·tf / (tf + k1), k1 = 1.2).</summary>
    public static (uint[] Indices, float[] Values) SparseVector(string text, bool query = false)
    {
        var counts = new SortedDictionary<uint, int>();
        foreach (var word in query ? Words(text) : AllWords(text))
        {
            var id = TermId(Stem(word));
            counts[id] = counts.GetValueOrDefault(id) + 1;
        }

        const float k1 = 1.2f;
        return (counts.Keys.ToArray(), counts.Values.Select(tf => query ? 1f : (k1 + 1) * tf / (tf + k1)).ToArray());
    }

    private static IEnumerable<string> AllWords(string text)
    {
        // A passage counts repeated words, so it is not de-duplicated like a question.
        var normalized = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
            }
        }

        return builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 1 && !StopWords.Contains(w));
    }

    /// <summary>FNV-1a over the UTF-8 bytes: stable across processes and versions, unlike string.GetHashCode.</summary>
    private static uint TermId(string term)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(term))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }

    /// <summary>A light suffix stripper so "registrations", "registered" and "registration" meet.</summary>
    internal static string Stem(string word)
    {
        foreach (var suffix in new[] { "ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "ed", "es", "s" })
        {
            if (word.Length - suffix.Length >= 4 && word.EndsWith(suffix, StringComparison.Ordinal) && !(suffix == "s" && word.EndsWith("ss", StringComparison.Ordinal)))
            {
                return suffix is "ies" or "ied" ? word[..^suffix.Length] + "y" : word[..^suffix.Length];
            }
        }

        return word;
    }
}
