using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>
/// The words the assistant knows, each with how often it occurs in what the assistant reads (intent
/// examples, program terms, the enablement corpus, customer and partner names), plus words it should
/// leave alone though it never uses them (general English, chat shorthand). Spelling is corrected
/// towards the first set only; names are also looked for in messages as they are.
/// </summary>
public sealed class AssistantVocabulary
{
    private readonly Dictionary<string, int> _frequencies;
    private readonly HashSet<string> _known;
    private readonly IReadOnlyList<IReadOnlySet<string>> _knownLists;

    internal AssistantVocabulary(Dictionary<string, int> frequencies, HashSet<string> known, IReadOnlyList<string> customers, IReadOnlyList<string> partners,
        IReadOnlyDictionary<string, string>? shorthand = null, IReadOnlyList<IReadOnlySet<string>>? knownLists = null)
    {
        _frequencies = frequencies;
        _known = known;
        _knownLists = knownLists ?? [];
        Shorthand = shorthand ?? new Dictionary<string, string>();
        Customers = customers;
        Partners = partners;
        ByLength = frequencies.Keys.GroupBy(w => w.Length).ToDictionary(g => g.Key, g => g.ToArray());
        _names = new Lazy<IReadOnlyDictionary<string, KnownName[]>>(() => IndexNames(partners, customers));
    }

    private readonly Lazy<IReadOnlyDictionary<string, KnownName[]>> _names;

    /// <summary>Known partner and customer names by the first word of each way they are written, so finding them in a
    /// message costs a lookup per word of the message, however many customers the registry holds.</summary>
    internal IReadOnlyDictionary<string, KnownName[]> Names => _names.Value;

    private static Dictionary<string, KnownName[]> IndexNames(IReadOnlyList<string> partners, IReadOnlyList<string> customers)
    {
        var index = new Dictionary<string, List<KnownName>>(StringComparer.Ordinal);
        foreach (var (kind, name) in partners.Select(p => (EntityClass.Partner, p)).Concat(customers.Select(c => (EntityClass.Customer, c))))
        {
            var forms = MessageEntities.NameForms(name, firstWordCounts: kind == EntityClass.Partner);
            var known = new KnownName(kind, name, MessageEntities.NamePattern(forms));
            foreach (var first in forms.Select(f => Words(f).FirstOrDefault()).OfType<string>().Distinct())
            {
                (index.TryGetValue(first, out var list) ? list : index[first] = []).Add(known);
            }
        }

        return index.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    public static AssistantVocabulary Empty { get; } = new([], [], [], []);

    /// <summary>Lower-case word → weighted count (intent examples count three times: they are how people ask).</summary>
    public IReadOnlyDictionary<string, int> Frequencies => _frequencies;

    /// <summary>The assistant's words grouped by length, for correction candidates.</summary>
    internal IReadOnlyDictionary<int, string[]> ByLength { get; }

    /// <summary>Customer names in the deal registry, as written there.</summary>
    public IReadOnlyList<string> Customers { get; }

    /// <summary>Partner organisation names in the directory.</summary>
    public IReadOnlyList<string> Partners { get; }

    public int Count => _frequencies.Count;

    /// <summary>Chat shorthand and what it stands for ("regs" → "registrations", "u" → "you"), read as the full words.</summary>
    public IReadOnlyDictionary<string, string> Shorthand { get; }

    /// <summary>Whether a (lower-case) word is one to leave as it is: the assistant's own, general English, or shorthand.</summary>
    public bool Knows(string word) => _frequencies.ContainsKey(word) || _known.Contains(word) || _knownLists.Any(list => list.Contains(word));

    public int FrequencyOf(string word) => _frequencies.GetValueOrDefault(word);

    /// <summary>Lower-case words of a text: letters (accents kept), split at anything else.</summary>
    public static IEnumerable<string> Words(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                word.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            }
            else if (word.Length > 0)
            {
                yield return word.ToString();
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            yield return word.ToString();
        }
    }
}

/// <summary>A known partner or customer and the pattern that finds it in a message.</summary>
internal sealed record KnownName(EntityClass Class, string Name, System.Text.RegularExpressions.Regex Pattern);

/// <summary>Collects what the sources contribute into one <see cref="AssistantVocabulary"/>.</summary>
public sealed class VocabularyBuilder
{
    private readonly Dictionary<string, int> _frequencies = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly List<IReadOnlySet<string>> _knownLists = [];
    private readonly List<string> _customers = [];
    private readonly List<string> _partners = [];
    private readonly Dictionary<string, string> _shorthand = new(StringComparer.Ordinal);

    /// <summary>A shorthand word and the words it stands for.</summary>
    public VocabularyBuilder AddShorthand(string word, string meaning)
    {
        _shorthand[word.ToLowerInvariant()] = meaning;
        _known.Add(word.ToLowerInvariant());
        return this;
    }

