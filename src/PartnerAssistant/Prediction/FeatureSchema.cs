using Microsoft.ML;
using Microsoft.ML.Data;

namespace PartnerAssistant.Prediction;

/// <summary>A number or yes/no column the model reads.</summary>
public sealed record NumericFeature(string Name, ColumnKind Kind, bool DecimalComma = false);

/// <summary>A category column the model reads and the values it learned; other values count as "(other)".</summary>
public sealed record CategoricalFeature(string Name, IReadOnlyList<string> Levels);

/// <summary>What one slot of the model's feature vector stands for: a column's value, the flag
/// that a number was missing, or one category of a column.</summary>
public sealed record FeatureSlot(string Column, FeatureSlotRole Role, string? Value = null);

public enum FeatureSlotRole
{
    Value,
    Missing,
    Category,
}

/// <summary>
/// How a record (column name → cell text) becomes the model's input, and how the model's
/// feature slots map back to the columns people know. Stored beside the model file, so a host
/// can score records of a model trained on any CSV.
/// </summary>
public sealed class FeatureSchema
{
    public const string OtherLevel = "(other)";
    public const string MissingLevel = "(missing)";

    public required string Label { get; init; }
    public required string Positive { get; init; }
    public required IReadOnlyList<NumericFeature> Numeric { get; init; }
    public required IReadOnlyList<CategoricalFeature> Categorical { get; init; }

    /// <summary>Filled in after the encoders are fitted: one entry per feature slot.</summary>
    public IReadOnlyList<FeatureSlot> Slots { get; set; } = [];

    /// <summary>The vectors are never empty: ML.NET needs a known, non-zero size, so an absent kind gets one constant slot.</summary>
    public int NumericWidth => Math.Max(1, Numeric.Count);

    public int CategoricalWidth => Math.Max(1, Categorical.Count);

    /// <summary>Every column the model reads, numbers first.</summary>
    public IEnumerable<string> Columns => Numeric.Select(n => n.Name).Concat(Categorical.Select(c => c.Name));

    public ModelInput Encode(Func<string, string?> cellOf, bool label = false)
    {
        var numbers = new float[NumericWidth];
        for (var i = 0; i < Numeric.Count; i++)
        {
            numbers[i] = ParseNumber(Numeric[i], cellOf(Numeric[i].Name));
        }

        var categories = new string[CategoricalWidth];
        for (var j = 0; j < categories.Length; j++)
        {
            categories[j] = j < Categorical.Count ? Token(j, Level(Categorical[j], cellOf(Categorical[j].Name))) : "0=" + MissingLevel;
        }

        return new ModelInput { Numbers = numbers, Categories = categories, Label = label };
    }

    public ModelInput Encode(IReadOnlyDictionary<string, string?> record) =>
        Encode(column => record.TryGetValue(column, out var value) ? value : null);

    /// <summary>The category a cell counts as: a learned level, "(missing)" or "(other)".</summary>
    public static string Level(CategoricalFeature feature, string? cell)
    {
        if (cell is null)
        {
            return MissingLevel;
        }

        foreach (var level in feature.Levels)
        {
            if (string.Equals(level, cell, StringComparison.OrdinalIgnoreCase))
            {
                return level;
            }
        }

        return OtherLevel;
    }

    /// <summary>Categories of every column share one vector, so each value carries its column's position.</summary>
    public static string Token(int column, string level) => $"{column}={level}";

    public static (int Column, string Level) ParseToken(string token)
    {
        var equals = token.IndexOf('=', StringComparison.Ordinal);
        return (int.Parse(token.AsSpan(0, equals), System.Globalization.CultureInfo.InvariantCulture), token[(equals + 1)..]);
    }

    public static float ParseNumber(NumericFeature feature, string? cell)
    {
        if (cell is null)
        {
            return float.NaN;
        }

        if (feature.Kind == ColumnKind.Boolean)
        {
            return ColumnProfiler.TryParseBoolean(cell, out var flag) ? (flag ? 1f : 0f) : float.NaN;
        }

        return ColumnProfiler.TryParseNumber(cell, feature.DecimalComma, out var value) ? (float)value : float.NaN;
    }

    /// <summary>The input schema with the vector sizes of this model (ML.NET needs them known).</summary>
    public SchemaDefinition InputDefinition()
    {
        var definition = SchemaDefinition.Create(typeof(ModelInput));
        definition[nameof(ModelInput.Numbers)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, NumericWidth);
        definition[nameof(ModelInput.Categories)].ColumnType = new VectorDataViewType(TextDataViewType.Instance, CategoricalWidth);
        return definition;
    }

    public IDataView ToDataView(MLContext ml, IEnumerable<ModelInput> rows) => ml.Data.LoadFromEnumerable(rows, InputDefinition());
}

/// <summary>The model's input row: every numeric column in one vector, every category column in another.</summary>
public sealed class ModelInput
{
    public float[] Numbers { get; set; } = [];
    public string[] Categories { get; set; } = [];
    public bool Label { get; set; }

    public ModelInput Copy() => new() { Numbers = (float[])Numbers.Clone(), Categories = (string[])Categories.Clone(), Label = Label };
}

/// <summary>A calibrated win probability.</summary>
public sealed class ScoreOutput
{
    public float Score { get; set; }
    public float Probability { get; set; }
}

/// <summary>A calibrated win probability with each feature slot's contribution to the score.</summary>
public sealed class ExplainedOutput
{
    public float Score { get; set; }
    public float Probability { get; set; }
    public float[] FeatureContributions { get; set; } = [];
}
