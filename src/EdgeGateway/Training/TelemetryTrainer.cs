using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeGateway.Models;
using EdgeGateway.Telemetry;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGateway.Training;

/// <summary>
/// Trains the gateway's two telemetry models on seeded synthetic data, writes each as
/// <c>model.onnx</c> + <c>manifest.json</c> in its folder, and evaluates the written file with ONNX
/// Runtime on held-out data (new patients or assets, other seeds); the figures go into the manifest.
/// Runs at first start when a model file is missing, and on <c>EdgeGateway train</c>.
/// </summary>
public sealed class TelemetryTrainer(ILogger<TelemetryTrainer> logger)
{
    public const string VitalsVersion = "dae-1";
    public const string GridVersion = "mlp-1";

    // Seeds of the synthetic data and of the weights: the same seeds give the same model.
    private const int VitalsTrainSeed = 1001, VitalsValidationSeed = 2002, VitalsTestSeed = 3003, VitalsWeightSeed = 7;
    private const int GridTrainSeed = 4004, GridValidationSeed = 5005, GridTestSeed = 6006, GridWeightSeed = 11;

    public JsonObject Train(string name, string folder) => name switch
    {
        BuiltInModels.VitalSigns => TrainVitals(folder),
        BuiltInModels.GridFault => TrainGrid(folder),
        _ => throw new InvalidOperationException($"'{name}' is not a model this gateway trains."),
    };

