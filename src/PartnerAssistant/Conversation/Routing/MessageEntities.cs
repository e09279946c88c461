using System.Text.RegularExpressions;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>Kinds of things a message names that a follow-up can swap ("what about Gold?") or refer back to ("extend it").</summary>
public enum EntityClass
{
    Registration,
    MdfRequest,
    Customer,
    Partner,
    Tier,
    PartnerType,
    Region,
    Product,
}

/// <summary>Where a message names something, and what.</summary>
public sealed record EntitySpan(EntityClass Class, int Index, int Length, string Value);

/// <summary>
/// Finds what a message names: registration and MDF request numbers, known customers and partners (from the
/// router's vocabulary), tiers, partner types, regions and products. Rules and the registry's own names,
/// no model: these are the program's closed lists.
/// </summary>
public static partial class MessageEntities
{
    public static IReadOnlyList<EntitySpan> Find(string text, AssistantVocabulary vocabulary)
    {
        var found = new List<EntitySpan>();
        Add(found, EntityClass.Registration, RegistrationPattern().Matches(text), m => "DR-" + m.Groups[1].Value);
        Add(found, EntityClass.MdfRequest, MdfPattern().Matches(text), m => "MDF-" + m.Groups[1].Value);
        Add(found, EntityClass.Tier, TierPattern().Matches(text), m => m.Groups[1].Value.ToLowerInvariant());
        Add(found, EntityClass.PartnerType, PartnerTypePattern().Matches(text), m => m.Value.ToLowerInvariant());
        Add(found, EntityClass.Region, RegionPattern().Matches(text), m => m.Value.ToUpperInvariant());
        Add(found, EntityClass.Product, ProductPattern().Matches(text), m => m.Value.ToLowerInvariant());
        var tried = new HashSet<KnownName>();
        foreach (var word in AssistantVocabulary.Words(text).Distinct())
        {
            foreach (var known in vocabulary.Names.GetValueOrDefault(word) ?? [])
            {
                if (tried.Add(known) && known.Pattern.Match(text) is { Success: true } match)
                {
                    found.Add(new EntitySpan(known.Class, match.Index, match.Length, known.Name));
                }
            }
        }

        // A span found as one thing is not also another ("Fabrikam" the customer inside "Fabrikam Systems" the partner).
        return found
            .OrderBy(e => e.Index).ThenByDescending(e => e.Length)
            .Aggregate(new List<EntitySpan>(), (kept, e) =>
            {
                if (!kept.Any(k => e.Index < k.Index + k.Length && k.Index < e.Index + e.Length))
                {
                    kept.Add(e);
                }

                return kept;
            });
    }

    /// <summary>Registration numbers, with a bare 4–6 digit number counted too when the caller may mean one ("any news on 1028").</summary>
    public static IReadOnlyList<(int Index, int Length, long Number)> RegistrationNumbers(string text, bool bare)
    {
        var numbers = RegistrationPattern().Matches(text).Select(m => (m.Index, m.Length, long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
        if (bare && numbers.Count == 0)
        {
            numbers.AddRange(BareNumberPattern().Matches(text)
                .Where(m => !(m.Value.Length == 4 && m.Value[0] == '2' && m.Value[1] == '0'))
                .Select(m => (m.Index, m.Length, long.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture))));
        }

        return numbers;
    }

    private static void Add(List<EntitySpan> found, EntityClass kind, MatchCollection matches, Func<Match, string> value)
    {
        foreach (Match match in matches)
        {
            found.Add(new EntitySpan(kind, match.Index, match.Length, value(match)));
        }
    }

    /// <summary>How a known name may be written: as it is, a company also without its legal form ("Litware Inc." is
    /// "Litware"), a partner also by its first word ("Keystone").</summary>
    internal static IReadOnlyList<string> NameForms(string name, bool firstWordCounts)
    {
        var forms = new List<string> { name.Trim() };
        var trimmed = LegalForm().Replace(name, "").Trim(' ', ',', '.');
        if (trimmed.Length >= 3 && !forms.Contains(trimmed))
        {
            forms.Add(trimmed);
        }

        if (firstWordCounts && trimmed.Split(' ')[0] is { Length: >= 4 } first && !forms.Contains(first))
        {
            forms.Add(first);
        }

        return forms;
    }

    /// <summary>A pattern finding any of the forms as whole words, case and punctuation aside.</summary>
    internal static Regex NamePattern(IReadOnlyList<string> forms)
    {
        var alternatives = string.Join("|", forms.Select(f => Regex.Escape(f).Replace(@"\ ", @"[\s,.]+", StringComparison.Ordinal)));
        return new Regex($@"(?<![\p{{L}}\p{{N}}])(?:{alternatives})(?:'s|’s)?(?![\p{{L}}\p{{N}}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    [GeneratedRegex(@"\bDR\s*[-#]?\s*(\d{1,9})\b", RegexOptions.IgnoreCase)]
    private static partial Regex RegistrationPattern();

    [GeneratedRegex(@"(?<![\w$€£.,-])\d{4,6}(?![\w%.,]|\s*(?:k|m|usd|eur|gbp|cad|dollars|euros)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex BareNumberPattern();

    [GeneratedRegex(@"\bMDF\s*[-#]?\s*(\d{1,9})\b", RegexOptions.IgnoreCase)]
    private static partial Regex MdfPattern();

    [GeneratedRegex(@"\b(silver|gold|platinum|registered(?= tier))\b", RegexOptions.IgnoreCase)]
    private static partial Regex TierPattern();

    [GeneratedRegex(@"\b(?:resellers?|vars?|systems? integrators?|integrators?|sis|msps?|managed service providers?|isvs?|software vendors?|distributors?|marketplace partners?|influence partners?|referral partners?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PartnerTypePattern();

    [GeneratedRegex(@"\b(?:emea|apac|latam|north america|europe)\b", RegexOptions.IgnoreCase)]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"\b(?:data fabric|ai studio|edge runtime|cloud migration(?: services)?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ProductPattern();

    [GeneratedRegex(@"[,\s]+(?:inc|ltd|limited|llc|corp|corporation|company|co|plc|gmbh|ag|sa)\.?$", RegexOptions.IgnoreCase)]
    private static partial Regex LegalForm();
}
