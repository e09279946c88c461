using System.Runtime.InteropServices;

namespace OnnxGraph;

/// <summary>
/// A named constant tensor: a graph initializer or a tensor-valued attribute. The values array is
/// kept, not copied (weights can be tens of megabytes), so it must not change before the model is
/// written. Data is stored as little-endian <c>raw_data</c>, which every ONNX reader accepts.
/// </summary>
public abstract class TensorData
{
    private protected TensorData(string name, OnnxDataType dataType, IReadOnlyList<long> dims, long elementCount)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX raw tensor data is little-endian; this writer does not swap bytes.");
        }
        long expected = 1;
        foreach (long dim in dims)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Tensor '{name}' has a negative dimension in shape [{string.Join(", ", dims)}].", nameof(dims));
            }
            expected *= dim;
        }
        if (expected != elementCount)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has {elementCount} values but shape [{string.Join(", ", dims)}] needs {expected}.", nameof(dims));
        }
        Name = name;
        DataType = dataType;
        Dims = dims;
    }

    public string Name { get; }

    public OnnxDataType DataType { get; }

    /// <summary>The shape; empty for a scalar.</summary>
    public IReadOnlyList<long> Dims { get; }

    internal abstract ReadOnlySpan<byte> RawBytes { get; }

    public static TensorData Create(string name, float[] values, params long[] dims) => new Typed<float>(name, OnnxDataType.Float, values, dims);

    public static TensorData Create(string name, double[] values, params long[] dims) => new Typed<double>(name, OnnxDataType.Double, values, dims);

    public static TensorData Create(string name, Half[] values, params long[] dims) => new Typed<Half>(name, OnnxDataType.Float16, values, dims);

    public static TensorData Create(string name, long[] values, params long[] dims) => new Typed<long>(name, OnnxDataType.Int64, values, dims);

    public static TensorData Create(string name, int[] values, params long[] dims) => new Typed<int>(name, OnnxDataType.Int32, values, dims);

    public static TensorData Create(string name, byte[] values, params long[] dims) => new Typed<byte>(name, OnnxDataType.UInt8, values, dims);

    // .NET stores bool as one byte holding 0 or 1, which is exactly ONNX's raw layout for BOOL.
    public static TensorData Create(string name, bool[] values, params long[] dims) => new Typed<bool>(name, OnnxDataType.Bool, values, dims);

    private sealed class Typed<T> : TensorData
        where T : unmanaged
    {
        private readonly T[] _values;

        public Typed(string name, OnnxDataType dataType, T[] values, long[] dims)
            : base(name, dataType, (long[])dims.Clone(), values.LongLength) => _values = values;

        internal override ReadOnlySpan<byte> RawBytes => MemoryMarshal.AsBytes(_values.AsSpan());
    }
}
