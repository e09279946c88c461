using PartnerAssistant.People;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>One thing a user can ask for: a plugin function, who may use it, and how people ask for it.</summary>
public sealed record Intent(string Plugin, string Function, string Title, string Summary, IReadOnlyList<string> Roles, IReadOnlyList<string> Examples, bool OfferInHelp)
{
    /// <summary>What the intent acts on and must find before it runs (<see cref="MentionKind"/>); none for most.</summary>
    public MentionKind Needs { get; init; }

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

        var reader = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();
        var intents = new List<Intent>();
        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            IntentFile? parsed;
            try
            {
                parsed = reader.Deserialize<IntentFile>(File.ReadAllText(file));
            }
            catch (YamlDotNet.Core.YamlException ex)
            {
                throw new InvalidDataException($"{Path.GetFileName(file)}: {ex.Message}", ex);
            }

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

                intents.Add(new Intent(plugin, entry.Function, parsed.Title ?? plugin, entry.Summary, entry.Roles ?? ["all"], entry.Examples ?? [], entry.OfferInHelp ?? true) { Needs = needs });
            }
        }

        // The program's terms sit beside the intents folder (prompts/terms.txt).
        return new IntentCatalog(intents, NameMasker.Load(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar))!, TermsFile)));
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
    }
}
