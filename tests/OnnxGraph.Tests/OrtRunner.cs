using Microsoft.ML.OnnxRuntime;

namespace OnnxGraph.Tests;

/// <summary>Runs a built model in a real ONNX Runtime session, feeding float or int64 inputs.</summary>
internal static class OrtRunner
{
    public static float[] RunFloat(OnnxModel model, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        using var session = new InferenceSession(model.ToArray());
        return RunFloat(session, inputs);
    }

    public static float[] RunFloat(InferenceSession session, params (string Name, float[] Data, long[] Shape)[] inputs)
    {
        var values = inputs.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)).ToArray();
        try
        {
            using var results = session.Run(new RunOptions(), inputs.Select(i => i.Name).ToArray(), values, [session.OutputNames[0]]);
            return results[0].GetTensorDataAsSpan<float>().ToArray();
        }
        finally
        {
            foreach (OrtValue value in values)
            {
                value.Dispose();
            }
        }
    }

    public static long[] OutputShape(OnnxModel model, string inputName, float[] data, long[] shape)
    {
        using var session = new InferenceSession(model.ToArray());
        using var input = OrtValue.CreateTensorValueFromMemory(data, shape);
        using var results = session.Run(new RunOptions(), [inputName], [input], [session.OutputNames[0]]);
        return results[0].GetTensorTypeAndShape().Shape;
    }
}
