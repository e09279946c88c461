using OnnxGraph.Protobuf;

namespace OnnxGraph;

/// <summary>An operator set the model imports: a domain ("" is standard ONNX) and its version.</summary>
public sealed record OpsetImport(string Domain, long Version);

/// <summary>
/// A graph plus the model header ONNX Runtime checks before it runs anything: IR version,
/// imported operator sets, producer, metadata. Serializes to the ONNX protobuf format.
/// </summary>
public sealed class OnnxModel
{
    // Protobuf parsers, ONNX Runtime's included, refuse a single message of 2 GiB or more;
    // bigger models need external data files, which this writer does not produce.
    private const long MaxModelBytes = int.MaxValue;

    private readonly List<OpsetImport> _opsets = [];
    private readonly List<KeyValuePair<string, string>> _metadata = [];
    private long? _irVersion;

    public OnnxModel(GraphBuilder graph) => Graph = graph;

    public GraphBuilder Graph { get; }

    public IReadOnlyList<OpsetImport> Opsets => _opsets;

    public IReadOnlyList<KeyValuePair<string, string>> Metadata => _metadata;

    /// <summary>
    /// ONNX IR version. Default: the oldest IR version that goes with the highest standard
    /// opset imported (8 up to opset 17, 9 for 18–19, 10 for 20–22, 11 from 23), which keeps the
    /// file loadable by the widest range of runtimes.
    /// </summary>
    public long IrVersion
    {
        get => _irVersion ?? DefaultIrVersion();
        set => _irVersion = value;
    }

    /// <summary>Name of the tool that wrote the model. Default: "OnnxGraph".</summary>
    public string ProducerName { get; set; } = "OnnxGraph";

    /// <summary>Version of the tool that wrote the model. Default: empty.</summary>
    public string ProducerVersion { get; set; } = "";

    /// <summary>Free text describing the model. Default: empty.</summary>
    public string DocString { get; set; } = "";

    /// <summary>Imports an operator set (replacing an earlier version of the same domain).</summary>
    public OnnxModel ImportOpset(string domain, long version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        _opsets.RemoveAll(o => o.Domain == domain);
        _opsets.Add(new OpsetImport(domain, version));
        return this;
    }

    public OnnxModel WithProducer(string name, string version = "")
    {
        ProducerName = name;
        ProducerVersion = version;
        return this;
    }

    public OnnxModel WithMetadata(string key, string value)
    {
        _metadata.RemoveAll(p => p.Key == key);
        _metadata.Add(new KeyValuePair<string, string>(key, value));
        return this;
    }

    /// <summary>Size of the serialized model in bytes.</summary>
    public long SerializedSize => ProtoWriter.Measure(w => OnnxProtoEncoder.WriteModel(w, this));

    public void WriteTo(Stream stream)
    {
        long size = SerializedSize;
        if (size > MaxModelBytes)
        {
            throw new InvalidOperationException(
                $"The model is {size} bytes; ONNX protobuf files must stay under 2 GiB (external data files are not supported).");
        }
        OnnxProtoEncoder.WriteModel(ProtoWriter.To(stream), this);
    }

    public byte[] ToArray()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/> atomically: into a temporary file in the same
    /// folder, then renamed over the target, so a reader never sees a half-written model.
    /// </summary>
    public void Save(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
            {
                WriteTo(file);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private long DefaultIrVersion()
    {
        long opset = _opsets.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max();
        return opset switch
        {
            <= 17 => 8,
            <= 19 => 9,
            <= 22 => 10,
            _ => 11,
        };
    }
}
