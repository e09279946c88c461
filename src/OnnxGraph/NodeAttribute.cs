namespace OnnxGraph;

/// <summary>Attribute types; the values are those of <c>AttributeProto.AttributeType</c>.</summary>
internal enum AttributeKind
{
    Float = 1,
    Int = 2,
    String = 3,
    Tensor = 4,
    Floats = 6,
    Ints = 7,
    Strings = 8,
}

/// <summary>One named attribute of a node; exactly one of the value members is used, as <see cref="Kind"/> says.</summary>
internal sealed record NodeAttribute(string Name, AttributeKind Kind)
{
    public float Float { get; init; }

    public long Int { get; init; }

    public string? String { get; init; }

    public TensorData? Tensor { get; init; }

    public IReadOnlyList<float> Floats { get; init; } = [];

    public IReadOnlyList<long> Ints { get; init; } = [];

    public IReadOnlyList<string> Strings { get; init; } = [];
}
