using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace PartnerAssistant.Knowledge.Embeddings;

/// <summary>One tensor listed in a safetensors header: element type, shape and byte range in the data section.</summary>
public sealed record SafetensorEntry(string Name, string DType, IReadOnlyList<long> Shape, long Start, long End)
{
    public long ElementCount => Shape.Aggregate(1L, (count, dim) => count * dim);
}

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length, a JSON header mapping each
/// tensor name to its dtype, shape and byte offsets, then the raw little-endian tensor data.
/// The whole file is held in memory; the model files read here are tens of megabytes.
/// </summary>
public sealed class SafetensorsFile
{
    // The format caps the header at 100 MB; a larger value means a corrupt or foreign file.
    private const long MaxHeaderBytes = 100_000_000;

    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    private readonly byte[] _bytes;
    private readonly int _dataStart;
    private readonly string _source;

    private SafetensorsFile(byte[] bytes, int dataStart, string source, Dictionary<string, SafetensorEntry> tensors, Dictionary<string, string> metadata)
    {
        _bytes = bytes;
        _dataStart = dataStart;
        _source = source;
        Tensors = tensors;
        Metadata = metadata;
    }

    public IReadOnlyDictionary<string, SafetensorEntry> Tensors { get; }

    /// <summary>The optional <c>__metadata__</c> string map of the header.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsFile Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <param name="bytes">The whole file; kept, not copied.</param>
    /// <param name="source">Where the bytes came from, for error messages.</param>
    public static SafetensorsFile Parse(byte[] bytes, string source = "safetensors data")
    {
        if (bytes.Length < 8)
        {
            throw Invalid(source, "it is shorter than the 8-byte header length");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(bytes.Length - 8))
        {
            throw Invalid(source, $"its header length {headerLength} does not fit in a file of {bytes.Length} bytes");
        }
        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;

        var tensors = new Dictionary<string, SafetensorEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument header;
        try
        {
            header = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"its header is not JSON ({e.Message})");
        }
        using (header)
        {
            foreach (JsonProperty property in header.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (JsonProperty item in property.Value.EnumerateObject())
                    {
                        metadata[item.Name] = item.Value.GetString() ?? "";
                    }
                    continue;
                }
                SafetensorEntry entry = ReadEntry(source, property);
                if (entry.Start < 0 || entry.End < entry.Start || entry.End > dataLength)
                {
                    throw Invalid(source, $"tensor '{entry.Name}' spans bytes {entry.Start}..{entry.End} of a {dataLength}-byte data section");
                }
                if (ElementSizes.TryGetValue(entry.DType, out int size) && entry.End - entry.Start != entry.ElementCount * size)
                {
                    throw Invalid(source, $"tensor '{entry.Name}' has {entry.End - entry.Start} bytes, but {entry.DType} [{string.Join(", ", entry.Shape)}] needs {entry.ElementCount * size}");
                }
                tensors[entry.Name] = entry;
            }
        }
        return new SafetensorsFile(bytes, dataStart, source, tensors, metadata);
    }

    public SafetensorEntry this[string name] =>
        Tensors.TryGetValue(name, out SafetensorEntry? entry)
            ? entry
            : throw new KeyNotFoundException($"Tensor '{name}' is not in {_source}.");

    /// <summary>The tensor's bytes as stored (little-endian).</summary>
    public ReadOnlySpan<byte> RawBytes(string name)
    {
        SafetensorEntry entry = this[name];
        return _bytes.AsSpan(_dataStart + (int)entry.Start, (int)(entry.End - entry.Start));
    }

    /// <summary>Reads an F32, F16 or BF16 tensor as 32-bit floats, widening the half-precision formats.</summary>
    public float[] ReadSingles(string name)
    {
        SafetensorEntry entry = this[name];
        ReadOnlySpan<byte> raw = RawBytes(name);
        var values = new float[entry.ElementCount];
        switch (entry.DType)
        {
            case "F32":
                raw.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
                break;
            case "F16":
                // Vectorised widening: this runs over every weight of the model on each build.
                TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(raw), values);
                break;
            case "BF16":
                ReadOnlySpan<ushort> bf16 = MemoryMarshal.Cast<byte, ushort>(raw);
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int32BitsToSingle(bf16[i] << 16);
                }
                break;
            default:
                throw new InvalidDataException($"Tensor '{name}' in {_source} is {entry.DType}; only F32, F16 and BF16 read as floats.");
        }
        return values;
    }

    public long[] ReadInt64s(string name)
    {
        SafetensorEntry entry = this[name];
        if (entry.DType != "I64")
        {
            throw new InvalidDataException($"Tensor '{name}' in {_source} is {entry.DType}, not I64.");
        }
        return MemoryMarshal.Cast<byte, long>(RawBytes(name)).ToArray();
    }

    private static SafetensorEntry ReadEntry(string source, JsonProperty property)
    {
        try
        {
            JsonElement value = property.Value;
            string dtype = value.GetProperty("dtype").GetString() ?? "";
            long[] shape = [.. value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
            JsonElement offsets = value.GetProperty("data_offsets");
            if (offsets.GetArrayLength() != 2)
            {
                throw Invalid(source, $"tensor '{property.Name}' does not have two data offsets");
            }
            return new SafetensorEntry(property.Name, dtype, shape, offsets[0].GetInt64(), offsets[1].GetInt64());
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Invalid(source, $"the header entry of tensor '{property.Name}' is incomplete ({e.Message})");
        }
    }

    private static InvalidDataException Invalid(string source, string reason) => new($"{source} is not a valid safetensors file: {reason}.");
}