    /// <summary>
    /// Remote patient monitoring: a denoising autoencoder learns what normal vital signs look
    /// like (from normal readings only); a reading it cannot reconstruct well is anomalous. The
    /// alert threshold is the 99th percentile of held-out normal scores (about 1 % false alarms).
    /// </summary>
    private JsonObject TrainVitals(string folder)
    {
        var started = Stopwatch.GetTimestamp();
        var train = new SyntheticVitals(VitalsTrainSeed).NormalReadings(patients: 500, perPatient: 80);
        var (mean, deviation) = Standardisation(train);
        var standardised = train.Select(r => Standardise(r, mean, deviation)).ToArray();
        var network = new DenseNetwork([6, 16, 16, 6], new Random(VitalsWeightSeed));
        network.Fit(standardised, standardised, TrainingLoss.MeanSquared, epochs: 12, batchSize: 64, learningRate: 0.004f, new Random(VitalsWeightSeed + 1), inputNoise: 0.5f);
        var trainingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var validation = new SyntheticVitals(VitalsValidationSeed).NormalReadings(patients: 150, perPatient: 40);
        var threshold = (float)Metrics.Quantile(validation.Select(r => (double)ReconstructionError(network, Standardise(r, mean, deviation))), 0.99);

        var path = Path.Combine(folder, "model.onnx");
        TelemetryGraph.Autoencoder(BuiltInModels.VitalSigns, network, mean, deviation, threshold,
            "Denoising autoencoder over six vital signs; score = mean squared standardised reconstruction error.").Save(path);

        var generator = new SyntheticVitals(VitalsTestSeed);
        var normals = generator.NormalReadings(patients: 150, perPatient: 40);
        var anomalies = generator.AnomalousReadings(perKind: 300);
        var scores = Score(path, normals.Concat(anomalies.Select(a => a.Reading)).ToList(), validation.Take(50).ToList(), network, mean, deviation, autoencoder: true);
        var labels = normals.Select(_ => false).Concat(anomalies.Select(_ => true)).ToList();
        var (precision, recall, f1, falsePositives) = Metrics.At(scores, labels, threshold);
        var byKind = new JsonObject();
        foreach (var kind in Enum.GetValues<VitalAnomaly>())
        {
            var kindScores = scores.Take(normals.Count).Concat(scores.Skip(normals.Count).Where((_, i) => anomalies[i].Kind == kind)).ToList();
            var kindLabels = normals.Select(_ => false).Concat(anomalies.Where(a => a.Kind == kind).Select(_ => true)).ToList();
            byKind[Kebab(kind.ToString())] = new JsonObject
            {
                ["recall"] = Round(Metrics.At(kindScores, kindLabels, threshold).Recall),
                ["rocAuc"] = Round(Metrics.RocAuc(kindScores, kindLabels)),
            };
        }

        var evaluation = new JsonObject
        {
            ["data"] = $"Synthetic vital signs (SyntheticVitals): training seed {VitalsTrainSeed}, 500 patients × 80 normal readings; " +
                       $"validation seed {VitalsValidationSeed}, 150 other patients × 40 normal readings; test seed {VitalsTestSeed}, 150 new patients × 40 normal readings + 300 readings of each of 6 anomaly kinds.",
            ["thresholdRule"] = "99th percentile of the validation patients' normal scores",
            ["threshold"] = Round(threshold),
            ["test"] = new JsonObject
            {
                ["normalReadings"] = normals.Count,
                ["anomalousReadings"] = anomalies.Count,
                ["rocAuc"] = Round(Metrics.RocAuc(scores, labels)),
                ["precision"] = Round(precision),
                ["recall"] = Round(recall),
                ["f1"] = Round(f1),
                ["falsePositiveRate"] = Round(falsePositives),
                ["byKind"] = byKind,
            },
            ["trainingSeconds"] = Math.Round(trainingSeconds, 2),
        };
        WriteManifest(folder, new ModelManifest
        {
            Name = BuiltInModels.VitalSigns,
            Version = VitalsVersion,
            Task = ModelTask.TelemetryAnomaly,
            Title = "Vital-sign anomaly detection",
            Description = "Flags vital-sign readings that do not fit the normal pattern, for remote patient monitoring. Trained by this gateway on seeded synthetic data; not a medical device.",
            Source = "trained by EdgeGateway on synthetic telemetry",
            License = "project's own",
            Networks =
            [
                new NetworkManifest
                {
                    File = "model.onnx",
                    Inputs = [TensorSpec.Of(TelemetryGraph.Input, "float32", "batch", 6)],
                    Outputs = [TensorSpec.Of("score", "float32", "batch", 1), TensorSpec.Of("flag", "bool", "batch", 1), TensorSpec.Of("contributions", "float32", "batch", 6)],
                },
            ],
            Preprocessing = Features(
            [
                new() { Name = "heartRate", Unit = "bpm", Description = "heart rate", Aliases = ["hr", "heart rate", "pulse", "heart_rate"], Min = 20, Max = 250 },
                new() { Name = "spo2", Unit = "%", Description = "blood oxygen saturation", Aliases = ["sp02", "oxygen", "o2 sat", "oxygen saturation", "sats", "saturation"], Min = 50, Max = 100 },
                new() { Name = "respiratoryRate", Unit = "/min", Description = "respiratory rate", Aliases = ["rr", "resp", "respiratory rate", "resp rate", "breathing", "breathing rate", "respiration"], Min = 3, Max = 70 },
                new() { Name = "systolicBp", Unit = "mmHg", Description = "systolic blood pressure", Aliases = ["sbp", "systolic", "systolic bp"], Min = 50, Max = 260 },
                new() { Name = "diastolicBp", Unit = "mmHg", Description = "diastolic blood pressure", Aliases = ["dbp", "diastolic", "diastolic bp"], Min = 20, Max = 160 },
                new() { Name = "temperature", Unit = "°C", Description = "body temperature", Aliases = ["temp", "temperature", "body temperature"], Min = 30, Max = 44 },
            ]),
            Postprocessing = new JsonObject
            {
                ["scoreOutput"] = "score",
                ["flagOutput"] = "flag",
                ["contributionOutput"] = "contributions",
                ["threshold"] = Round(threshold),
                ["flagMeaning"] = "anomalous vital signs",
            },
            Evaluation = evaluation,
        });
        logger.LogInformation("Trained {Model} in {Seconds:F1} s: held-out ROC AUC {Auc}, recall {Recall}, false positives {Fpr}",
            BuiltInModels.VitalSigns, trainingSeconds, evaluation["test"]!["rocAuc"], evaluation["test"]!["recall"], evaluation["test"]!["falsePositiveRate"]);
        return evaluation;
    }

