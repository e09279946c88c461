using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace PartnerAssistant.Edge;

/// <summary>A feature a telemetry model expects, as its gateway describes it.</summary>
public sealed record TelemetryFeature(string Name, string Unit, string Description, IReadOnlyList<string> Aliases)
{
    public static IReadOnlyList<TelemetryFeature> FromModel(JsonObject description) =>
        description["preprocessing"]?["features"]?.AsArray().Select(f => new TelemetryFeature(
            f!["name"]!.GetValue<string>(),
            f["unit"]?.GetValue<string>() ?? "",
            f["description"]?.GetValue<string>() ?? "",
            f["aliases"]?.AsArray().Select(a => a!.GetValue<string>()).ToList() ?? [])).ToList() ?? [];
}

/// <summary>
/// Reads telemetry values out of a chat message ("HR 128, SpO2 89%, BP 95/60, temp 38.6") for a
/// model's features: a value follows a feature's name or one of its aliases; blood pressure
/// written as systolic/diastolic fills both. Only what is written is read, nothing is guessed.
/// </summary>
public static partial class TelemetryReading
{
    public static (JsonObject Reading, IReadOnlyList<TelemetryFeature> Missing) Parse(string text, IReadOnlyList<TelemetryFeature> features)
    {
        var reading = new JsonObject();
        var lowered = text.ToLowerInvariant();
        var pressure = BloodPressure().Match(lowered);
        foreach (var feature in features)
        {
            if (pressure.Success && feature.Name.Contains("systolic", StringComparison.OrdinalIgnoreCase))
            {
                reading[feature.Name] = double.Parse(pressure.Groups["sys"].Value, CultureInfo.InvariantCulture);
                continue;
            }

            if (pressure.Success && feature.Name.Contains("diastolic", StringComparison.OrdinalIgnoreCase))
            {
                reading[feature.Name] = double.Parse(pressure.Groups["dia"].Value, CultureInfo.InvariantCulture);
                continue;
            }

            // Longer names first, so "diastolic bp" is not read as "bp".
            foreach (var alias in feature.Aliases.Prepend(feature.Name).Select(a => a.ToLowerInvariant()).OrderByDescending(a => a.Length))
            {
                var match = Regex.Match(lowered, $@"(?<![a-z0-9]){Regex.Escape(alias)}(?![a-z0-9])\s*(?:[:=]|is|of|at)?\s*(?<value>-?\d+(?:[.,]\d+)?)(?!\s*/\s*\d)", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
                if (match.Success)
                {
                    reading[feature.Name] = double.Parse(match.Groups["value"].Value.Replace(',', '.'), CultureInfo.InvariantCulture);
                    break;
                }
            }
        }

        return (reading, features.Where(f => reading[f.Name] is null).ToList());
    }

    [GeneratedRegex(@"(?<![a-z])(?:bp|blood pressure)\s*(?:[:=]|is|of|at)?\s*(?<sys>\d{2,3})\s*/\s*(?<dia>\d{2,3})", RegexOptions.CultureInvariant)]
    private static partial Regex BloodPressure();
}
