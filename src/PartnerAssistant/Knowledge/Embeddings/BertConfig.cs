using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartnerAssistant.Knowledge.Embeddings;

/// <summary>The fields of a Hugging Face BERT <c>config.json</c> that shape the encoder graph.</summary>
public sealed record BertConfig
{
    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public int VocabSize { get; init; }

    public int HiddenSize { get; init; }

    public int NumHiddenLayers { get; init; }

    public int NumAttentionHeads { get; init; }

    public int IntermediateSize { get; init; }

    public int MaxPositionEmbeddings { get; init; }

    public int TypeVocabSize { get; init; }

    public float LayerNormEps { get; init; } = 1e-12f;

    public string HiddenAct { get; init; } = "gelu";

    [JsonIgnore]
    public int HeadSize => HiddenSize / NumAttentionHeads;

    public static BertConfig Load(string path)
    {
        BertConfig config = JsonSerializer.Deserialize<BertConfig>(File.ReadAllText(path), JsonOptions)
            ?? throw new InvalidDataException($"{path} is empty.");
        config.Validate(path);
        return config;
    }

    private void Validate(string source)
    {
        if (VocabSize <= 0 || HiddenSize <= 0 || NumHiddenLayers <= 0 || NumAttentionHeads <= 0 || IntermediateSize <= 0
            || MaxPositionEmbeddings <= 0 || TypeVocabSize <= 0)
        {
            throw new InvalidDataException($"{source} lacks one of the BERT sizes (vocab, hidden, layers, heads, intermediate, positions, token types).");
        }
        if (HiddenSize % NumAttentionHeads != 0)
        {
            throw new InvalidDataException($"{source}: hidden size {HiddenSize} is not a multiple of {NumAttentionHeads} attention heads.");
        }
        // BERT's "gelu" is the exact erf form, which is what the graph builds.
        if (HiddenAct != "gelu")
        {
            throw new NotSupportedException($"{source}: activation '{HiddenAct}' is not supported; the encoder graph implements exact (erf) GELU only.");
        }
    }
}