    /// <summary>
    /// Grid fault prediction: a small network estimates the chance that an asset faults within 24 h
    /// from one reading of its telemetry. The alert threshold maximises F1 on validation assets.
    /// </summary>
    private JsonObject TrainGrid(string folder)
    {
        var started = Stopwatch.GetTimestamp();
        var train = new SyntheticGrid(GridTrainSeed).Readings(assets: 3000, perAsset: 20);
        var (mean, deviation) = Standardisation(train.Select(r => r.Features).ToList());
        var inputs = train.Select(r => Standardise(r.Features, mean, deviation)).ToArray();
        var targets = train.Select(r => new[] { r.Faults ? 1f : 0f }).ToArray();
        var network = new DenseNetwork([8, 16, 16, 1], new Random(GridWeightSeed));
        network.Fit(inputs, targets, TrainingLoss.BinaryCrossEntropy, epochs: 10, batchSize: 128, learningRate: 0.004f, new Random(GridWeightSeed + 1));
        var trainingSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var validation = new SyntheticGrid(GridValidationSeed).Readings(assets: 800, perAsset: 20);
        var validationScores = validation.Select(r => (double)Probability(network, Standardise(r.Features, mean, deviation))).ToList();
        var validationLabels = validation.Select(r => r.Faults).ToList();
        var threshold = (float)Enumerable.Range(1, 99).Select(i => i / 100.0)
            .MaxBy(t => Metrics.At(validationScores, validationLabels, t, inclusive: true).F1);

        var path = Path.Combine(folder, "model.onnx");
        TelemetryGraph.Classifier(BuiltInModels.GridFault, network, mean, deviation, threshold,
            "Feed-forward network over eight feeder/transformer readings; probability of a fault within 24 hours.").Save(path);

        var test = new SyntheticGrid(GridTestSeed).Readings(assets: 1000, perAsset: 20);
        var scores = Score(path, test.Select(r => r.Features).ToList(), validation.Take(50).Select(r => r.Features).ToList(), network, mean, deviation, autoencoder: false);
        var labels = test.Select(r => r.Faults).ToList();
        var (precision, recall, f1, falsePositives) = Metrics.At(scores, labels, threshold, inclusive: true);
        var evaluation = new JsonObject
        {
            ["data"] = $"Synthetic feeder telemetry (SyntheticGrid): training seed {GridTrainSeed}, 3000 assets × 20 hourly readings; " +
                       $"validation seed {GridValidationSeed}, 800 other assets × 20; test seed {GridTestSeed}, 1000 new assets × 20. Label: a fault within 24 h.",
            ["thresholdRule"] = "the probability (in steps of 0.01) that maximises F1 on the validation assets",
            ["threshold"] = Round(threshold),
            ["test"] = new JsonObject
            {
                ["readings"] = test.Count,
                ["faultRate"] = Round(labels.Count(l => l) / (double)labels.Count),
                ["rocAuc"] = Round(Metrics.RocAuc(scores, labels)),
                ["averagePrecision"] = Round(Metrics.AveragePrecision(scores, labels)),
                ["precision"] = Round(precision),
                ["recall"] = Round(recall),
                ["f1"] = Round(f1),
                ["falsePositiveRate"] = Round(falsePositives),
                // How well anything could do: the generator's own fault probability as the score.
                ["bayesRocAuc"] = Round(Metrics.RocAuc(test.Select(r => r.Probability).ToList(), labels)),
                // A simple rule for comparison: partial-discharge count alone.
                ["partialDischargeOnlyRocAuc"] = Round(Metrics.RocAuc(test.Select(r => (double)r.Features[5]).ToList(), labels)),
            },
            ["trainingSeconds"] = Math.Round(trainingSeconds, 2),
        };
        WriteManifest(folder, new ModelManifest
        {
            Name = BuiltInModels.GridFault,
            Version = GridVersion,
            Task = ModelTask.TelemetryClassifier,
            Title = "Grid fault prediction",
            Description = "Estimates the chance that a distribution transformer or feeder section faults within 24 hours. Trained by this gateway on seeded synthetic data.",
            Source = "trained by EdgeGateway on synthetic telemetry",
            License = "project's own",
            Networks =
            [
                new NetworkManifest
                {
                    File = "model.onnx",
                    Inputs = [TensorSpec.Of(TelemetryGraph.Input, "float32", "batch", 8)],
                    Outputs = [TensorSpec.Of("probability", "float32", "batch", 1), TensorSpec.Of("flag", "bool", "batch", 1)],
                },
            ],
            Preprocessing = Features(
            [
                new() { Name = "loadPu", Unit = "pu", Description = "load", Aliases = ["load", "loading", "load pu"], Min = 0, Max = 3 },
                new() { Name = "voltagePu", Unit = "pu", Description = "voltage", Aliases = ["voltage", "volt", "voltage pu"], Min = 0.5, Max = 1.5 },
                new() { Name = "thdPct", Unit = "%", Description = "current harmonic distortion", Aliases = ["thd", "current thd", "harmonic distortion", "harmonics"], Min = 0, Max = 60 },
                new() { Name = "oilTempC", Unit = "°C", Description = "top-oil temperature", Aliases = ["oil", "oil temp", "oil temperature", "top oil", "top-oil temperature"], Min = -40, Max = 160 },
                new() { Name = "ambientTempC", Unit = "°C", Description = "ambient temperature", Aliases = ["ambient", "ambient temp", "ambient temperature", "air temp"], Min = -50, Max = 60 },
                new() { Name = "partialDischargePerHour", Unit = "/h", Description = "partial-discharge events", Aliases = ["pd", "partial discharge", "partial discharges", "discharges"], Min = 0, Max = 100000 },
                new() { Name = "voltageSags24h", Unit = "/24 h", Description = "voltage sags in 24 h", Aliases = ["sags", "sag", "voltage sags", "dips"], Min = 0, Max = 1000 },
                new() { Name = "assetAgeYears", Unit = "years", Description = "asset age", Aliases = ["age", "asset age"], Min = 0, Max = 120 },
            ]),
            Postprocessing = new JsonObject
            {
                ["scoreOutput"] = "probability",
                ["flagOutput"] = "flag",
                ["threshold"] = Round(threshold),
                ["flagMeaning"] = "fault risk within 24 hours",
            },
            Evaluation = evaluation,
        });
        logger.LogInformation("Trained {Model} in {Seconds:F1} s: held-out ROC AUC {Auc} (ceiling {Bayes}), F1 {F1}",
            BuiltInModels.GridFault, trainingSeconds, evaluation["test"]!["rocAuc"], evaluation["test"]!["bayesRocAuc"], evaluation["test"]!["f1"]);
        return evaluation;
    }

