using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartnerAssistant.Prediction;

/// <summary>What the model learned from: the file, its size and outcome balance, how it was split, and the SHA-256 of
/// the table it was trained on (null on cards written before it was recorded).</summary>
public sealed record DataSummary(string Source, int Rows, int Positives, string Label, string Positive, string Delimiter, int DroppedRows, string? Sha256 = null);

public sealed record SplitSummary(SplitKind Kind, string? Column, int TrainRows, int ValidationRows, int TestRows, int GroupsOnBothSides);

/// <summary>A column of the file and what training did with it.</summary>
public sealed record ColumnUse(string Name, ColumnKind Kind, bool Used, string? Note = null);

/// <summary>A trainer tried on the validation rows.</summary>
public sealed record CandidateResult(string Name, double? ValidationAuc, double Seconds, string? Error = null);

/// <summary>How much the test AUC drops when a column's values are shuffled across rows.</summary>
public sealed record FeatureImportance(string Name, double Importance, double Share);

/// <summary>A mean and spread over cross-validation folds.</summary>
public sealed record FoldStatistic(double Mean, double Sd, IReadOnlyList<double> Values)
{
    public static FoldStatistic Of(IEnumerable<double> values)
    {
        var list = values.ToList();
        var mean = list.Average();
        var sd = list.Count > 1 ? Math.Sqrt(list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1)) : 0;
        return new FoldStatistic(Math.Round(mean, 4), Math.Round(sd, 4), list.Select(v => Math.Round(v, 4)).ToList());
    }
}

public sealed record CrossValidationSummary(int Folds, FoldStatistic Auc, FoldStatistic PrAuc, FoldStatistic LogLoss, FoldStatistic Ece, IReadOnlyList<string> Trainers, double Seconds);

/// <summary>
/// The model's scores within one segment (a partner type, a route to market, a region, a deal size
/// band): whether it ranks as well there, and whether its probabilities match what happened.
/// <see cref="Flag"/> says what is systematically off, or is null.
/// </summary>
public sealed record SegmentReport(string Column, string Value, int Rows, int Positives, double? Auc, double MeanPredicted, double ObservedRate, double Ece, string? Flag);

