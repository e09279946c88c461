using OnnxGraph.Protobuf;

namespace OnnxGraph.Tests.Protobuf;

public sealed class ProtoWriterTests
{
    [Theory]
    [InlineData(0UL, new byte[] { 0x00 })]
    [InlineData(1UL, new byte[] { 0x01 })]
    [InlineData(127UL, new byte[] { 0x7F })]
    [InlineData(300UL, new byte[] { 0xAC, 0x02 })]
    [InlineData(ulong.MaxValue, new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })]
    public void Varint_KnownValues_UseBase128LittleEndianGroups(ulong value, byte[] expected)
    {
        Assert.Equal(expected, Write(w => w.Varint(value)));
    }

    [Fact]
    public void Int64Field_NegativeValue_IsTenByteTwosComplementAfterTheTag()
    {
        byte[] bytes = Write(w => w.Int64Field(3, -1));

        Assert.Equal(0x18, bytes[0]); // field 3, wire type 0
        Assert.Equal(11, bytes.Length);
    }

    [Fact]
    public void MessageField_NestedMessage_IsPrefixedWithItsMeasuredLength()
    {
        byte[] bytes = Write(w => w.MessageField(7, inner => inner.StringField(2, "abc")));

        // Tag (7 << 3 | 2) = 0x3A, length 5, then tag 0x12, length 3, "abc".
        Assert.Equal(new byte[] { 0x3A, 0x05, 0x12, 0x03, (byte)'a', (byte)'b', (byte)'c' }, bytes);
    }

    [Fact]
    public void PackedInt64Field_Values_AreOneLengthDelimitedRunOfVarints()
    {
        byte[] bytes = Write(w => w.PackedInt64Field(1, [3, 270]));

        Assert.Equal(new byte[] { 0x0A, 0x03, 0x03, 0x8E, 0x02 }, bytes);
    }

    private static byte[] Write(Action<ProtoWriter> write)
    {
        using var stream = new MemoryStream();
        write(ProtoWriter.To(stream));
        return stream.ToArray();
    }
}
