using OnnxGraph;

namespace EdgeGateway.Training;

/// <summary>
/// Writes a trained telemetry network as an ONNX graph with its pre- and post-processing inside:
/// raw readings in, standardised with the training data's mean and deviation, through the dense
/// layers, then either a denoising autoencoder's reconstruction error (per feature and its mean,
/// the anomaly score) or a sigmoid probability, and a flag against the chosen threshold.
/// </summary>
public static class TelemetryGraph
{
    public const string Input = "readings";

    public static OnnxModel Autoencoder(string name, DenseNetwork network, float[] mean, float[] deviation, float threshold, string description) =>
        Build(name, network, mean, deviation, threshold, description, autoencoder: true);

    public static OnnxModel Classifier(string name, DenseNetwork network, float[] mean, float[] deviation, float threshold, string description) =>
        Build(name, network, mean, deviation, threshold, description, autoencoder: false);

    private static OnnxModel Build(string name, DenseNetwork network, float[] mean, float[] deviation, float threshold, string description, bool autoencoder)
    {
        var features = network.Sizes[0];
        var g = new GraphBuilder(name);
        var readings = g.Input(Input, OnnxDataType.Float, "batch", features);
        var standardised = g.Op("Div", g.Op("Sub", readings, g.Initializer("feature_mean", mean, features)), g.Initializer("feature_std", deviation, features));
        var hidden = standardised;
        for (var l = 0; l < network.Weights.Length; l++)
        {
            var weights = g.Initializer($"layer{l}_weight", network.Weights[l], network.Sizes[l], network.Sizes[l + 1]);
            var bias = g.Initializer($"layer{l}_bias", network.Biases[l], network.Sizes[l + 1]);
            hidden = g.Op("Add", g.Op("MatMul", hidden, weights), bias);
            if (l < network.Weights.Length - 1)
            {
                hidden = g.Op("Tanh", hidden);
            }
        }

        var limit = g.Scalar("threshold", threshold);
        if (autoencoder)
        {
            var residual = g.Op("Sub", hidden, standardised);
            g.Op("Mul", [residual, residual], "contributions");
            g.Node("ReduceMean", ["contributions"], ["score"]).Attr("axes", [1L]).Attr("keepdims", 1L);
            g.Op("Greater", ["score", limit], "flag");
            g.Output("score", OnnxDataType.Float, "batch", 1);
            g.Output("flag", OnnxDataType.Bool, "batch", 1);
            g.Output("contributions", OnnxDataType.Float, "batch", features);
        }
        else
        {
            g.Op("Sigmoid", [hidden], "probability");
            g.Op("GreaterOrEqual", ["probability", limit], "flag");
            g.Output("probability", OnnxDataType.Float, "batch", 1);
            g.Output("flag", OnnxDataType.Bool, "batch", 1);
        }

        var model = g.ToModel(opset: 17).WithProducer("EdgeGateway", typeof(TelemetryGraph).Assembly.GetName().Version?.ToString() ?? "");
        model.DocString = description;
        return model;
    }
}
