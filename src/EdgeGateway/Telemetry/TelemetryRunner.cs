using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Inference;
using EdgeGateway.Models;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGateway.Telemetry;

/// <summary>One input feature of a telemetry model: its name in requests, unit, other accepted names,
/// and the range a reading must fall in to be taken as a measurement at all.</summary>
public sealed class TelemetryFeature
{
    public required string Name { get; init; }

    public string Unit { get; init; } = "";

    public string Description { get; init; } = "";

    public List<string> Aliases { get; init; } = [];

    /// <summary>Smallest plausible value; a reading below it is rejected as a sensor or typing error.</summary>
    public double Min { get; init; } = double.MinValue;

    public double Max { get; init; } = double.MaxValue;
}

/// <summary>Pre-processing of telemetry models: the feature order of the network's input.</summary>
public sealed class TelemetryPreprocessing
{
    public List<TelemetryFeature> Features { get; init; } = [];
}

/// <summary>Post-processing of telemetry models: which outputs hold the score, the flag and the per-feature contributions.</summary>
public sealed class TelemetryPostprocessing
{
    /// <summary>Output with one score per reading: an anomaly score or an event probability.</summary>
    public string ScoreOutput { get; init; } = "score";

    /// <summary>Boolean output, true where the score crosses the threshold.</summary>
    public string FlagOutput { get; init; } = "flag";

    /// <summary>Optional output with one value per feature: how much each added to the score.</summary>
    public string? ContributionOutput { get; init; }

    /// <summary>The threshold built into the flag output, reported to clients.</summary>
    public double Threshold { get; init; }

    /// <summary>What a raised flag means, for people (e.g. "anomalous vital signs").</summary>
    public string FlagMeaning { get; init; } = "flagged";
}

/// <summary>
/// Telemetry models: readings as JSON objects (feature names as keys) in, one score and flag per
/// reading out. Takes <c>{"readings": [{...}, ...]}</c>, a list of readings, or a single reading.
/// </summary>
public sealed class TelemetryRunner : ModelTaskRunner
{
    private readonly OnnxNetwork _network;
    private readonly TelemetryPreprocessing _pre;
    private readonly TelemetryPostprocessing _post;
    private readonly Dictionary<string, int> _index;