    /// <summary>
    /// Scores readings with the written model in ONNX Runtime, after checking on a few known rows
    /// that it computes what the trained network computes (so a graph-writing slip cannot pass).
    /// </summary>
    private static List<double> Score(string path, List<float[]> readings, List<float[]> check, DenseNetwork network, float[] mean, float[] deviation, bool autoencoder)
    {
        using var session = new InferenceSession(path);
        var features = network.Sizes[0];
        List<double> Run(List<float[]> rows)
        {
            var flat = rows.SelectMany(r => r).ToArray();
            using var input = OrtValue.CreateTensorValueFromMemory(flat, [rows.Count, features]);
            using var outputs = session.Run(new RunOptions(), new Dictionary<string, OrtValue> { [TelemetryGraph.Input] = input }, [session.OutputNames[0]]);
            return outputs[0].GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToList();
        }

        var fromFile = Run(check);
        for (var i = 0; i < check.Count; i++)
        {
            var z = Standardise(check[i], mean, deviation);
            var expected = autoencoder ? ReconstructionError(network, z) : Probability(network, z);
            if (Math.Abs(fromFile[i] - expected) > 1e-3 * Math.Max(1, Math.Abs(expected)))
            {
                throw new InvalidOperationException($"The written model computes {fromFile[i]} where the trained network computes {expected}.");
            }
        }

        return Run(readings);
    }

    private static float ReconstructionError(DenseNetwork network, float[] standardised)
    {
        var activations = network.NewActivations();
        network.Forward(standardised, activations);
        var output = activations[^1];
        var sum = 0f;
        for (var i = 0; i < output.Length; i++)
        {
            sum += (output[i] - standardised[i]) * (output[i] - standardised[i]);
        }

        return sum / output.Length;
    }

    private static float Probability(DenseNetwork network, float[] standardised)
    {
        var activations = network.NewActivations();
        network.Forward(standardised, activations);
        return 1f / (1f + MathF.Exp(-activations[^1][0]));
    }

    private static (float[] Mean, float[] Deviation) Standardisation(List<float[]> rows)
    {
        var width = rows[0].Length;
        var mean = new float[width];
        var deviation = new float[width];
        for (var j = 0; j < width; j++)
        {
            var m = rows.Average(r => (double)r[j]);
            mean[j] = (float)m;
            deviation[j] = (float)Math.Max(1e-6, Math.Sqrt(rows.Average(r => (r[j] - m) * (r[j] - m))));
        }

        return (mean, deviation);
    }

    private static float[] Standardise(float[] row, float[] mean, float[] deviation) => row.Select((v, j) => (v - mean[j]) / deviation[j]).ToArray();

    private static JsonObject Features(List<TelemetryFeature> features) =>
        new() { ["features"] = System.Text.Json.JsonSerializer.SerializeToNode(features, ModelManifest.Json) };

    private static void WriteManifest(string folder, ModelManifest manifest) => manifest.Write(Path.Combine(folder, ModelManifest.FileName));

    private static double Round(double value) => Math.Round(value, 4);

    private static string Kebab(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
