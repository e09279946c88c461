namespace PartnerAssistant.Prediction;

/// <summary>How much one column of a record pushed its score up (positive) or down (negative).</summary>
public sealed record ColumnContribution(string Column, string? Value, double Contribution);

/// <summary>A calibrated probability and every column's contribution to it, largest effect first.</summary>
public sealed record ScoreExplanation(double Probability, string ModelVersion, IReadOnlyList<ColumnContribution> Contributions)
{
    /// <summary>Columns that raise the score, strongest first.</summary>
    public IEnumerable<ColumnContribution> Raising => Contributions.Where(c => c.Contribution > 0).OrderByDescending(c => c.Contribution);

    /// <summary>Columns that lower the score, strongest first.</summary>
    public IEnumerable<ColumnContribution> Lowering => Contributions.Where(c => c.Contribution < 0).OrderBy(c => c.Contribution);
}

/// <summary>No model is deployed yet, or it cannot read the records given.</summary>
public sealed class ModelUnavailableException(string message) : Exception(message);

/// <summary>
/// Scores records (column name → cell text) with the deployed model, from any thread. Each call
/// takes the current model once, so a hot reload in the middle of a call cannot mix versions.
/// Explanations come from the model's own feature contributions (ML.NET's
/// <c>CalculateFeatureContribution</c>), summed from feature slots back to the columns people know.
/// </summary>
public sealed class DealScorer(DealModelStore store)
{
    /// <summary>The deployed model, or null when none is.</summary>
    public DeployedModel? Model => store.Current;

    public DeployedModel RequireModel() =>
        store.Current ?? throw new ModelUnavailableException("No deal model is deployed yet: train one with `deals train` or let the host train its first-run model.");

    public double Score(IReadOnlyDictionary<string, string?> record) => Score(RequireModel(), record);

    public static double Score(DeployedModel model, IReadOnlyDictionary<string, string?> record) =>
        model.Score(model.Schema.Encode(record)).Probability;

    public ScoreExplanation Explain(IReadOnlyDictionary<string, string?> record) => Explain(RequireModel(), record);

    public static ScoreExplanation Explain(DeployedModel model, IReadOnlyDictionary<string, string?> record)
    {
        var output = model.Explain(model.Schema.Encode(record));
        var byColumn = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        var slots = model.Schema.Slots;
        for (var i = 0; i < output.FeatureContributions.Length && i < slots.Count; i++)
        {
            if (slots[i].Column.Length > 0)
            {
                byColumn[slots[i].Column] = byColumn.GetValueOrDefault(slots[i].Column) + output.FeatureContributions[i];
            }
        }

        var contributions = byColumn
            .Select(kv => new ColumnContribution(kv.Key, record.TryGetValue(kv.Key, out var value) ? value : null, kv.Value))
            .OrderByDescending(c => Math.Abs(c.Contribution))
            .ThenBy(c => c.Column, StringComparer.Ordinal)
            .ToList();
        return new ScoreExplanation(output.Probability, model.Version, contributions);
    }
}
