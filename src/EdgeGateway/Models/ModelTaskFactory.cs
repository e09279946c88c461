using EdgeGateway.Inference;
using EdgeGateway.Ocr;
using EdgeGateway.Telemetry;
using EdgeGateway.Vad;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Models;

/// <summary>Builds the runner for a model's task from its manifest and loaded networks.</summary>
public sealed class ModelTaskFactory(IOptions<GatewayOptions> options)
{
    public ModelTaskRunner Create(ModelManifest manifest, string folder, IReadOnlyList<OnnxNetwork> networks) => manifest.Task switch
    {
        ModelTask.Tensor => new TensorOnlyRunner(),
        ModelTask.Ocr => OcrRunner.Create(manifest, folder, networks, options.Value),
        ModelTask.Vad => VadRunner.Create(manifest, networks, options.Value),
        ModelTask.TelemetryAnomaly or ModelTask.TelemetryClassifier => TelemetryRunner.Create(manifest, networks),
        _ => throw new InvalidDataException($"Unknown task '{manifest.Task}'."),
    };

    private sealed class TensorOnlyRunner : ModelTaskRunner
    {
        public override string Accepts => "raw tensors as JSON";
    }
}
