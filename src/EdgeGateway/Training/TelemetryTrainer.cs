namespace EdgeGateway.Training;

/// <summary>Trains the built-in telemetry models (not written yet: the ONNX graph writer is on its way).</summary>
public sealed class TelemetryTrainer
{
    public void Train(string name, string folder) => throw new InvalidOperationException($"Training '{name}' is not available in this build yet.");
}
