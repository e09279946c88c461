using System.Text;
using System.Text.Json.Serialization;

namespace PartnerAssistant.Prediction;

[JsonConverter(typeof(JsonStringEnumConverter<SplitKind>))]
public enum SplitKind
{
    /// <summary>By a record id: every row of one id lands on the same side.</summary>
    Group,

    /// <summary>By a date: the latest records are held out, as they would be in production.</summary>
    Time,

    /// <summary>No id or date: rows with identical cells are kept together.</summary>
    Row,
}

/// <summary>Which rows train the model, which choose and calibrate it, and which test it.</summary>
public sealed record SplitPlan(SplitKind Kind, string? Column, int[] Train, int[] Validation, int[] Test);

/// <summary>
/// Splits rows so that duplicates cannot leak from training into evaluation: rows sharing a group
/// key (an id, or the whole row's content when there is no id) always land together, whether the
/// split is by group hash, by time or into cross-validation folds.
/// </summary>
public static class DataSplitter
{
    /// <summary>The key each row is kept together by: the id cell, or the row's content when the id is missing or there is none.</summary>
    public static string[] GroupKeys(CsvTable table, int idColumn)
    {
        var keys = new string[table.Rows.Count];
        for (var r = 0; r < keys.Length; r++)
        {
            var row = table.Rows[r];
            keys[r] = idColumn >= 0 && row[idColumn] is { } id ? "id:" + id : "row:" + string.Join('\u001F', row.Select(c => c ?? "\u0000"));
        }

        return keys;
    }

    public static SplitPlan ByGroup(IReadOnlyList<string> keys, IReadOnlyList<int> rows, double testFraction, double validationFraction, int seed, SplitKind kind = SplitKind.Group, string? column = null)
    {
        var train = new List<int>();
        var validation = new List<int>();
        var test = new List<int>();
        var validationCut = testFraction + validationFraction * (1 - testFraction);
        foreach (var r in rows)
        {
            var u = Unit(keys[r], seed);
            (u < testFraction ? test : u < validationCut ? validation : train).Add(r);
        }

        return new SplitPlan(kind, column, [.. train], [.. validation], [.. test]);
    }

    /// <summary>The latest groups (by their latest date) are tested, the ones before them validate,
    /// the rest train. Rows without a date count as the oldest.</summary>
    public static SplitPlan ByTime(IReadOnlyList<string> keys, IReadOnlyList<DateTime?> dates, double testFraction, double validationFraction, string column)
    {
        var groups = Enumerable.Range(0, keys.Count)
            .GroupBy(r => keys[r], StringComparer.Ordinal)
            .Select(g => (Rows: g.ToList(), Latest: g.Max(r => dates[r] ?? DateTime.MinValue), Key: g.Key))
            .OrderBy(g => g.Latest).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        var total = keys.Count;
        var testFrom = total * (1 - testFraction);
        var validationFrom = testFrom - total * (1 - testFraction) * validationFraction;
        var train = new List<int>();
        var validation = new List<int>();
        var test = new List<int>();
        var seen = 0;
        foreach (var group in groups)
        {
            (seen >= testFrom ? test : seen >= validationFrom ? validation : train).AddRange(group.Rows);
            seen += group.Rows.Count;
        }

        return new SplitPlan(SplitKind.Time, column, [.. train], [.. validation], [.. test]);
    }

    /// <summary>The cross-validation fold (0..k-1) of each row, whole groups at a time.</summary>
    public static int[] Folds(IReadOnlyList<string> keys, int folds, int seed) =>
        keys.Select(k => Math.Min(folds - 1, (int)(Unit(k, seed ^ 0x5f17) * folds))).ToArray();

    /// <summary>A stable pseudo-random number in [0, 1) for a key: FNV-1a, then a SplitMix64 finaliser.</summary>
    public static double Unit(string key, int seed)
    {
        var hash = 14695981039346656037UL ^ (ulong)(uint)seed;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        hash += 0x9E3779B97F4A7C15UL;
        hash = (hash ^ (hash >> 30)) * 0xBF58476D1CE4E5B9UL;
        hash = (hash ^ (hash >> 27)) * 0x94D049BB133111EBUL;
        hash ^= hash >> 31;
        return (hash >> 11) * (1.0 / (1UL << 53));
    }
}
