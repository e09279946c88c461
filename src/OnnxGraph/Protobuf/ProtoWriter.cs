using System.Buffers.Binary;
using System.Diagnostics;

namespace OnnxGraph.Protobuf;

/// <summary>Protobuf wire types used by the ONNX messages this library writes.</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// Writes protobuf wire format to a stream, or only counts bytes when it has no stream.
/// A nested message is prefixed by its length, so it is first written in counting mode to learn
/// that length: one write routine per message keeps size and content from ever disagreeing.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly Stream? _stream;
    private readonly byte[] _scratch = new byte[16];

    private ProtoWriter(Stream? stream) => _stream = stream;

    /// <summary>Bytes written (or counted) so far.</summary>
    public long Position { get; private set; }

    public static ProtoWriter To(Stream stream) => new(stream);

    public static long Measure(Action<ProtoWriter> write)
    {
        var counter = new ProtoWriter(null);
        write(counter);
        return counter.Position;
    }

    public void Varint(ulong value)
    {
        int length = 0;
        while (value >= 0x80)
        {
            _scratch[length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _scratch[length++] = (byte)value;
        Raw(_scratch.AsSpan(0, length));
    }

    public void Tag(int field, WireType wireType) => Varint(((ulong)(uint)field << 3) | (uint)wireType);

    // int32/int64 fields are plain varints; negative values take ten bytes (two's complement).
    public void Int64Field(int field, long value)
    {
        Tag(field, WireType.Varint);
        Varint(unchecked((ulong)value));
    }

    public void FloatField(int field, float value)
    {
        Tag(field, WireType.Fixed32);
        BinaryPrimitives.WriteSingleLittleEndian(_scratch, value);
        Raw(_scratch.AsSpan(0, 4));
    }

    public void StringField(int field, string value) => BytesField(field, System.Text.Encoding.UTF8.GetBytes(value));

    public void BytesField(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireType.LengthDelimited);
        Varint((ulong)value.Length);
        Raw(value);
    }

    public void PackedInt64Field(int field, IReadOnlyList<long> values)
    {
        if (values.Count == 0)
        {
            return;
        }
        long length = 0;
        foreach (long value in values)
        {
            length += VarintSize(unchecked((ulong)value));
        }
        Tag(field, WireType.LengthDelimited);
        Varint((ulong)length);
        foreach (long value in values)
        {
            Varint(unchecked((ulong)value));
        }
    }

    public void PackedFloatField(int field, IReadOnlyList<float> values)
    {
        if (values.Count == 0)
        {
            return;
        }
        Tag(field, WireType.LengthDelimited);
        Varint((ulong)values.Count * 4);
        foreach (float value in values)
        {
            BinaryPrimitives.WriteSingleLittleEndian(_scratch, value);
            Raw(_scratch.AsSpan(0, 4));
        }
    }

    public void MessageField(int field, Action<ProtoWriter> write)
    {
        long length = Measure(write);
        Tag(field, WireType.LengthDelimited);
        Varint((ulong)length);
        long start = Position;
        write(this);
        Debug.Assert(Position - start == length, "A message wrote a different number of bytes than it measured.");
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        _stream?.Write(bytes);
        Position += bytes.Length;
    }

    private static int VarintSize(ulong value)
    {
        int size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }
}
