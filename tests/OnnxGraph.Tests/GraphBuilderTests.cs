namespace OnnxGraph.Tests;

public sealed class GraphBuilderTests
{
    private const float Tolerance = 1e-5f;

    [Fact]
    public void Op_TwoLayerMlpWithRelu_MatchesHandComputedOutputForEachBatchRow()
    {
        var g = new GraphBuilder("mlp");
        string x = g.Input("x", OnnxDataType.Float, "batch", 2);
        // w1 is [2, 3]: row i holds the weights from input i to the three hidden units.
        string w1 = g.Initializer("w1", [1f, -1f, 0.5f, 2f, 1f, -1f], 2, 3);
        string b1 = g.Initializer("b1", [0f, 0.5f, -1f], 3);
        string w2 = g.Initializer("w2", [1f, 2f, -3f], 3, 1);
        string b2 = g.Initializer("b2", [0.25f], 1);
        string hidden = g.Op("Relu", g.Op("Add", g.Op("MatMul", x, w1), b1));
        g.Op("Add", [g.Op("MatMul", hidden, w2), b2], "y");
        g.Output("y", OnnxDataType.Float, "batch", 1);

        float[] y = OrtRunner.RunFloat(g.ToModel(), ("x", [1f, 2f, -1f, 0.5f], [2, 2]));

        // Row (1, 2): hidden = relu(1+4, -1+2+0.5, 0.5-2-1) = (5, 1.5, 0); y = 5 + 3 + 0 + 0.25.
        // Row (-1, 0.5): hidden = relu(-1+1, 1+0.5+0.5, -0.5-0.5-1) = (0, 2, 0); y = 4 + 0.25.
        Assert.Equal([8.25f, 4.25f], y);
    }

    [Fact]
    public void Op_LogisticRegression_ReturnsSigmoidOfLinearScore()
    {
        var g = new GraphBuilder("logistic");
        string x = g.Input("x", OnnxDataType.Float, "batch", 3);
        string w = g.Initializer("w", [0.5f, -1f, 2f], 3, 1);
        string b = g.Initializer("b", [0.1f], 1);
        g.Op("Sigmoid", [g.Op("Add", g.Op("MatMul", x, w), b)], "probability");
        g.Output("probability", OnnxDataType.Float, "batch", 1);

        float[] p = OrtRunner.RunFloat(g.ToModel(), ("x", [1f, 1f, 1f, 0f, 2f, 0f], [2, 3]));

        // Scores: 0.5 - 1 + 2 + 0.1 = 1.6 and -2 + 0.1 = -1.9.
        Assert.Equal(1 / (1 + MathF.Exp(-1.6f)), p[0], Tolerance);
        Assert.Equal(1 / (1 + MathF.Exp(1.9f)), p[1], Tolerance);
    }

    [Fact]
    public void Node_ZScoreAnomalyScoreWithReduceSumKeepdimsOff_SumsSquaredStandardisedDeviations()
    {
        var g = new GraphBuilder("anomaly");
        string x = g.Input("x", OnnxDataType.Float, "batch", 2);
        string mean = g.Initializer("mean", [10f, 100f], 2);
        string std = g.Initializer("std", [2f, 20f], 2);
        string z = g.Op("Div", g.Op("Sub", x, mean), std);
        string axes = g.Int64s("axes", 1);
        g.Node("ReduceSum", [g.Op("Mul", z, z), axes], ["score"]).Attr("keepdims", 0);
        g.Output("score", OnnxDataType.Float, "batch");

        float[] score = OrtRunner.RunFloat(g.ToModel(), ("x", [12f, 60f, 10f, 100f], [2, 2]));

        // (12-10)/2 = 1 and (60-100)/20 = -2 give 1 + 4; the second row sits on the mean.
        Assert.Equal([5f, 0f], score);
    }

