using System.Globalization;

namespace OnnxGraph;

/// <summary>
/// The declared name, element type and shape of a graph input or output. The shape is empty
/// for a scalar and null when it is left unknown.
/// </summary>
public sealed record ValueInfo(string Name, OnnxDataType ElementType, IReadOnlyList<Dim>? Shape);

/// <summary>
/// Builds an ONNX graph: inputs, initializers (weights), nodes in topological order, outputs.
/// Every value name may be defined once, as ONNX requires; nodes get generated output names
/// unless given their own. Call <see cref="ToModel"/> to wrap the graph in a model that can be saved.
/// </summary>
/// <example>
/// <code>
/// var g = new GraphBuilder("logistic");
/// var x = g.Input("x", OnnxDataType.Float, "batch", 3);
/// var w = g.Initializer("w", new[] { 0.5f, -1f, 2f }, 3, 1);
/// var b = g.Initializer("b", new[] { 0.1f }, 1);
/// g.Op("Sigmoid", [g.Op("Add", g.Op("MatMul", x, w), b)], "p");
/// g.Output("p", OnnxDataType.Float, "batch", 1);
/// g.ToModel(opset: 17).Save("model.onnx");
/// </code>
/// </example>
public sealed class GraphBuilder
{
    private readonly HashSet<string> _definedNames = new(StringComparer.Ordinal);
    private readonly List<ValueInfo> _inputs = [];
    private readonly List<ValueInfo> _outputs = [];
    private readonly List<TensorData> _initializers = [];
    private readonly List<NodeBuilder> _nodes = [];
    private int _generated;

    public GraphBuilder(string name = "graph")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    public string Name { get; }

    public IReadOnlyList<ValueInfo> Inputs => _inputs;

    public IReadOnlyList<ValueInfo> Outputs => _outputs;

    public IReadOnlyList<TensorData> Initializers => _initializers;

    public IReadOnlyList<NodeBuilder> Nodes => _nodes;

    /// <summary>
    /// Declares a graph input and returns its name. The shape lists fixed sizes or symbolic
    /// names; it is empty for a scalar, null for an unknown shape.
    /// </summary>
    public string Input(string name, OnnxDataType elementType, params Dim[]? shape)
    {
        Define(name);
        _inputs.Add(new ValueInfo(name, elementType, shape is null ? null : [.. shape]));
        return name;
    }

    /// <summary>
    /// Declares that the value <paramref name="name"/>, produced by a node, is a graph output.
    /// The shape is given as for <see cref="Input"/>.
    /// </summary>
    public GraphBuilder Output(string name, OnnxDataType elementType, params Dim[]? shape)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_outputs.Exists(o => o.Name == name))
        {
            throw new ArgumentException($"'{name}' is already an output of graph '{Name}'.", nameof(name));
        }
        _outputs.Add(new ValueInfo(name, elementType, shape is null ? null : [.. shape]));
        return this;
    }

    /// <summary>Adds a constant tensor (weights, biases, shapes, axes) and returns its name.</summary>
    public string Initializer(TensorData tensor)
    {
        Define(tensor.Name);
        _initializers.Add(tensor);
        return tensor.Name;
    }

    public string Initializer(string name, float[] values, params long[] shape) => Initializer(TensorData.Create(name, values, shape));

    public string Initializer(string name, long[] values, params long[] shape) => Initializer(TensorData.Create(name, values, shape));

    public string Initializer(string name, int[] values, params long[] shape) => Initializer(TensorData.Create(name, values, shape));

    /// <summary>A float scalar initializer, handy for constants such as epsilons and scales.</summary>
    public string Scalar(string name, float value) => Initializer(TensorData.Create(name, [value]));

    /// <summary>A one-dimensional int64 initializer, the form ONNX uses for axes, shapes and slice bounds.</summary>
    public string Int64s(string name, params long[] values) => Initializer(TensorData.Create(name, values, values.Length));

    /// <summary>Adds a node with one output whose name is generated from the operator type.</summary>
    public NodeBuilder Node(string opType, params string[] inputs) => Node(opType, inputs, [NewName(opType)]);

    /// <summary>Adds a node whose outputs are named by the caller.</summary>
    public NodeBuilder Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        if (outputs.Count == 0)
        {
            throw new ArgumentException($"A {opType} node needs at least one output.", nameof(outputs));
        }
        foreach (string output in outputs)
        {
            Define(output);
        }
        var node = new NodeBuilder(opType, [.. inputs], [.. outputs]);
        _nodes.Add(node);
        return node;
    }

    /// <summary>Adds a node without attributes and returns its output name.</summary>
    public string Op(string opType, params string[] inputs) => Node(opType, inputs).Output;

    /// <summary>Adds a node without attributes whose single output has the given name.</summary>
    public string Op(string opType, string[] inputs, string output) => Node(opType, inputs, [output]).Output;

    /// <summary>Adds a <c>Cast</c> node converting <paramref name="input"/> to <paramref name="to"/>.</summary>
    public string Cast(string input, OnnxDataType to) => Node("Cast", input).Attr("to", (long)to).Output;

    /// <summary>Wraps the graph in a model importing the standard operator set <paramref name="opset"/>.</summary>
    public OnnxModel ToModel(int opset = 17) => new OnnxModel(this).ImportOpset("", opset);

    /// <summary>A value name not used yet in this graph, built from <paramref name="prefix"/>.</summary>
    public string NewName(string prefix)
    {
        string name;
        do
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{++_generated}");
        }
        while (_definedNames.Contains(name));
        return name;
    }

    private void Define(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_definedNames.Add(name))
        {
            throw new ArgumentException($"The value name '{name}' is already defined in graph '{Name}'; ONNX values are assigned once.", nameof(name));
        }
    }
}