/// <summary>
/// The model card: the data a model learned from, when, how it was evaluated (held-out metrics,
/// calibration, cross-validation), which columns matter, what looked like leakage, and how it
/// behaves per segment. Written as JSON and Markdown beside every model file.
/// </summary>
public sealed record ModelCard
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Name { get; init; } = "deal-success";
    public string? Version { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Test ROC AUC.</summary>
    public double Auc { get; init; }

    /// <summary>Test PR AUC (average precision).</summary>
    public double PrAuc { get; init; }

    /// <summary>Test log-loss (natural log) of the calibrated probabilities.</summary>
    public double LogLoss { get; init; }

    /// <summary>Test log-loss without calibration: the boosted trees' raw score through a logistic function.</summary>
    public double LogLossUncalibrated { get; init; }

    /// <summary>Test log-loss of the trainer's own Platt calibration, fitted on its training rows (in-sample).</summary>
    public double LogLossInSampleCalibration { get; init; }

    public double Brier { get; init; }
    public double Ece { get; init; }
    public double EceUncalibrated { get; init; }
    public int Rows { get; init; }
    public required IReadOnlyList<FeatureImportance> Features { get; init; }
    public required string Trainer { get; init; }
    public required DataSummary Data { get; init; }
    public required SplitSummary Split { get; init; }
    public IReadOnlyList<CalibrationBin> Calibration { get; init; } = [];
    public IReadOnlyList<CandidateResult> Candidates { get; init; } = [];
    public CrossValidationSummary? CrossValidation { get; init; }
    public IReadOnlyList<LeakageWarning> Warnings { get; init; } = [];
    public IReadOnlyList<SegmentReport> Segments { get; init; } = [];
    public IReadOnlyList<ColumnUse> Columns { get; init; } = [];

    /// <summary>Wall-clock seconds to prepare, train, calibrate and evaluate the single split (cross-validation not included).</summary>
    public double TrainingSeconds { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ModelCard FromJson(string json) => JsonSerializer.Deserialize<ModelCard>(json, Json) ?? throw new InvalidDataException("The model card is empty.");

    public string ToMarkdown()
    {
        var c = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.AppendLine(c, $"# Model card: {Name}{(Version is null ? "" : $" ({Version})")}");
        md.AppendLine();
        md.AppendLine(c, $"Trained {CreatedAt:yyyy-MM-dd HH:mm} UTC in {TrainingSeconds:0.0} s. Trainer: **{Trainer}**, chosen on validation ROC AUC among {string.Join(", ", Candidates.Select(x => x.ValidationAuc is { } auc ? $"{x.Name} {auc:0.000}" : $"{x.Name} (unavailable: {x.Error})"))}; probabilities Platt-calibrated on the validation rows.");
        md.AppendLine();
        md.AppendLine("## Data");
        md.AppendLine(c, $"- Source: `{Data.Source}` ({Data.Rows:N0} rows used, {Data.DroppedRows:N0} without a label dropped; delimiter `{Data.Delimiter}`)");
        md.AppendLine(c, $"- Training data SHA-256: {(Data.Sha256 is { } sha ? $"`{sha}`" : "not recorded")}");
        md.AppendLine(c, $"- Label: `{Data.Label}` = `{Data.Positive}` ({Data.Positives:N0} positive, {Data.Positives / (double)Math.Max(1, Data.Rows):P1})");
        md.AppendLine(c, $"- Split: {DescribeSplit()}: {Split.TrainRows:N0} train / {Split.ValidationRows:N0} validation / {Split.TestRows:N0} test rows; groups on both sides: {Split.GroupsOnBothSides}");
        md.AppendLine(c, $"- Features: {string.Join(", ", Columns.Where(x => x.Used).Select(x => $"{x.Name} ({x.Kind.ToString().ToLowerInvariant()})"))}");
        var unused = Columns.Where(x => !x.Used).ToList();
        if (unused.Count > 0)
        {
            md.AppendLine(c, $"- Not used: {string.Join("; ", unused.Select(x => $"{x.Name} ({x.Note})"))}");
        }

        md.AppendLine();
        md.AppendLine("## Held-out test metrics");
        md.AppendLine("| ROC AUC | PR AUC | log-loss | Brier | ECE | uncalibrated log-loss / ECE | in-sample calibration log-loss |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        md.AppendLine(c, $"| {Auc:0.0000} | {PrAuc:0.0000} | {LogLoss:0.0000} | {Brier:0.0000} | {Ece:0.0000} | {LogLossUncalibrated:0.0000} / {EceUncalibrated:0.0000} | {LogLossInSampleCalibration:0.0000} |");
        md.AppendLine();
        md.AppendLine("Log-loss uses the natural logarithm; PR AUC is average precision; ECE is the row-weighted calibration gap over ten bins.");
        if (CrossValidation is { } cv)
        {
            md.AppendLine();
            md.AppendLine(c, $"{cv.Folds}-fold grouped cross-validation ({cv.Seconds:0} s): ROC AUC {cv.Auc.Mean:0.0000} ± {cv.Auc.Sd:0.0000}, PR AUC {cv.PrAuc.Mean:0.0000} ± {cv.PrAuc.Sd:0.0000}, log-loss {cv.LogLoss.Mean:0.0000} ± {cv.LogLoss.Sd:0.0000}, ECE {cv.Ece.Mean:0.0000} ± {cv.Ece.Sd:0.0000}; trainers chosen: {string.Join(", ", cv.Trainers)}.");
        }

        md.AppendLine();
        md.AppendLine("## Calibration (test rows)");
        md.AppendLine("| predicted | rows | mean predicted | observed |");
        md.AppendLine("|---|---|---|---|");
        foreach (var bin in Calibration)
        {
            md.AppendLine(c, $"| {bin.From:0.0}–{bin.To:0.0} | {bin.Count:N0} | {bin.MeanPredicted:0.000} | {bin.ObservedRate:0.000} |");
        }

        md.AppendLine();
        md.AppendLine("## Features by permutation importance (drop in test ROC AUC)");
        md.AppendLine("| column | importance | share |");
        md.AppendLine("|---|---|---|");
        foreach (var feature in Features)
        {
            md.AppendLine(c, $"| {feature.Name} | {feature.Importance:0.0000} | {feature.Share:P0} |");
        }

        md.AppendLine();
        md.AppendLine("## Leakage warnings");
        if (Warnings.Count == 0)
        {
            md.AppendLine("None.");
        }

        foreach (var warning in Warnings)
        {
            md.AppendLine(c, $"- **{warning.Column}**: {warning.Reason}");
        }

        md.AppendLine();
        md.AppendLine("## Segments (bias check on test rows)");
        md.AppendLine("| column | value | rows | positives | ROC AUC | mean predicted | observed | ECE | flag |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var s in Segments)
        {
            md.AppendLine(c, $"| {s.Column} | {s.Value} | {s.Rows:N0} | {s.Positives:N0} | {(s.Auc is { } auc ? auc.ToString("0.000", c) : "–")} | {s.MeanPredicted:0.000} | {s.ObservedRate:0.000} | {s.Ece:0.000} | {s.Flag ?? ""} |");
        }

        return md.ToString();
    }

    public string DescribeSplit() => Split.Kind switch
    {
        SplitKind.Group => $"by `{Split.Column}` (all rows of one id on the same side)",
        SplitKind.Time => $"by time on `{Split.Column}` (latest records held out)",
        _ => "by row content (identical rows kept together)",
    };
}
