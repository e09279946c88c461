using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using OnnxGraph;

namespace PartnerAssistant.Knowledge.Embeddings;

/// <summary>What <see cref="MiniLmModelCache.EnsureModel"/> found or did.</summary>
public sealed record CachedModel(string ModelPath, bool Built, TimeSpan Elapsed);

/// <summary>
/// Keeps the ONNX model built from the safetensors weights in a cache folder, with a stamp file
/// beside it naming the hashes of the weights and config and the graph version it was built from.
/// The model is rebuilt only when that stamp no longer matches; both files are written to a
/// temporary name and renamed, so a crash or a concurrent process never leaves a torn model, and a
/// build holds a lock file so that of several processes starting together one builds and the rest reuse it.
/// </summary>
public sealed class MiniLmModelCache(string cacheDirectory, ILogger logger)
{
    public const string ModelFileName = "all-MiniLM-L6-v2.onnx";

    public string ModelPath { get; } = Path.Combine(Path.GetFullPath(cacheDirectory), ModelFileName);

    public string StampPath => ModelPath + ".sha256";

    /// <summary>The cache folder of the configured generator: <see cref="EmbeddingOptions.CacheDirectory"/>, else
    /// <c>PartnerAssistant/models</c> under the user's local application data (the temp folder when there is none).</summary>
    public static MiniLmModelCache For(EmbeddingOptions options, ILogger logger) =>
        new(options.CacheDirectory is { Length: > 0 } configured ? configured : DefaultDirectory(), logger);

    /// <summary>The stamp of the model now in the cache (hashes of the weights and config it was built from and the
    /// graph version); null before it is built. Files derived from the model's output (<see cref="DerivedPath"/>)
    /// include it in their key, so a new model never reads vectors the old one made.</summary>
    public string? CurrentStamp => File.Exists(StampPath) ? File.ReadAllText(StampPath) : null;

    /// <summary>A file beside the model for something computed from its output (the intent router's embedded
    /// examples), named by a hash of <paramref name="key"/> and the model's stamp.</summary>
    public string DerivedPath(string name, string key) =>
        Path.Combine(Path.GetDirectoryName(ModelPath)!, $"{name}-{Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(CurrentStamp + "\n" + key)))[..24]}.bin");

    /// <summary>Writes a derived file under a temporary name and renames it, so readers never see half of it.</summary>
    public static void WriteDerived(string path, byte[] content)
    {
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    private static string DefaultDirectory()
    {
        string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
        return Path.Combine(string.IsNullOrEmpty(local) ? Path.GetTempPath() : local, "PartnerAssistant", "models");
    }

    /// <summary>The cached model's path, building the model first when it is missing or stale.</summary>
    public CachedModel EnsureModel(MiniLmModelFiles files)
    {
        long started = Stopwatch.GetTimestamp();
        byte[] weights = File.ReadAllBytes(files.WeightsPath);
        byte[] config = File.ReadAllBytes(files.ConfigPath);
        string stamp = Stamp(weights, config);

        if (IsCurrent(stamp))
        {
            return new CachedModel(ModelPath, Built: false, Stopwatch.GetElapsedTime(started));
        }

        // Several processes starting at once on one cache folder: one builds, the others wait and then use its model.
        using var building = PartnerAssistant.Hosting.ExclusiveFileLock.Acquire(ModelPath + ".lock", TimeSpan.FromMinutes(10));
        if (IsCurrent(stamp))
        {
            return new CachedModel(ModelPath, Built: false, Stopwatch.GetElapsedTime(started));
        }

        logger.LogInformation("Building the all-MiniLM-L6-v2 ONNX model from {WeightsPath} into {ModelPath}", files.WeightsPath, ModelPath);
        OnnxModel model = BertEncoderGraph.Build(SafetensorsFile.Parse(weights, files.WeightsPath), BertConfig.Load(files.ConfigPath))
            .WithProducer("PartnerAssistant.Knowledge.Embeddings", BertEncoderGraph.GraphVersion.ToString(CultureInfo.InvariantCulture));
        model.DocString = "all-MiniLM-L6-v2 sentence encoder (mean pooling, L2-normalised), built from model.fp16.safetensors widened to fp32.";
        model.Save(ModelPath);
        WriteAtomically(StampPath, stamp);

        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);
        logger.LogInformation("Built the all-MiniLM-L6-v2 ONNX model ({SizeMegabytes:F1} MB) in {ElapsedMilliseconds} ms",
            new FileInfo(ModelPath).Length / 1e6, (long)elapsed.TotalMilliseconds);
        return new CachedModel(ModelPath, Built: true, elapsed);
    }

    private bool IsCurrent(string stamp) => File.Exists(ModelPath) && File.Exists(StampPath) && File.ReadAllText(StampPath) == stamp;

    private static string Stamp(byte[] weights, byte[] config) =>
        $"weights-sha256: {Convert.ToHexStringLower(SHA256.HashData(weights))}\n" +
        $"config-sha256: {Convert.ToHexStringLower(SHA256.HashData(config))}\n" +
        $"graph-version: {BertEncoderGraph.GraphVersion.ToString(CultureInfo.InvariantCulture)}\n";

    private static void WriteAtomically(string path, string text)
    {
        string temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }
}
