using System.Text.Json;

namespace PartnerAssistant.Knowledge.Embeddings;

/// <summary>The fields of a Hugging Face BERT <c>config.json</c> that shape the encoder graph.</summary>
public sealed record BertConfig
{
    public int VocabSize { get; init; }

    public int HiddenSize { get; init; }

    public int NumHiddenLayers { get; init; }

    public int NumAttentionHeads { get; init; }

    public int IntermediateSize { get; init; }

    public int MaxPositionEmbeddings { get; init; }

    public int TypeVocabSize { get; init; }

    public float LayerNormEps { get; init; } = 1e-12f;

    public string HiddenAct { get; init; } = "gelu";

    public int HeadSize => HiddenSize / NumAttentionHeads;

    public static BertConfig Load(string path)
    {
        // Read field by field rather than with reflection-based deserialisation, which trimmed
        // and AOT-published hosts switch off.
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        var config = new BertConfig
        {
            VocabSize = Int(root, "vocab_size"),
            HiddenSize = Int(root, "hidden_size"),
            NumHiddenLayers = Int(root, "num_hidden_layers"),
            NumAttentionHeads = Int(root, "num_attention_heads"),
            IntermediateSize = Int(root, "intermediate_size"),
            MaxPositionEmbeddings = Int(root, "max_position_embeddings"),
            TypeVocabSize = Int(root, "type_vocab_size"),
            LayerNormEps = root.TryGetProperty("layer_norm_eps", out JsonElement eps) ? eps.GetSingle() : 1e-12f,
            HiddenAct = root.TryGetProperty("hidden_act", out JsonElement act) ? act.GetString() ?? "" : "gelu",
        };
        config.Validate(path);
        return config;
    }

    private static int Int(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : 0;

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
