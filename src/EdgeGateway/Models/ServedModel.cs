using System.Text.Json.Nodes;
using EdgeGateway.Inference;

namespace EdgeGateway.Models;

/// <summary>A file a client sent for inference (an image, a recording).</summary>
public sealed record InferenceFile(string FileName, string ContentType, byte[] Content);

/// <summary>
/// Turns a task's own request format (a file, JSON readings) into tensors for the model's networks
/// and their outputs back into an answer. Raw tensors bypass it.
/// </summary>
public abstract class ModelTaskRunner
{
    /// <summary>What the task takes besides raw tensors, for listings and error messages.</summary>
    public abstract string Accepts { get; }

    public virtual bool TakesFile => false;

    public virtual bool TakesJson => false;

    public virtual JsonObject RunFile(InferenceFile file, CancellationToken cancellationToken) =>
        throw InferenceRequestException.Unsupported($"This model takes {Accepts}, not a file.");

    public virtual JsonObject RunJson(JsonNode body, CancellationToken cancellationToken) =>
        throw InferenceRequestException.Unsupported($"This model takes {Accepts}; send it as a multipart 'file' field, or send raw tensors as {{\"inputs\": {{...}}}}.");
}

/// <summary>A model as the gateway serves it: ready with its sessions, or unavailable with the reason.</summary>
public sealed class ServedModel : IDisposable
{
    private ServedModel(string name, string folder, ModelManifest? manifest, IReadOnlyList<OnnxNetwork> networks, ModelTaskRunner? runner, string? error)
    {
        Name = name;
        Folder = folder;
        Manifest = manifest;
        Networks = networks;
        Runner = runner;
        Error = error;
    }

    public string Name { get; }

    public string Folder { get; }

    /// <summary>The manifest, or null when it could not be read.</summary>
    public ModelManifest? Manifest { get; }

    public IReadOnlyList<OnnxNetwork> Networks { get; }

    public ModelTaskRunner? Runner { get; }

    /// <summary>Why the model is not served; null when it is ready.</summary>
    public string? Error { get; }

    public bool IsReady => Error is null;

    public string Status => IsReady ? "ready" : "unavailable";

    public static ServedModel Ready(string folder, ModelManifest manifest, IReadOnlyList<OnnxNetwork> networks, ModelTaskRunner runner) =>
        new(manifest.Name, folder, manifest, networks, runner, null);

    public static ServedModel Unavailable(string name, string folder, ModelManifest? manifest, string error) =>
        new(name, folder, manifest, [], null, error);

    public OnnxNetwork Network(string role) =>
        Networks.FirstOrDefault(n => n.Role == role) ?? throw new InvalidOperationException($"Model '{Name}' has no '{role}' network.");

    public void Dispose()
    {
        foreach (var network in Networks)
        {
            network.Dispose();
        }
    }
}
