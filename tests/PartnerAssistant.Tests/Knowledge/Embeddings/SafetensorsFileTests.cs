using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Tests.Knowledge.Embeddings;

public sealed class SafetensorsFileTests
{
    [Fact]
    public void Parse_Float16Float32AndInt64Tensors_ReadsValuesAndShapes()
    {
        byte[] halfs = MemoryMarshal.AsBytes<Half>([(Half)1.5f, (Half)(-2f), (Half)0.25f, (Half)1024f]).ToArray();
        byte[] singles = MemoryMarshal.AsBytes<float>([3.25f, -1e-7f]).ToArray();
        byte[] longs = MemoryMarshal.AsBytes<long>([7L, -9_000_000_000L]).ToArray();
        byte[] file = Build(
            """{"__metadata__":{"format":"pt"},"h":{"dtype":"F16","shape":[2,2],"data_offsets":[0,8]},"s":{"dtype":"F32","shape":[2],"data_offsets":[8,16]},"l":{"dtype":"I64","shape":[2],"data_offsets":[16,32]}}""",
            [.. halfs, .. singles, .. longs]);

        SafetensorsFile tensors = SafetensorsFile.Parse(file);

        Assert.Equal([1.5f, -2f, 0.25f, 1024f], tensors.ReadSingles("h"));
        Assert.Equal([2L, 2L], tensors["h"].Shape);
        Assert.Equal([3.25f, -1e-7f], tensors.ReadSingles("s"));
        Assert.Equal([7L, -9_000_000_000L], tensors.ReadInt64s("l"));
        Assert.Equal("pt", tensors.Metadata["format"]);
    }

    [Fact]
    public void Parse_OffsetsPastTheEndOfTheData_IsRejectedNamingTheTensor()
    {
        byte[] file = Build("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[8]);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Parse(file, "weights.safetensors"));

        Assert.Contains("weights.safetensors is not a valid safetensors file", error.Message);
        Assert.Contains("'w'", error.Message);
    }

    [Fact]
    public void Parse_ByteCountNotMatchingShape_IsRejected()
    {
        byte[] file = Build("""{"w":{"dtype":"F16","shape":[3],"data_offsets":[0,8]}}""", new byte[8]);

        var error = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Parse(file));

        Assert.Contains("F16 [3] needs 6", error.Message);
    }

    [Fact]
    public void Parse_HeaderLengthLargerThanFile_IsRejected()
    {
        byte[] file = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(file, 1000);

        Assert.Throws<InvalidDataException>(() => SafetensorsFile.Parse(file));
    }

    [Fact]
    public void ReadInt64s_OnAFloatTensor_SaysWhichTypeItHolds()
    {
        SafetensorsFile tensors = SafetensorsFile.Parse(Build("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[4]));

        var error = Assert.Throws<InvalidDataException>(() => tensors.ReadInt64s("w"));

        Assert.Contains("is F32, not I64", error.Message);
    }

    [Fact]
    public void Load_ModelPackageWeights_ListsTheBertTensors()
    {
        SafetensorsFile weights = SafetensorsFile.Load(MiniLmModelFiles.Locate(null).WeightsPath);

        Assert.Equal([30522L, 384L], weights["embeddings.word_embeddings.weight"].Shape);
        Assert.Equal("F16", weights["encoder.layer.5.output.dense.weight"].DType);
        Assert.Equal([384L, 1536L], weights["encoder.layer.5.output.dense.weight"].Shape);
    }

    private static byte[] Build(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var file = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        data.CopyTo(file, 8 + json.Length);
        return file;
    }
}
