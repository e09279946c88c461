using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Knowledge;

/// <summary>
/// The enablement corpus's words for the router's vocabulary: the documents in the registry (uploads
/// included), or the shipped <c>knowledge/</c> folder before anything was ingested. Spelling is then
/// corrected towards the words the documents use, so a typo in a question still finds its passage.
/// </summary>
internal sealed class KnowledgeVocabulary(KnowledgeRegistry registry, IOptions<KnowledgeOptions> options) : IVocabularySource
{
    public async Task ContributeAsync(VocabularyBuilder vocabulary, CancellationToken cancellationToken)
    {
        var documents = await registry.ListDocumentsAsync(options.Value.DefaultCollection, includeRetired: false, cancellationToken);
        if (documents.Count > 0)
        {
            foreach (var document in documents)
            {
                vocabulary.AddText(document.Title).AddText(document.Markdown);
            }

            return;
        }

        string folder;
        try
        {
            folder = options.Value.ResolveFolder();
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(folder, "*.md", SearchOption.AllDirectories))
        {
            vocabulary.AddText(await File.ReadAllTextAsync(file, cancellationToken));
        }
    }
}

/// <summary>
/// General English for the router: the whole words of the embedding model's WordPiece vocabulary
/// (about 22,000), which spelling correction leaves alone ("rain" is not a typo of "train"). Without
/// the model installed there are none, and only the assistant's own words count as spelled right.
/// </summary>
internal sealed class ModelVocabulary(IOptions<EmbeddingOptions> options) : IVocabularySource
{
    public async Task ContributeAsync(VocabularyBuilder vocabulary, CancellationToken cancellationToken)
    {
        MiniLmModelFiles files;
        try
        {
            files = MiniLmModelFiles.Locate(options.Value.ModelPackagePath);
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }

        await using var stream = File.OpenRead(files.TokenizerPath);
        using var json = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        var words = json.RootElement.GetProperty("model").GetProperty("vocab").EnumerateObject()
            .Select(p => p.Name)
            .Where(token => token.Length > 1 && token.All(char.IsLetter))
            .ToList();
        vocabulary.AddKnown(words);
    }
}

/// <summary>
/// More general English for the router: the npm package <c>word-list</c> (about 274,000 English words), so a real word
/// the model's vocabulary lacks ("partway", "soonest") is not "corrected" into one the assistant uses ("partial",
/// "sooner"). Only words of five letters or more count: among shorter ones a list that size holds common misspellings
/// ("wat" is in it), which the corrector should still fix. The cost: a misspelling that is itself a rare English word
/// ("parter", "extent" for "extend") is left as typed. The list is read once per process; without the package nothing
/// changes.
/// </summary>
internal sealed class EnglishWordsVocabulary : IVocabularySource
{
    /// <summary>Where the build's <c>npm ci</c> puts the list.</summary>
    public const string WordListPath = "node_modules/word-list/words.txt";

    /// <summary>Shortest word taken from the list.</summary>
    public const int MinLength = 5;

    // Read once per process and shared by reference with every vocabulary rebuilt after (every Router:VocabularyRefresh).
    private static readonly Lazy<FrozenSet<string>> Words = new(Read);

    public Task ContributeAsync(VocabularyBuilder vocabulary, CancellationToken cancellationToken)
    {
        vocabulary.AddKnown(Words.Value);
        return Task.CompletedTask;
    }

    private static FrozenSet<string> Read() =>
        Hosting.AssetLocator.Find(WordListPath) is { } path && File.Exists(path)
            ? File.ReadLines(path).Where(line => line.Length >= MinLength && line.All(char.IsAsciiLetterLower)).ToFrozenSet(StringComparer.Ordinal)
            : FrozenSet<string>.Empty;
}
