using System.Text;
using System.Text.RegularExpressions;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>
/// Routes on what is asked, not on whom it is about: a name (a capitalised word inside a sentence
/// that is not one of the program's terms, <c>prompts/terms.txt</c>) is replaced by one placeholder
/// (<see cref="Placeholder"/>), in the utterance and in the examples alike, and any registration number by the examples' one
/// (<see cref="RegistrationPlaceholder"/>). Without it, an unseen name dilutes both the word overlap
/// and the sentence embedding, so a short question about a new customer scores below one about the
/// customer the examples happen to mention.
/// </summary>
public sealed partial class NameMasker
{
    /// <summary>A name as people type it: up to five capitalised words, "&amp;" allowed between them ("Sable Freight", "Marlow &amp;
    /// Finch Opticians"). A regular-expression fragment, for the patterns that find a name in a known place.</summary>
    public const string CapitalisedName = @"(?-i:[A-Z])[\w&.'’-]*(?:\s+(?:&\s+)?(?-i:[A-Z])[\w&.'’-]*){0,4}";

    /// <summary>The customer the intent examples are written about.</summary>
    public const string Placeholder = "Contoso";

    /// <summary>The registration number the intent examples use.</summary>
    public const string RegistrationPlaceholder = "DR-1042";


    private readonly HashSet<string> _vocabulary;

    /// <param name="terms">Capitalised words that are vocabulary (tiers, products, months), not names.</param>
    public NameMasker(IEnumerable<string> terms)
    {
        _vocabulary = new HashSet<string>(terms.Select(t => Bare(t.Trim())).Where(t => t.Length > 0), StringComparer.OrdinalIgnoreCase);
        _vocabulary.Add(Placeholder);
    }

    /// <summary>Reads the terms file: one term per line, <c>#</c> starts a comment. No file: no terms.</summary>
    public static NameMasker Load(string termsFile) =>
        new(File.Exists(termsFile)
            ? File.ReadLines(termsFile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            : []);

    /// <summary>The text with unseen names replaced and registration numbers unified, for the sentence embedding.</summary>
    public string Mask(string utterance)
    {
        if (string.IsNullOrWhiteSpace(utterance))
        {
            return utterance;
        }

        var text = RegistrationNumber().Replace(utterance, RegistrationPlaceholder);
        var words = Word().Matches(text).ToList();
        var unknown = new bool[words.Count];
        for (var i = 0; i < words.Count; i++)
        {
            // The first word is capitalised because it starts the sentence; acronyms (EMEA, MDF) are vocabulary.
            unknown[i] = !StartsSentence(text, words[i]) && IsTitleCase(words[i].Value) && !_vocabulary.Contains(Bare(words[i].Value));
        }

        // A name runs over adjacent capitalised words: "Wingtip Toys", "Woodgrove Bank".
        for (var changed = true; changed;)
        {
            changed = false;
            for (var i = 0; i < words.Count; i++)
            {
                if (!unknown[i] && IsCapitalised(words[i].Value) && !StartsSentence(text, words[i])
                    && ((i > 0 && unknown[i - 1] && Adjacent(text, words[i - 1], words[i])) || (i + 1 < words.Count && unknown[i + 1] && Adjacent(text, words[i], words[i + 1]))))
                {
                    unknown[i] = changed = true;
                }
            }
        }

        if (!unknown.Any(u => u))
        {
            return text;
        }

        var masked = new StringBuilder(text.Length);
        var position = 0;
        for (var i = 0; i < words.Count; i++)
        {
            if (!unknown[i])
            {
                continue;
            }

            var start = words[i].Index;
            var end = words[i].Index + words[i].Length;
            while (i + 1 < words.Count && unknown[i + 1] && Adjacent(text, words[i], words[i + 1]))
            {
                i++;
                end = words[i].Index + words[i].Length;
            }

            masked.Append(text, position, start - position).Append(Placeholder);
            // Keep a possessive: "Fabrikam's renewal" → "Contoso's renewal".
            if (IsPossessive(text[start..end]))
            {
                masked.Append("'s");
            }

            position = end;
        }

        return masked.Append(text, position, text.Length - position).ToString();
    }

    /// <summary>
    /// The text with every name and registration number taken out, for word matching: which customer or
    /// registration a request is about says nothing about what is asked, and a placeholder shared by
    /// many examples would otherwise count as overlap with all of them.
    /// </summary>
    public string Strip(string utterance) => StripMasked(Mask(utterance));

    /// <summary><see cref="Strip"/> of a text already masked, so a turn masks its utterance once.</summary>
    public static string StripMasked(string masked) =>
        masked.Replace(RegistrationPlaceholder, " ", StringComparison.Ordinal).Replace(Placeholder, " ", StringComparison.Ordinal);

    private static bool Adjacent(string text, Match left, Match right)
    {
        if (IsPossessive(left.Value))
        {
            // "Fabrikam's Data Fabric renewal": the name ends at the possessive.
            return false;
        }

        var gap = text.AsSpan(left.Index + left.Length, right.Index - left.Index - left.Length);
        return gap.IsWhiteSpace() || gap is "&" or " & " or " and " or " of ";
    }

    private static bool StartsSentence(string text, Match word)
    {
        var before = text.AsSpan(0, word.Index).TrimEnd();
        return before.IsEmpty || before[^1] is '.' or '!' or '?' or ':' or '"' or '(' or '\n';
    }

    // "MDF-1's" is an acronym with a possessive, not a name: the possessive's "s" is no lower-case letter of the word.
    private static bool IsTitleCase(string word) => char.IsUpper(word[0]) && (IsPossessive(word) ? word[..^2] : word).Skip(1).Any(char.IsLower);

    private static bool IsCapitalised(string word) => char.IsUpper(word[0]);

    private static bool IsPossessive(string word) => word.EndsWith("'s", StringComparison.Ordinal) || word.EndsWith("’s", StringComparison.Ordinal);

    private static string Bare(string word)
    {
        var bare = IsPossessive(word) ? word[..^2] : word;
        // "RoE-6" is the term "RoE" with a number.
        return bare.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9').TrimEnd('.', '-', '\'', '’');
    }

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}'’&.-]*")]
    private static partial Regex Word();

    [GeneratedRegex(@"\bDR[- ]?\d{3,}\b", RegexOptions.IgnoreCase)]
    private static partial Regex RegistrationNumber();
}