    private TelemetryRunner(OnnxNetwork network, TelemetryPreprocessing pre, TelemetryPostprocessing post)
    {
        _network = network;
        _pre = pre;
        _post = post;
        _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < pre.Features.Count; i++)
        {
            foreach (var name in pre.Features[i].Aliases.Prepend(pre.Features[i].Name))
            {
                _index[Normalise(name)] = i;
            }
        }
    }

    public override string Accepts => "JSON readings: {\"readings\": [{" + string.Join(", ", _pre.Features.Select(f => $"\"{f.Name}\": …")) + "}]}";

    public override bool TakesJson => true;

    public IReadOnlyList<TelemetryFeature> Features => _pre.Features;

    public static TelemetryRunner Create(ModelManifest manifest, IReadOnlyList<OnnxNetwork> networks)
    {
        var pre = manifest.PreprocessingAs<TelemetryPreprocessing>();
        var post = manifest.PostprocessingAs<TelemetryPostprocessing>();
        var network = networks[0];
        if (pre.Features.Count == 0)
        {
            throw new InvalidDataException("A telemetry model's manifest must list its features.");
        }

        var width = network.Session.InputMetadata[network.InputNames[0]].Dimensions[^1];
        if (network.InputNames.Count != 1 || (width > 0 && width != pre.Features.Count))
        {
            throw new InvalidDataException($"A telemetry model needs one input of {pre.Features.Count} features; the network takes {width}.");
        }

        foreach (var output in new[] { post.ScoreOutput, post.FlagOutput, post.ContributionOutput }.OfType<string>())
        {
            if (!network.OutputNames.Contains(output))
            {
                throw new InvalidDataException($"The network has no output '{output}'.");
            }
        }

        return new TelemetryRunner(network, pre, post);
    }

    public override JsonObject RunJson(JsonNode body, CancellationToken cancellationToken)
    {
        var readings = body switch
        {
            JsonObject o when o["readings"] is JsonArray list => list,
            JsonArray list => list,
            JsonObject single => new JsonArray(single.DeepClone()),
            _ => throw new InferenceRequestException("Send {\"readings\": [{...}]}, a list of readings, or one reading."),
        };
        if (readings.Count == 0)
        {
            throw new InferenceRequestException("There are no readings to score.");
        }

        var features = new float[readings.Count * _pre.Features.Count];
        for (var r = 0; r < readings.Count; r++)
        {
            Fill(r, readings[r], features.AsSpan(r * _pre.Features.Count, _pre.Features.Count));
        }

        var results = Score(features, readings.Count, cancellationToken);
        return new JsonObject
        {
            ["threshold"] = _post.Threshold,
            ["meaning"] = _post.FlagMeaning,
            ["results"] = new JsonArray(results.Select(r => (JsonNode)r.ToJson(_pre.Features)).ToArray()),
        };
    }

    /// <summary>Scores readings already laid out in feature order, <paramref name="count"/> rows.</summary>
    public List<TelemetryResult> Score(float[] features, int count, CancellationToken cancellationToken)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(features, [count, _pre.Features.Count]);
        using var outputs = _network.Run(new Dictionary<string, OrtValue> { [_network.InputNames[0]] = input }, cancellationToken);
        var byName = _network.OutputNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => outputs[p.i]);
        var scores = byName[_post.ScoreOutput].GetTensorDataAsSpan<float>();
        var flags = byName[_post.FlagOutput].GetTensorDataAsSpan<bool>();
        var contributions = _post.ContributionOutput is { } c ? byName[c].GetTensorDataAsSpan<float>() : default;
        var results = new List<TelemetryResult>(count);
        for (var r = 0; r < count; r++)
        {
            results.Add(new TelemetryResult(scores[r], flags[r],
                contributions.IsEmpty ? null : contributions.Slice(r * _pre.Features.Count, _pre.Features.Count).ToArray()));
        }

        return results;
    }

    private void Fill(int row, JsonNode? reading, Span<float> target)
    {
        if (reading is not JsonObject values)
        {
            throw new InferenceRequestException($"Reading {row} is not an object of feature values.");
        }

        var found = new bool[_pre.Features.Count];
        foreach (var (key, node) in values)
        {
            if (!_index.TryGetValue(Normalise(key), out var i))
            {
                continue;
            }

            var feature = _pre.Features[i];
            if (!TryReadNumber(node, out var value))
            {
                throw new InferenceRequestException($"Reading {row}: '{key}' must be a number ({feature.Description}, {feature.Unit}).");
            }

            if (!double.IsFinite(value) || value < feature.Min || value > feature.Max)
            {
                throw new InferenceRequestException(
                    $"Reading {row}: {feature.Name} = {value.ToString(CultureInfo.InvariantCulture)} {feature.Unit} is outside the plausible range {feature.Min.ToString(CultureInfo.InvariantCulture)}–{feature.Max.ToString(CultureInfo.InvariantCulture)}; check the sensor or the units.");
            }

            target[i] = (float)value;
            found[i] = true;
        }

        var missing = _pre.Features.Where((_, i) => !found[i]).ToList();
        if (missing.Count > 0)
        {
            throw new InferenceRequestException($"Reading {row} lacks {string.Join(", ", missing.Select(f => $"'{f.Name}' ({f.Description}, {f.Unit})"))}.");
        }
    }

    /// <summary>A JSON number, or a string holding one (some devices send "72.5").</summary>
    private static bool TryReadNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node?.GetValueKind() switch
        {
            JsonValueKind.Number => double.TryParse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            JsonValueKind.String => double.TryParse(node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static string Normalise(string name) => new(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
}

/// <summary>The model's verdict on one reading.</summary>
public sealed record TelemetryResult(float Score, bool Flag, float[]? Contributions)
{
    public JsonObject ToJson(IReadOnlyList<TelemetryFeature> features)
    {
        var result = new JsonObject { ["score"] = Math.Round(Score, 5), ["flag"] = Flag };
        if (Contributions is { } contributions)
        {
            var total = contributions.Sum();
            var shares = new JsonObject();
            foreach (var (feature, value) in features.Zip(contributions).OrderByDescending(p => p.Second))
            {
                shares[feature.Name] = Math.Round(total > 0 ? value / total : 0, 4);
            }

            result["contributions"] = shares;
        }

        return result;
    }
}
