using System.Text.RegularExpressions;

namespace PartnerAssistant.Prediction;

/// <summary>A column that may only be known once a deal has progressed or closed, and why it looks so.</summary>
public sealed record LeakageWarning(string Column, string Reason, double? SingleColumnAuc = null);

/// <summary>
/// Looks for outcome leakage before a model learns from it: a column that alone separates won
/// from lost almost perfectly, or whose name says it records progress or the result (stage,
/// status, days to close, change counts). Such columns make a model look excellent in evaluation
/// and useless on a deal that has just been registered.
/// </summary>
public static partial class LeakageDetector
{
    /// <summary>Single-column ROC AUC at or above which a column is flagged. 0.9: few honest
    /// entry-time facts separate outcomes that well on their own.</summary>
    public const double SuspiciousAuc = 0.9;

    public static IReadOnlyList<LeakageWarning> Scan(CsvTable table, FeatureSchema schema, IReadOnlyList<bool> labels, IReadOnlyList<int> train, IReadOnlyList<int> validation)
    {
        var warnings = new List<LeakageWarning>();
        var evaluate = validation.Count >= 20 ? validation : train;
        var evaluationLabels = evaluate.Select(r => labels[r]).ToList();
        foreach (var column in schema.Columns)
        {
            var index = table.IndexOf(column);
            var auc = SingleColumnAuc(table, schema, index, labels, train, evaluate, evaluationLabels);
            var nameReason = NameReason(column);
            if (auc >= SuspiciousAuc)
            {
                warnings.Add(new LeakageWarning(column,
                    $"on its own it separates the outcome with ROC AUC {auc:0.000}" + (nameReason is null ? "; check it is known when a deal is opened" : "; " + nameReason),
                    Math.Round(auc, 4)));
            }
            else if (nameReason is not null)
            {
                warnings.Add(new LeakageWarning(column, nameReason, double.IsNaN(auc) ? null : Math.Round(auc, 4)));
            }
        }

        return warnings;
    }

    /// <summary>Why a column's name suggests it is only known later, or null.</summary>
    public static string? NameReason(string column)
    {
        // "days_to_close" and "DaysToClose" read like "days to close".
        column = CamelHump().Replace(column, "$1 $2").Replace('_', ' ').Replace('-', ' ');
        if (Outcome().IsMatch(column))
        {
            return "its name suggests the deal's result or status";
        }

        if (Progress().IsMatch(column))
        {
            return "its name suggests a sales stage or closing detail, which changes as the deal progresses";
        }

        if (PipelineTime().IsMatch(column))
        {
            return "it measures time or activity in the pipeline, which is only known later";
        }

        return null;
    }

    /// <summary>How well the column alone ranks outcomes on held-out rows (0.5 = not at all, 1 = perfectly,
    /// in either direction). Categories are scored by their win rate on the training rows.</summary>
    private static double SingleColumnAuc(CsvTable table, FeatureSchema schema, int index, IReadOnlyList<bool> labels, IReadOnlyList<int> train, IReadOnlyList<int> evaluate, List<bool> evaluationLabels)
    {
        var numeric = schema.Numeric.FirstOrDefault(n => string.Equals(n.Name, table.Columns[index], StringComparison.OrdinalIgnoreCase));
        double[] scores;
        if (numeric is not null)
        {
            scores = evaluate.Select(r => FeatureSchema.ParseNumber(numeric, table.Rows[r][index]) is var v && float.IsNaN(v) ? double.MinValue : v).ToArray();
        }
        else
        {
            var positives = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var counts = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            var prior = train.Count(r => labels[r]) / (double)Math.Max(1, train.Count);
            foreach (var r in train)
            {
                var key = table.Rows[r][index] ?? FeatureSchema.MissingLevel;
                counts[key] = counts.GetValueOrDefault(key) + 1;
                positives[key] = positives.GetValueOrDefault(key) + (labels[r] ? 1 : 0);
            }

            // Smoothed toward the overall rate, so a value seen once cannot look perfectly predictive.
            scores = evaluate.Select(r =>
            {
                var key = table.Rows[r][index] ?? FeatureSchema.MissingLevel;
                return (positives.GetValueOrDefault(key) + 10 * prior) / (counts.GetValueOrDefault(key) + 10.0);
            }).ToArray();
        }

        var auc = BinaryMetrics.RocAuc(scores, evaluationLabels);
        return double.IsNaN(auc) ? auc : Math.Max(auc, 1 - auc);
    }

    [GeneratedRegex("([a-z])([A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex CamelHump();

    [GeneratedRegex(@"\b(result|outcome|status|won|lost|win|loss|reason|closed)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Outcome();

    [GeneratedRegex(@"\b(stage|phase|clos(e|ing)|forecast|probability)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Progress();

    [GeneratedRegex(@"\b(elapsed|changes?|updates?|activities)\b|\bdays?\b.*\b(to|through|in|since|until)\b|\b(total|ratio)\b.*\bdays?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PipelineTime();
}
