using System.Text.RegularExpressions;
using PartnerAssistant.People;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>One thing a user can ask for: a plugin function, who may use it, and how people ask for it.</summary>
public sealed record Intent(string Plugin, string Function, string Title, string Summary, IReadOnlyList<string> Roles, IReadOnlyList<string> Examples, bool OfferInHelp)
{
    /// <summary>What the intent acts on and must find before it runs (<see cref="MentionKind"/>); none for most.</summary>
    public MentionKind Needs { get; init; }

    /// <summary>Which way a decision goes (<c>decision:</c> approve or refuse), for the pairs that differ only in that
    /// (approve / reject a registration, a request, a claim; confirm / hold a tier change); none for the rest.</summary>
    public DecisionPolarity Decision { get; init; }

    /// <summary>The kind of thing this intent shows when a message names one and asks nothing the other intents
    /// recognise ("whats the word on 1022" → the registration's status); none for most (<c>shows:</c>).</summary>
    public MentionKind Shows { get; init; }

    /// <summary>Words that say, in a statement rather than a question, that this is what happened or is wanted
    /// ("DR-1042 closed, 260k" records an outcome): the intent runs when the message names what it needs (<c>cue:</c>).</summary>
    public Regex? Cue { get; init; }

    /// <summary>The intent itself answers a question put as one ("why did you say that?", "what data do you hold about
    /// me?"): the router does not send it to the knowledge base as a policy question. Default: false.</summary>
    public bool AnswersQuestions { get; init; }

    /// <summary>The stages of the thing it acts on in which the intent can apply (<c>when:</c>, e.g. an MDF claim is approved only
    /// when the request is "claimed"); empty when any stage will do. A message naming a thing in another stage is not
    /// this intent's, however close its words are.</summary>
    public IReadOnlyList<string> When { get; init; } = [];

    /// <summary>How people actually asked for this intent, from the labelled conversations in <c>prompts/phrasings/</c>:
    /// they teach the meaning matcher (nearest examples and classifier) only, so a typo or a customer's name in them never
    /// becomes a word the lexical matcher, the spelling corrector or a button relies on.</summary>
    public IReadOnlyList<string> Phrasings { get; init; } = [];

    /// <summary><c>Plugin.Function</c>, the name card actions and clarifications use.</summary>
    public string Id => $"{Plugin}.{Function}";

    /// <summary>Roles are listed by slug (<c>partner-user</c>), or as <c>all</c>, <c>partner</c> or <c>internal</c>.</summary>
    public bool AllowsRole(Role role) =>
        Roles.Count == 0
        || Roles.Any(r => r == "all"
            || (r == "partner" && role.IsPartner())
            || (r == "internal" && role.IsInternal())
            || string.Equals(r, role.Slug(), StringComparison.OrdinalIgnoreCase));
}

/// <summary>Which way a decision intent decides.</summary>
public enum DecisionPolarity
{
    /// <summary>Not a decision.</summary>
    None,

    /// <summary>Approves, accepts, confirms.</summary>
    Approve,

    /// <summary>Rejects, declines, holds.</summary>
    Refuse,
}

/// <summary>
/// The intents of every plugin, read from <c>prompts/intents/*.yaml</c>: each file names a plugin and
/// lists its functions with a summary, the roles that may use them and example utterances.
/// </summary>
public sealed class IntentCatalog
{
    public IntentCatalog(IEnumerable<Intent> intents, NameMasker? names = null)
    {
        All = intents.ToList();
        var duplicate = All.GroupBy(i => i.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"Intent '{duplicate.Key}' is defined more than once.");
        }

