using System.Globalization;
using System.Text;

namespace PartnerAssistant.Deals;

/// <summary>
/// Customer names as the conflict check compares them. "Contoso Ltd", "CONTOSO LIMITED",
/// "Contoso" and contoso.com normalise to the same key; "Contoso Pharma" does not, but scores
/// high enough against "Contoso" to be flagged as a possible match for a person to judge.
/// </summary>
public static class CustomerNames
{
    // Legal-form words dropped from the end of a name, in their punctuation-free spelling.
    private static readonly HashSet<string> LegalSuffixes =
    [
        "ltd", "limited", "inc", "incorporated", "corp", "corporation", "co", "company", "llc", "llp", "lp", "plc",
        "gmbh", "mbh", "ag", "kg", "ohg", "ug", "se", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "oy", "oyj", "ab",
        "asa", "as", "aps", "kk", "pty", "pte", "pvt", "private", "ltda", "sl", "cv", "doo", "sro", "zrt", "kft",
    ];

    // Second-level labels under a country code ("contoso.co.uk"): the name is the label before them.
    private static readonly HashSet<string> SecondLevelLabels = ["co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc"];

    /// <summary>The key two names share when they are the same customer: lower case, no accents,
    /// no punctuation, no leading "the", no trailing legal form; a domain or e-mail becomes its name label.</summary>
    public static string Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "";
        }

        var text = RemoveAccents(name.Trim()).ToLowerInvariant();
        if (DomainOf(text) is { } domain)
        {
            text = NameLabel(domain);
        }

        text = text.Replace("&", " and ", StringComparison.Ordinal).Replace("+", " and ", StringComparison.Ordinal);
        var cleaned = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                cleaned.Append(c);
            }
            else if (c is '.' or '\'' or '’')
            {
                // "S.A." → "sa", "O'Reilly" → "oreilly"
            }
            else
            {
                cleaned.Append(' ');
            }
        }

        var tokens = cleaned.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (tokens.Count > 1 && tokens[0] == "the")
        {
            tokens.RemoveAt(0);
        }

        while (tokens.Count > 1 && LegalSuffixes.Contains(tokens[^1]))
        {
            tokens.RemoveAt(tokens.Count - 1);
        }

        // "gmbh and co kg": the connector left behind by dropping the legal forms.
        while (tokens.Count > 1 && tokens[^1] == "and")
        {
            tokens.RemoveAt(tokens.Count - 1);
            while (tokens.Count > 1 && LegalSuffixes.Contains(tokens[^1]))
            {
                tokens.RemoveAt(tokens.Count - 1);
            }
        }

        return string.Join(' ', tokens);
    }

    /// <summary>The domain in a name that is a bare domain, a web address or an e-mail address; else null.</summary>
    public static string? DomainOf(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = text.Trim().ToLowerInvariant();
        if (value.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        if (value.Contains('@', StringComparison.Ordinal))
        {
            value = value[(value.LastIndexOf('@') + 1)..];
        }

        foreach (var scheme in new[] { "https://", "http://" })
        {
            if (value.StartsWith(scheme, StringComparison.Ordinal))
            {
                value = value[scheme.Length..];
            }
        }

        value = value.Split('/', '?', '#')[0];
        if (value.StartsWith("www.", StringComparison.Ordinal))
        {
            value = value[4..];
        }

        var labels = value.Split('.');
        // A domain has at least two labels and a top-level label of letters only ("Inc." or "S.A." are not domains);
        // labels are ASCII letters, digits and inner hyphens of at most 63 characters, the whole at most 253 (RFC 1035).
        return value.Length <= 253 && labels.Length >= 2
            && labels.All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-' && l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            && labels[^1].Length >= 2 && labels[^1].All(char.IsAsciiLetter) && labels[^2].Length >= 2
            ? value
            : null;
    }

    /// <summary>What is wrong with a customer domain someone typed (null when it is empty or a domain like contoso.com).</summary>
    public static string? DomainProblem(string? domain) =>
        string.IsNullOrWhiteSpace(domain) || DomainOf(domain) is not null
            ? null
            : $"\"{(domain.Length > 60 ? domain[..60] + "…" : domain)}\" is not a web domain; give the customer's domain like contoso.com, or leave it empty.";

    /// <summary>The first letters of the normalised name: registrations only look for possible matches among
    /// customers that share them, which keeps the check fast with many customers (a typo in the first
    /// letters is not caught).</summary>
    public static string BlockingKey(string normalized)
    {
        var compact = normalized.Replace(" ", "", StringComparison.Ordinal);
        return compact.Length <= 4 ? compact : compact[..4];
    }

    /// <summary>How alike two normalised names are, 0 to 1. A name that is another plus words ("contoso" and
    /// "contoso pharma") scores 0.9; names of the same words with small typos score their Jaro-Winkler
    /// similarity word by word ("contosso" / "contoso" ≈ 0.97); names that differ in a whole word
    /// ("contoso pharma" / "contoso bank") score no higher than that word's similarity, so they are not flagged.</summary>
    public static double Similarity(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        if (a == b)
        {
            return 1;
        }

        if (a.Replace(" ", "", StringComparison.Ordinal) == b.Replace(" ", "", StringComparison.Ordinal))
        {
            return 0.98;
        }

        var wordsA = a.Split(' ');
        var wordsB = b.Split(' ');
        var setA = wordsA.ToHashSet(StringComparer.Ordinal);
        var setB = wordsB.ToHashSet(StringComparer.Ordinal);
        if (setA.IsProperSubsetOf(setB) || setB.IsProperSubsetOf(setA))
        {
            return 0.9;
        }

        if (wordsA.Length == wordsB.Length)
        {
            var lowest = 1.0;
            var total = 0.0;
            for (var i = 0; i < wordsA.Length; i++)
            {
                var score = JaroWinkler(wordsA[i], wordsB[i]);
                lowest = Math.Min(lowest, score);
                total += score;
            }

            return lowest >= 0.88 ? total / wordsA.Length : lowest;
        }

        return 0.9 * JaroWinkler(a, b);
    }

    /// <summary>Jaro-Winkler similarity of two strings: rewards a shared beginning and forgives small typos.</summary>
    public static double JaroWinkler(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return 0;
        }

        if (a == b)
        {
            return 1;
        }

        var window = Math.Max(0, Math.Max(a.Length, b.Length) / 2 - 1);
        Span<bool> matchedA = a.Length <= 256 ? stackalloc bool[a.Length] : new bool[a.Length];
        Span<bool> matchedB = b.Length <= 256 ? stackalloc bool[b.Length] : new bool[b.Length];
        var matches = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var from = Math.Max(0, i - window);
            var to = Math.Min(b.Length - 1, i + window);
            for (var j = from; j <= to; j++)
            {
                if (!matchedB[j] && a[i] == b[j])
                {
                    matchedA[i] = matchedB[j] = true;
                    matches++;
                    break;
                }
            }
        }

        if (matches == 0)
        {
            return 0;
        }

        var transpositions = 0;
        var k = 0;
        for (var i = 0; i < a.Length; i++)
        {
            if (!matchedA[i])
            {
                continue;
            }

            while (!matchedB[k])
            {
                k++;
            }

            if (a[i] != b[k])
            {
                transpositions++;
            }

            k++;
        }

        var m = (double)matches;
        var jaro = (m / a.Length + m / b.Length + (m - transpositions / 2.0) / m) / 3.0;
        var prefix = 0;
        while (prefix < Math.Min(4, Math.Min(a.Length, b.Length)) && a[prefix] == b[prefix])
        {
            prefix++;
        }

        return jaro + prefix * 0.1 * (1 - jaro);
    }

    /// <summary>A readable name for a customer first known by its domain: "contoso.com" → "Contoso".</summary>
    public static string DisplayName(string name)
    {
        var trimmed = name.Trim();
        if (DomainOf(trimmed) is { } domain)
        {
            var label = NameLabel(domain);
            return label.Length == 0 ? trimmed : char.ToUpperInvariant(label[0]) + label[1..];
        }

        return trimmed;
    }

    private static string NameLabel(string domain)
    {
        var labels = domain.Split('.').ToList();
        labels.RemoveAt(labels.Count - 1);
        if (labels.Count > 1 && SecondLevelLabels.Contains(labels[^1]))
        {
            labels.RemoveAt(labels.Count - 1);
        }

        return labels[^1].Replace('-', ' ');
    }

    private static string RemoveAccents(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }
}
