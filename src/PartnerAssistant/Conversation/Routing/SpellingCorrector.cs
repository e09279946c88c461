using System.Text;
using System.Text.RegularExpressions;
using F23.StringSimilarity;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>One word the corrector replaced; <paramref name="Shorthand"/> when it only spelt out chat shorthand ("regs").</summary>
public sealed record Correction(string From, string To, bool Shorthand = false);

/// <summary>A text after spelling correction, and what was replaced.</summary>
public sealed record CorrectedText(string Text, IReadOnlyList<Correction> Corrections)
{
    /// <summary>Whether a word that carries meaning was replaced ("registratons" → "registrations"), rather than only a
    /// small word ("teh" → "the"), which changes neither the route nor the search terms.</summary>
    public bool ChangedMeaning => Corrections.Any(c => !c.Shorthand && KeywordTerms.Words(c.To).Count > 0);
}

/// <summary>
/// Spells out chat shorthand ("regs", "u") and corrects misspelt words towards the assistant's own vocabulary (intent examples, program terms,
/// the enablement corpus, customer and partner names), before routing and search. A word is left
/// alone when it is known (the assistant's, general English, chat shorthand), looks like a name
/// (capitalised inside a sentence), an acronym, a number, or part of an address. Otherwise the closest
/// word by optimal-string-alignment distance (insertions, deletions, substitutions and swapped
/// neighbours, from F23.StringSimilarity) within one edit for short words and two for longer ones is
/// taken; on a tie, swapped neighbours first, then a word the typed one starts (a last letter left off), then the more
/// frequent one.
/// </summary>
public static partial class SpellingCorrector
{
    /// <summary>Words shorter than this are never corrected: too many words lie one edit from them.</summary>
    public const int MinLength = 3;

    /// <summary>A correction target must occur at least this often in what the assistant reads.</summary>
    public const int MinFrequency = 2;

    private static readonly OptimalStringAlignment Distance = new();

    public static CorrectedText Correct(string text, AssistantVocabulary vocabulary)
    {
        if (vocabulary.Count == 0 || string.IsNullOrWhiteSpace(text))
        {
            return new CorrectedText(text, []);
        }

        var corrections = new List<Correction>();
        var result = new StringBuilder(text.Length);
        var position = 0;
        foreach (Match word in WordPattern().Matches(text))
        {
            var shorthand = word.Value.All(char.IsLower) && !InsideToken(text, word) ? vocabulary.Shorthand.GetValueOrDefault(word.Value) : null;
            if ((shorthand ?? Corrected(text, word, vocabulary)) is not { } replacement)
            {
                continue;
            }

            result.Append(text, position, word.Index - position).Append(replacement);
            position = word.Index + word.Length;
            corrections.Add(new Correction(word.Value, replacement, shorthand is not null));
        }

        return corrections.Count == 0
            ? new CorrectedText(text, [])
            : new CorrectedText(result.Append(text, position, text.Length - position).ToString(), corrections);
    }

    private static string? Corrected(string text, Match word, AssistantVocabulary vocabulary)
    {
        var value = word.Value;
        var lower = value.ToLowerInvariant();
        if (value.Length < MinLength || vocabulary.Knows(lower) || IsName(text, word) || InsideToken(text, word))
        {
            return null;
        }

        var maxDistance = value.Length <= 4 ? 1 : 2;
        var letters = Sorted(lower);
        string? best = null;
        var bestRank = (Distance: double.MaxValue, Shape: int.MaxValue, Cut: int.MaxValue);
        var bestFrequency = 0;
        for (var length = value.Length - maxDistance; length <= value.Length + maxDistance; length++)
        {
            if (!vocabulary.ByLength.TryGetValue(length, out var candidates))
            {
                continue;
            }

            foreach (var candidate in candidates)
            {
                var frequency = vocabulary.FrequencyOf(candidate);
                if (frequency < MinFrequency)
                {
                    continue;
                }

                var distance = Distance.Distance(lower, candidate);
                if (distance > maxDistance)
                {
                    continue;
                }

                // On equal distance, swapped letters ("opne" → "open") beat any other edit ("one"); then a word the typed one
                // is the start of ("wher" → "where", a last letter left off, rather than "when"); then the more frequent word wins.
                var rank = (distance, candidate.Length == lower.Length && Sorted(candidate) == letters ? 0 : 1, candidate.StartsWith(lower, StringComparison.Ordinal) ? 0 : 1);
                if (rank.CompareTo(bestRank) > 0 || (rank == bestRank && frequency <= bestFrequency))
                {
                    continue;
                }

                (best, bestRank, bestFrequency) = (candidate, rank, frequency);
            }
        }

        return best is null ? null : SameCase(value, best);
    }

    private static string Sorted(string word)
    {
        var letters = word.ToCharArray();
        Array.Sort(letters);
        return new string(letters);
    }

    /// <summary>A capitalised word inside a sentence is a name (as the name masker reads it); all capitals is an acronym.</summary>
    private static bool IsName(string text, Match word)
    {
        if (!char.IsUpper(word.Value[0]))
        {
            return false;
        }

        if (word.Value.All(c => !char.IsLetter(c) || char.IsUpper(c)))
        {
            return true;
        }

        var before = text.AsSpan(0, word.Index).TrimEnd();
        return !(before.IsEmpty || before[^1] is '.' or '!' or '?' or ':' or '"' or '(' or '\n');
    }

    /// <summary>Part of something that is not a word: an address, a domain, a code like "plant-7" or "NB101".</summary>
    private static bool InsideToken(string text, Match word)
    {
        var start = word.Index;
        var end = word.Index + word.Length;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }

        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        var token = text.AsSpan(start, end - start).TrimEnd(".,;:!?)\"'".AsSpan()).TrimStart("(\"'".AsSpan());
        return token.IndexOfAny("@/_\\.".AsSpan()) >= 0 || token.ContainsAnyInRange('0', '9');
    }

    private static string SameCase(string original, string replacement) =>
        original.All(c => !char.IsLetter(c) || char.IsUpper(c)) ? replacement.ToUpperInvariant()
        : char.IsUpper(original[0]) ? char.ToUpperInvariant(replacement[0]) + replacement[1..]
        : replacement;

    // Letters only: a word with an apostrophe ("what's", "don't") is two words to the corrector, both short or known.
    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex WordPattern();
}