        ById = All.ToDictionary(i => i.Id, StringComparer.OrdinalIgnoreCase);
        Names = names ?? new NameMasker([]);
    }

    /// <summary>Masks the names the examples never use, so matchers compare what is asked.</summary>
    public NameMasker Names { get; }

    public IReadOnlyList<Intent> All { get; }

    public IReadOnlyDictionary<string, Intent> ById { get; }

    public IEnumerable<Intent> For(Role role) => All.Where(i => i.AllowsRole(role));

    public static IntentCatalog Load(string folder)
    {
        if (!System.IO.Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The intent folder '{folder}' does not exist.");
        }

        var prompts = Path.GetDirectoryName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar))!;
        var (phrasings, labels) = LoadPhrasings(Path.Combine(prompts, PhrasingsFolder));
        var intents = new List<Intent>();
        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var parsed = Read<IntentFile>(file, Path.GetFileName(file), ignoreUnmatched: false);
            if (parsed?.Plugin is not { Length: > 0 } plugin || parsed.Intents is null)
            {
                throw new InvalidDataException($"{Path.GetFileName(file)} must name a 'plugin' and list 'intents'.");
            }

            foreach (var entry in parsed.Intents)
            {
                if (string.IsNullOrWhiteSpace(entry.Function) || string.IsNullOrWhiteSpace(entry.Summary))
                {
                    throw new InvalidDataException($"{Path.GetFileName(file)}: every intent needs a 'function' and a 'summary'.");
                }

                var needs = MentionKind.None;
                if (entry.Needs is { Length: > 0 } named && !Enum.TryParse(named.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out needs))
                {
                    throw new InvalidDataException($"{Path.GetFileName(file)}: '{entry.Function}' needs '{named}', which is none of {string.Join(", ", Enum.GetNames<MentionKind>().Skip(1))}.");
                }

                var shows = MentionKind.None;
                if (entry.Shows is { Length: > 0 } shown && !Enum.TryParse(shown.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out shows))
                {
                    throw new InvalidDataException($"{Path.GetFileName(file)}: '{entry.Function}' shows '{shown}', which is none of {string.Join(", ", Enum.GetNames<MentionKind>().Skip(1))}.");
                }

                var decision = DecisionPolarity.None;
                if (entry.Decision is { Length: > 0 } decides && !Enum.TryParse(decides, ignoreCase: true, out decision))
                {
                    throw new InvalidDataException($"{Path.GetFileName(file)}: '{entry.Function}' has decision '{decides}', which is neither approve nor refuse.");
                }

                Regex? cue = null;
                try
                {
                    cue = entry.Cue is { Length: > 0 } pattern ? new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)) : null;
                }
                catch (ArgumentException ex)
                {
                    throw new InvalidDataException($"{Path.GetFileName(file)}: '{entry.Function}' has a cue that is no regular expression: {ex.Message}", ex);
                }

                intents.Add(new Intent(plugin, entry.Function, parsed.Title ?? plugin, entry.Summary, entry.Roles ?? ["all"], entry.Examples ?? [], entry.OfferInHelp ?? true)
                {
                    Needs = needs,
                    Shows = shows,
                    Decision = decision,
                    Cue = cue,
                    AnswersQuestions = entry.AnswersQuestions ?? false,
                    Phrasings = phrasings.GetValueOrDefault($"{plugin}.{entry.Function}") ?? [],
                    When = entry.When?.Select(w => w.ToLowerInvariant()).ToList() ?? [],
                });
            }
        }

        // A label no intent has (renamed, mistyped) would quietly stop teaching the router: say so instead.
        var ids = intents.Select(i => i.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (labels.FirstOrDefault(l => !ids.Contains(l.Label)) is { Label: not null } unknown)
        {
            throw new InvalidDataException($"{PhrasingsFolder}/{unknown.File}: '{unknown.Label}' is no intent (expected Plugin.Function, or {string.Join(", ", NotIntents)}).");
        }

        // The program's terms sit beside the intents folder (prompts/terms.txt).
        return new IntentCatalog(intents, NameMasker.Load(Path.Combine(prompts, TermsFile)));
    }

    /// <summary>The folder of labelled conversations beside the intents folder (<c>prompts/phrasings/</c>).</summary>
    public const string PhrasingsFolder = "phrasings";

    /// <summary>Labels of the labelled conversations that name no intent: what should happen is a question back, or a refusal.</summary>
    private static readonly string[] NotIntents = ["Clarify", "Refused"];

    /// <summary>The utterances of the labelled conversations that ask for exactly one intent, read as typed and on their
    /// own: not a follow-up (its meaning is in the turn before) and not a typo (the router corrects spelling first); and
    /// every label, so one that names no intent can be reported.</summary>
    private static (Dictionary<string, List<string>> Phrasings, List<(string Label, string File)> Labels) LoadPhrasings(string folder)
    {
        var phrasings = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        var labels = new List<(string Label, string File)>();
        if (!System.IO.Directory.Exists(folder))
        {
            return (phrasings, labels);
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var parsed = Read<PhrasingFile>(file, $"{PhrasingsFolder}/{Path.GetFileName(file)}", ignoreUnmatched: true);
            foreach (var utterance in parsed?.Utterances ?? [])
            {
                labels.AddRange((utterance.Expect ?? []).Where(l => !NotIntents.Contains(l)).Select(l => (l, Path.GetFileName(file))));
                if (utterance is { Say: { Length: > 0 } say, After: null, Expect: [var id] } && utterance.Kind != "typo")
                {
                    (phrasings.TryGetValue(id, out var list) ? list : phrasings[id] = []).Add(say);
                }
            }
        }

        return (phrasings, labels);
    }

    /// <summary>A YAML file of the prompts folder; a syntax error names the file.</summary>
    private static T? Read<T>(string file, string name, bool ignoreUnmatched)
    {
        var builder = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance);
        var reader = (ignoreUnmatched ? builder.IgnoreUnmatchedProperties() : builder).Build();
        try
        {
            return reader.Deserialize<T>(File.ReadAllText(file));
        }
        catch (YamlDotNet.Core.YamlException ex)
        {
            throw new InvalidDataException($"{name}: {ex.Message}", ex);
        }
    }

    private sealed class PhrasingFile
    {
        public List<Phrasing>? Utterances { get; set; }
    }

    private sealed class Phrasing
    {
        public string? Say { get; set; }
        public string? After { get; set; }
        public List<string>? Expect { get; set; }
        public string? Kind { get; set; }
    }

    /// <summary>The file of program terms in the prompts folder (see <see cref="NameMasker"/>).</summary>
    public const string TermsFile = "terms.txt";

    private sealed class IntentFile
    {
        public string? Plugin { get; set; }
        public string? Title { get; set; }
        public List<IntentEntry>? Intents { get; set; }
    }

    private sealed class IntentEntry
    {
        public string? Function { get; set; }
        public string? Summary { get; set; }
        public List<string>? Roles { get; set; }
        public List<string>? Examples { get; set; }
        public bool? OfferInHelp { get; set; }
        public string? Needs { get; set; }
        public string? Shows { get; set; }
        public string? Decision { get; set; }
        public string? Cue { get; set; }
        public bool? AnswersQuestions { get; set; }
        public List<string>? When { get; set; }
    }
}
