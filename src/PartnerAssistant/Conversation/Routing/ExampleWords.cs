using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>
/// The content words (stemmed, without stop words and names) of each intent's examples, to settle a question back
/// between close intents: when the message uses a word that only one of them is ever asked with ("balance",
/// "online", "publish", "W-shaped"), that one is meant. Embedding and word scores blend every word; this looks at
/// the few that tell the candidates apart.
/// </summary>
public sealed class ExampleWords
{
    private readonly Dictionary<string, HashSet<string>> _words;

    public ExampleWords(IntentCatalog catalog) =>
        _words = catalog.All.ToDictionary(i => i.Id, i => i.Examples.SelectMany(e => Stems(catalog.Names.Strip(e))).ToHashSet(StringComparer.Ordinal), StringComparer.OrdinalIgnoreCase);

    /// <summary>The one candidate whose examples share a word with the text that none of the others' examples has; null
    /// when none or several do.</summary>
    /// <param name="text">The message with its names stripped.</param>
    /// <param name="candidates">The intents asked between.</param>
    public Intent? Distinct(string text, IReadOnlyList<Intent> candidates)
    {
        var stems = Stems(text).ToHashSet(StringComparer.Ordinal);
        var own = candidates
            .Select(c => (Intent: c, Count: stems.Count(s => Has(c, s) && !candidates.Any(o => o != c && Has(o, s)))))
            .Where(x => x.Count > 0)
            .ToList();
        return own.Count == 1 ? own[0].Intent : null;
    }

    private bool Has(Intent intent, string stem) => _words.TryGetValue(intent.Id, out var words) && words.Contains(stem);

    private static IEnumerable<string> Stems(string text) => KeywordTerms.Words(text).SelectMany(LexicalIntentMatcher.Words);
}
