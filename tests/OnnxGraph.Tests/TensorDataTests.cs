namespace OnnxGraph.Tests;

public sealed class TensorDataTests
{
    [Fact]
    public void Create_ValueCountDiffersFromShape_ThrowsWithBothCounts()
    {
        var error = Assert.Throws<ArgumentException>(() => TensorData.Create("w", new float[5], 2, 3));

        Assert.Contains("has 5 values but shape [2, 3] needs 6", error.Message);
    }

    [Fact]
    public void Create_NoDims_IsAScalarHoldingOneValue()
    {
        TensorData scalar = TensorData.Create("eps", [1e-6f]);

        Assert.Empty(scalar.Dims);
        Assert.Throws<ArgumentException>(() => TensorData.Create("pair", [1f, 2f]));
    }

    [Fact]
    public void Create_Float16Values_RoundTripThroughOnnxRuntime()
    {
        var g = new GraphBuilder("half");
        string x = g.Input("x", OnnxDataType.Float, 2);
        string h = g.Initializer(TensorData.Create("h", [(Half)1.5f, (Half)(-0.25f)], 2));
        g.Op("Add", [x, g.Cast(h, OnnxDataType.Float)], "y");
        g.Output("y", OnnxDataType.Float, 2);

        float[] y = OrtRunner.RunFloat(g.ToModel(), ("x", [1f, 1f], [2]));

        Assert.Equal([2.5f, 0.75f], y);
    }
}