    [Fact]
    public void Attr_NegativeAxisAndIntList_AreEncodedSoTransposeAndSoftmaxUseThem()
    {
        var g = new GraphBuilder("attributes");
        string x = g.Input("x", OnnxDataType.Float, 2, 3);
        string transposed = g.Node("Transpose", x).Attr("perm", [1, 0]).Output;
        g.Node("Softmax", [transposed], ["y"]).Attr("axis", -1);
        g.Output("y", OnnxDataType.Float, 3, 2);

        float[] y = OrtRunner.RunFloat(g.ToModel(), ("x", [0f, 1f, 2f, 0f, 1f, 2f], [2, 3]));

        // After the transpose each row holds two equal values, so softmax gives one half each.
        Assert.All(y, v => Assert.Equal(0.5f, v, Tolerance));
    }

    [Fact]
    public void Attr_TensorValuedConstantAndInt64Gather_ProduceTheSelectedRowsPlusTheConstant()
    {
        var g = new GraphBuilder("gather");
        string table = g.Input("table", OnnxDataType.Float, 3, 2);
        string indices = g.Initializer("indices", [2L, 0L], 2);
        string offset = g.Node("Constant").Attr("value", TensorData.Create("offset", [100f, 200f], 2)).Output;
        g.Op("Add", [g.Node("Gather", table, indices).Attr("axis", 0).Output, offset], "y");
        g.Output("y", OnnxDataType.Float, 2, 2);

        float[] y = OrtRunner.RunFloat(g.ToModel(), ("table", [1f, 2f, 3f, 4f, 5f, 6f], [3, 2]));

        Assert.Equal([105f, 206f, 101f, 202f], y);
    }

    [Fact]
    public void Cast_Int32InitializerToFloat_AddsExactValues()
    {
        var g = new GraphBuilder("cast");
        string x = g.Input("x", OnnxDataType.Float, 3);
        string counts = g.Initializer("counts", [1, -2, 40000], 3);
        g.Op("Add", [x, g.Cast(counts, OnnxDataType.Float)], "y");
        g.Output("y", OnnxDataType.Float, 3);

        float[] y = OrtRunner.RunFloat(g.ToModel(), ("x", [0.5f, 0.5f, 0.5f], [3]));

        Assert.Equal([1.5f, -1.5f, 40000.5f], y);
    }

    [Fact]
    public void Input_SymbolicBatchDimension_AcceptsAnyBatchSize()
    {
        var g = new GraphBuilder("scale");
        string x = g.Input("x", OnnxDataType.Float, "batch", 2);
        g.Op("Mul", [x, g.Scalar("two", 2f)], "y");
        g.Output("y", OnnxDataType.Float, "batch", 2);
        OnnxModel model = g.ToModel();

        Assert.Equal([1, 2], OrtRunner.OutputShape(model, "x", [1f, 2f], [1, 2]));
        Assert.Equal([5, 2], OrtRunner.OutputShape(model, "x", new float[10], [5, 2]));
    }

    [Fact]
    public void Node_OutputNameAlreadyDefined_ThrowsNamingTheValue()
    {
        var g = new GraphBuilder("dup");
        string x = g.Input("x", OnnxDataType.Float, 1);

        var error = Assert.Throws<ArgumentException>(() => g.Node("Relu", [x], ["x"]));

        Assert.Contains("'x' is already defined", error.Message);
    }

    [Fact]
    public void Node_GeneratedNames_DoNotCollideWithNamesChosenByTheCaller()
    {
        var g = new GraphBuilder("names");
        string x = g.Input("Relu_1", OnnxDataType.Float, 1);

        string output = g.Op("Relu", x);

        Assert.NotEqual("Relu_1", output);
    }

    [Fact]
    public void Attr_SameAttributeTwice_Throws()
    {
        var g = new GraphBuilder("attrs");
        NodeBuilder node = g.Node("Softmax", g.Input("x", OnnxDataType.Float, 2)).Attr("axis", 0);

        var error = Assert.Throws<ArgumentException>(() => node.Attr("axis", 1));

        Assert.Contains("already has an attribute 'axis'", error.Message);
    }
}
