using Microsoft.ML.OnnxRuntime;

namespace OnnxGraph.Tests;

public sealed class OnnxModelTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("onnxgraph-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Save_ThenLoadFromFile_RunsAndLeavesNoTemporaryFiles()
    {
        string path = Path.Combine(_folder, "nested", "negate.onnx");

        NegateModel().Save(path);
        using var session = new InferenceSession(path);
        float[] y = OrtRunner.RunFloat(session, ("x", [1f, -2f], [2]));

        Assert.Equal([-1f, 2f], y);
        Assert.Equal(["negate.onnx"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_OverExistingModel_ReplacesIt()
    {
        string path = Path.Combine(_folder, "model.onnx");
        NegateModel().Save(path);

        var g = new GraphBuilder("abs");
        g.Op("Abs", [g.Input("x", OnnxDataType.Float, 2)], "y");
        g.Output("y", OnnxDataType.Float, 2);
        g.ToModel().Save(path);

        using var session = new InferenceSession(path);
        Assert.Equal([1f, 2f], OrtRunner.RunFloat(session, ("x", [1f, -2f], [2])));
    }

    [Fact]
    public void WithMetadata_ProducerAndMetadata_AreReadBackByOnnxRuntime()
    {
        OnnxModel model = NegateModel().WithProducer("edge-trainer", "1.2").WithMetadata("weights_sha256", "abc123");

        using var session = new InferenceSession(model.ToArray());

        Assert.Equal("edge-trainer", session.ModelMetadata.ProducerName);
        Assert.Equal("abc123", session.ModelMetadata.CustomMetadataMap["weights_sha256"]);
    }

    [Fact]
    public void Input_SymbolicDimension_IsReportedByOnnxRuntimeUnderItsName()
    {
        var g = new GraphBuilder("symbolic");
        g.Op("Neg", [g.Input("x", OnnxDataType.Float, "batch", 4)], "y");
        g.Output("y", OnnxDataType.Float, "batch", 4);

        using var session = new InferenceSession(g.ToModel().ToArray());
        NodeMetadata input = session.InputMetadata["x"];

        Assert.Equal([-1, 4], input.Dimensions);
        Assert.Equal("batch", input.SymbolicDimensions[0]);
    }

    [Theory]
    [InlineData(13, 8)]
    [InlineData(17, 8)]
    [InlineData(18, 9)]
    [InlineData(21, 10)]
    public void IrVersion_NotSet_FollowsTheStandardOpset(int opset, long expected)
    {
        Assert.Equal(expected, NegateModel(opset).IrVersion);
    }

    [Fact]
    public void ToArray_NodeReadingAnUndefinedValue_IsRejectedByOnnxRuntimeNamingTheValue()
    {
        var g = new GraphBuilder("broken");
        g.Input("x", OnnxDataType.Float, 2);
        g.Op("Add", ["x", "bias_that_was_never_added"], "y");
        g.Output("y", OnnxDataType.Float, 2);

        var error = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(g.ToModel().ToArray()));

        Assert.Contains("bias_that_was_never_added", error.Message);
    }

    [Fact]
    public void ToArray_MatMulOfIncompatibleShapes_IsRejectedByOnnxRuntimeNamingTheNode()
    {
        var g = new GraphBuilder("mismatch");
        string x = g.Input("x", OnnxDataType.Float, "batch", 3);
        string w = g.Initializer("w", new float[8], 4, 2);
        g.Node("MatMul", [x, w], ["y"]).Named("dense_layer");
        g.Output("y", OnnxDataType.Float, "batch", 2);

        var error = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(g.ToModel().ToArray()));

        Assert.Contains("dense_layer", error.Message);
    }

    [Fact]
    public void ToArray_UnknownOperator_IsRejectedByOnnxRuntimeNamingTheOperator()
    {
        var g = new GraphBuilder("unknown-op");
        g.Op("Frobnicate", [g.Input("x", OnnxDataType.Float, 2)], "y");
        g.Output("y", OnnxDataType.Float, 2);

        var error = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession(g.ToModel().ToArray()));

        Assert.Contains("Frobnicate", error.Message);
    }

    private static OnnxModel NegateModel(int opset = 17)
    {
        var g = new GraphBuilder("negate");
        g.Op("Neg", [g.Input("x", OnnxDataType.Float, 2)], "y");
        g.Output("y", OnnxDataType.Float, 2);
        return g.ToModel(opset);
    }
}
