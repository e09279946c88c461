namespace OnnxGraph;

/// <summary>
/// One dimension of a graph input or output: a fixed size, or a symbolic name such as "batch"
/// that ONNX Runtime resolves from the tensors it is given. Ints and strings convert implicitly,
/// so a shape reads <c>("batch", 4)</c>.
/// </summary>
public readonly record struct Dim
{
    private Dim(long? size, string? symbol)
    {
        Size = size;
        Symbol = symbol;
    }

    /// <summary>The fixed size, or null for a symbolic dimension.</summary>
    public long? Size { get; }

    /// <summary>The symbolic name, or null for a fixed dimension.</summary>
    public string? Symbol { get; }

    public static Dim Fixed(long size) =>
        size >= 0 ? new Dim(size, null) : throw new ArgumentOutOfRangeException(nameof(size), size, "A dimension size cannot be negative.");

    public static Dim Symbolic(string symbol) =>
        string.IsNullOrWhiteSpace(symbol) ? throw new ArgumentException("A symbolic dimension needs a name.", nameof(symbol)) : new Dim(null, symbol);

    public static implicit operator Dim(long size) => Fixed(size);

    public static implicit operator Dim(int size) => Fixed(size);

    public static implicit operator Dim(string symbol) => Symbolic(symbol);

    public override string ToString() => Symbol ?? Size!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
