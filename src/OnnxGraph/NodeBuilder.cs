namespace OnnxGraph;

/// <summary>
/// A node being added to a <see cref="GraphBuilder"/>. Attribute methods return the same builder
/// so a node reads as one expression: <c>g.Node("Softmax", scores).Attr("axis", -1).Output</c>.
/// </summary>
public sealed class NodeBuilder
{
    private readonly List<NodeAttribute> _attributes = [];

    internal NodeBuilder(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        OpType = opType;
        Inputs = inputs;
        Outputs = outputs;
    }

    public string OpType { get; }

    /// <summary>Names of the node's inputs; an empty name leaves an optional input out.</summary>
    public IReadOnlyList<string> Inputs { get; }

    public IReadOnlyList<string> Outputs { get; }

    /// <summary>The first (usually the only) output, to feed into the next node.</summary>
    public string Output => Outputs[0];

    /// <summary>Optional node name, shown by ONNX Runtime in its error messages and by model viewers.</summary>
    public string? Name { get; private set; }

    /// <summary>Operator set domain; empty is the standard ONNX domain.</summary>
    public string Domain { get; private set; } = "";

    internal IReadOnlyList<NodeAttribute> Attributes => _attributes;

    public NodeBuilder Named(string name)
    {
        Name = name;
        return this;
    }

    public NodeBuilder InDomain(string domain)
    {
        Domain = domain;
        return this;
    }

    // A single value is an INT (or FLOAT) attribute and an array an INTS (or FLOATS) one; operators
    // check the kind, so axes lists are written as arrays even when they hold one axis: [1].
    public NodeBuilder Attr(string name, long value) => Add(new NodeAttribute(name, AttributeKind.Int) { Int = value });

    public NodeBuilder Attr(string name, float value) => Add(new NodeAttribute(name, AttributeKind.Float) { Float = value });

    public NodeBuilder Attr(string name, string value) => Add(new NodeAttribute(name, AttributeKind.String) { String = value });

    public NodeBuilder Attr(string name, long[] values) => Add(new NodeAttribute(name, AttributeKind.Ints) { Ints = [.. values] });

    public NodeBuilder Attr(string name, float[] values) => Add(new NodeAttribute(name, AttributeKind.Floats) { Floats = [.. values] });

    public NodeBuilder Attr(string name, string[] values) => Add(new NodeAttribute(name, AttributeKind.Strings) { Strings = [.. values] });

    /// <summary>A tensor attribute, as <c>Constant</c>'s <c>value</c> expects.</summary>
    public NodeBuilder Attr(string name, TensorData value) => Add(new NodeAttribute(name, AttributeKind.Tensor) { Tensor = value });

    private NodeBuilder Add(NodeAttribute attribute)
    {
        if (string.IsNullOrEmpty(attribute.Name))
        {
            throw new ArgumentException($"An attribute of the {OpType} node needs a name.");
        }
        if (_attributes.Exists(a => a.Name == attribute.Name))
        {
            throw new ArgumentException($"The {OpType} node producing '{Output}' already has an attribute '{attribute.Name}'.");
        }
        _attributes.Add(attribute);
        return this;
    }
}
