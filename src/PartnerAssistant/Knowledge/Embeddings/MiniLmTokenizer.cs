using System.Text;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace PartnerAssistant.Knowledge.Embeddings;

/// <summary>
/// WordPiece tokenisation matching the model's Hugging Face <c>tokenizer.json</c>: the vocabulary
/// and the BERT normaliser settings (lower-casing, accent stripping, CJK splitting) are read from
/// it and handed to <see cref="BertTokenizer"/>. Encodings are <c>[CLS] … [SEP]</c>, cut to
/// <see cref="MaxTokens"/> tokens in all.
/// </summary>
public sealed class MiniLmTokenizer
{
    private readonly BertTokenizer _tokenizer;
    private readonly int _maxPiecesPerWord;

    private MiniLmTokenizer(BertTokenizer tokenizer, int maxTokens, int maxPiecesPerWord)
    {
        _tokenizer = tokenizer;
        MaxTokens = maxTokens;
        _maxPiecesPerWord = maxPiecesPerWord;
    }

    /// <summary>Longest encoding returned, special tokens included.</summary>
    public int MaxTokens { get; }

    public static MiniLmTokenizer Load(string tokenizerJsonPath, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 3);
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(tokenizerJsonPath));
        JsonElement root = document.RootElement;
        JsonElement model = root.GetProperty("model");
        if (model.GetProperty("type").GetString() != "WordPiece")
        {
            throw new NotSupportedException($"{tokenizerJsonPath} describes a {model.GetProperty("type").GetString()} model; only WordPiece (BERT) is supported.");
        }

        var options = new BertOptions
        {
            UnknownToken = StringOr(model, "unk_token", "[UNK]"),
            ContinuingSubwordPrefix = StringOr(model, "continuing_subword_prefix", "##"),
            MaxInputCharsPerWord = model.TryGetProperty("max_input_chars_per_word", out JsonElement maxChars) ? maxChars.GetInt32() : 100,
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = true,
        };
        if (root.TryGetProperty("normalizer", out JsonElement normalizer) && normalizer.ValueKind == JsonValueKind.Object)
        {
            bool lowercase = BoolOr(normalizer, "lowercase", true);
            options.LowerCaseBeforeTokenization = lowercase;
            // Hugging Face leaves strip_accents null to mean "strip when lower-casing": "Café" becomes "cafe".
            options.RemoveNonSpacingMarks = normalizer.TryGetProperty("strip_accents", out JsonElement strip) && strip.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? strip.GetBoolean()
                : lowercase;
            options.IndividuallyTokenizeCjk = BoolOr(normalizer, "handle_chinese_chars", true);
        }

        using var vocabulary = new MemoryStream(VocabularyFile(model.GetProperty("vocab"), tokenizerJsonPath));
        return new MiniLmTokenizer(BertTokenizer.Create(vocabulary, options), maxTokens, options.MaxInputCharsPerWord);
    }

    /// <summary>Token ids of <paramref name="text"/>, starting with [CLS] and ending with [SEP].</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        // BertTokenizer's limit stops before a word whose pieces would not all fit, while the
        // reference tokenizer cuts between word pieces. Asking for up to one word's worth of pieces
        // more (a word is at most MaxInputCharsPerWord pieces) and cutting here matches the reference
        // without encoding all of a long document.
        int room = MaxTokens - 2;
        IReadOnlyList<int> ids = _tokenizer.EncodeToIds(text, room + _maxPiecesPerWord, addSpecialTokens: false, out _, out _);
        int kept = Math.Min(ids.Count, room);
        var encoded = new int[kept + 2];
        encoded[0] = _tokenizer.ClassificationTokenId;
        for (int i = 0; i < kept; i++)
        {
            encoded[i + 1] = ids[i];
        }
        encoded[^1] = _tokenizer.SeparatorTokenId;
        return encoded;
    }

    // BertTokenizer reads the classic vocab.txt layout: one token per line, the line number is its id.
    private static byte[] VocabularyFile(JsonElement vocab, string source)
    {
        var tokens = new string?[vocab.EnumerateObject().Count()];
        foreach (JsonProperty entry in vocab.EnumerateObject())
        {
            int id = entry.Value.GetInt32();
            if (id < 0 || id >= tokens.Length || tokens[id] is not null)
            {
                throw new InvalidDataException($"{source}: vocabulary ids are not 0..{tokens.Length - 1} without gaps (token '{entry.Name}' has id {id}).");
            }
            if (entry.Name.Contains('\n') || entry.Name.Contains('\r'))
            {
                throw new InvalidDataException($"{source}: vocabulary token {id} contains a line break and cannot be written as a vocab line.");
            }
            tokens[id] = entry.Name;
        }
        var text = new StringBuilder(tokens.Length * 8);
        foreach (string? token in tokens)
        {
            text.Append(token).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string StringOr(JsonElement element, string name, string fallback) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : fallback;

    private static bool BoolOr(JsonElement element, string name, bool fallback) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;
}