    /// <summary>Counts the words of a text the assistant uses, <paramref name="weight"/> times each.</summary>
    public VocabularyBuilder AddText(string text, int weight = 1)
    {
        foreach (var word in AssistantVocabulary.Words(text))
        {
            if (word.Length > 1)
            {
                _frequencies[word] = _frequencies.GetValueOrDefault(word) + weight;
            }
        }

        return this;
    }

    /// <summary>Words to leave alone without correcting towards them (general English, shorthand).</summary>
    public VocabularyBuilder AddKnown(IEnumerable<string> words)
    {
        foreach (var word in words)
        {
            _known.Add(word.ToLowerInvariant());
        }

        return this;
    }

    /// <summary>A large list of lower-case words to leave alone, built once and shared by every vocabulary built after it
    /// (the English word list): kept by reference, not copied on each rebuild.</summary>
    public VocabularyBuilder AddKnown(IReadOnlySet<string> lowerCaseWords)
    {
        _knownLists.Add(lowerCaseWords);
        return this;
    }

    public VocabularyBuilder AddCustomer(string name)
    {
        _customers.Add(name);
        return AddText(name, 2);
    }

    public VocabularyBuilder AddPartner(string name)
    {
        _partners.Add(name);
        return AddText(name, 2);
    }

    public AssistantVocabulary Build() =>
        new(new Dictionary<string, int>(_frequencies), new HashSet<string>(_known), _customers.Distinct().ToList(), _partners.Distinct().ToList(),
            new Dictionary<string, string>(_shorthand), _knownLists.ToList());
}

/// <summary>Something the assistant knows words from. Capabilities register one for their own data
/// (the knowledge corpus, customer names, partner names).</summary>
public interface IVocabularySource
{
    Task ContributeAsync(VocabularyBuilder vocabulary, CancellationToken cancellationToken);
}

/// <summary>The intent examples, the program terms, and the words the router should leave alone or read as
/// others (<c>prompts/known-words.txt</c>: chat shorthand, "regs = registrations").</summary>
internal sealed class IntentVocabularySource(IntentCatalog catalog, IOptions<PromptOptions> prompts) : IVocabularySource
{
    public const string KnownWordsFile = "known-words.txt";

    public Task ContributeAsync(VocabularyBuilder vocabulary, CancellationToken cancellationToken)
    {
        foreach (var intent in catalog.All)
        {
            vocabulary.AddText(intent.Summary, 1);
            foreach (var example in intent.Examples)
            {
                vocabulary.AddText(example, 3);
            }
        }

        var folder = prompts.Value.ResolveFolder();
        foreach (var file in new[] { IntentCatalog.TermsFile, KnownWordsFile })
        {
            var path = Path.Combine(folder, file);
            if (File.Exists(path))
            {
                var lines = File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
                if (file == IntentCatalog.TermsFile)
                {
                    lines.ForEach(term => vocabulary.AddText(term, 3));
                }
                else
                {
                    foreach (var line in lines)
                    {
                        if (line.Split('=', 2) is [var word, var meaning])
                        {
                            vocabulary.AddShorthand(word.Trim(), meaning.Trim());
                        }
                        else
                        {
                            vocabulary.AddKnown(AssistantVocabulary.Words(line));
                        }
                    }
                }
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>Where the router's vocabulary is rebuilt, under the section <c>Router</c> (see <see cref="RouterOptions"/>).</summary>
public sealed class AssistantVocabularyProvider(IEnumerable<IVocabularySource> sources, IOptions<RouterOptions> options, TimeProvider time, ILogger<AssistantVocabularyProvider> logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile AssistantVocabulary? _current;
    private DateTimeOffset _builtAt;
    private int _refreshing;

    /// <summary>The vocabulary; built on first use, and rebuilt in the background once older than
    /// <see cref="RouterOptions.VocabularyRefresh"/> (new customers, partners and documents), while turns keep using the last one.</summary>
    public async ValueTask<AssistantVocabulary> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current)
        {
            if (time.GetUtcNow() - _builtAt > options.Value.VocabularyRefresh && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await BuildAsync(CancellationToken.None);
                    }
                    finally
                    {
                        Interlocked.Exchange(ref _refreshing, 0);
                    }
                }, CancellationToken.None);
            }

            return current;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            return _current ?? await BuildAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<AssistantVocabulary> BuildAsync(CancellationToken cancellationToken)
    {
        var builder = new VocabularyBuilder();
        foreach (var source in sources)
        {
            try
            {
                await source.ContributeAsync(builder, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A source that cannot be read (a database being migrated, a missing model) only makes the vocabulary smaller.
                logger.LogWarning(ex, "The router's vocabulary is missing the words of {Source}", source.GetType().Name);
            }
        }

        var vocabulary = builder.Build();
        // Compile the name patterns here, in the background, not in the first turn that looks for a name.
        _ = vocabulary.Names.Count;
        _builtAt = time.GetUtcNow();
        _current = vocabulary;
        logger.LogInformation("Router vocabulary: {Words} words, {Customers} customers, {Partners} partners", vocabulary.Count, vocabulary.Customers.Count, vocabulary.Partners.Count);
        return vocabulary;
    }
}
