using System.Globalization;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PartnerAssistant.Prediction;

/// <summary>What a CSV column holds, as far as training is concerned.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ColumnKind>))]
public enum ColumnKind
{
    /// <summary>Numbers (amounts, counts, codes); missing cells are imputed and flagged.</summary>
    Numeric,

    /// <summary>Yes/no values, used as 1/0.</summary>
    Boolean,

    /// <summary>Anything else with repeating values; one-hot encoded, rare values pooled.</summary>
    Categorical,

    /// <summary>Dates; used to split by time, never as a feature (a model would learn the calendar).</summary>
    Date,

    /// <summary>A record id (mostly unique, named like one); used to keep duplicates on one side of the split.</summary>
    Identifier,

    /// <summary>One value or none: nothing to learn from.</summary>
    Constant,
}

/// <summary>A column's detected kind and how full it is.</summary>
public sealed record ColumnProfile(string Name, int Index, ColumnKind Kind, int Distinct, int Missing, bool DecimalComma = false)
{
    public bool IsFeatureKind => Kind is ColumnKind.Numeric or ColumnKind.Boolean or ColumnKind.Categorical;
}

/// <summary>Detects column kinds from the cells: numbers (invariant or decimal comma), dates,
/// yes/no flags, record ids and categories. A column counts as numeric or a date when at least
/// 98 % of its filled cells parse as one; the rest are then read as missing.</summary>
public static partial class ColumnProfiler
{
    private const double ParseShare = 0.98;

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.fffZ", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm",
        "yyyy/MM/dd", "dd.MM.yyyy", "d.M.yyyy", "MM/dd/yyyy", "M/d/yyyy", "dd/MM/yyyy", "d/M/yyyy", "yyyyMMdd'T'HHmmss",
    ];

    private static readonly Dictionary<string, bool> BooleanTokens = new(StringComparer.OrdinalIgnoreCase)
    {
        ["true"] = true, ["false"] = false, ["yes"] = true, ["no"] = false, ["y"] = true, ["n"] = false, ["t"] = true, ["f"] = false,
    };

    public static IReadOnlyList<ColumnProfile> Profile(CsvTable table, IEnumerable<int>? rowIndexes = null)
    {
        var rows = rowIndexes?.Select(i => table.Rows[i]).ToList() ?? table.Rows;
        var profiles = new List<ColumnProfile>(table.Columns.Count);
        for (var c = 0; c < table.Columns.Count; c++)
        {
            profiles.Add(ProfileColumn(table.Columns[c], c, rows.Select(r => r[c]), table.Delimiter));
        }

        return profiles;
    }

    public static ColumnProfile ProfileColumn(string name, int index, IEnumerable<string?> cells, char delimiter = ',')
    {
        var filled = new List<string>();
        var missing = 0;
        foreach (var cell in cells)
        {
            // "NA" is missing in a number column and North America in a region column: leave it out of the kind detection.
            if (cell is null || cell == "NA")
            {
                missing++;
            }
            else
            {
                filled.Add(cell);
            }
        }

        var distinct = filled.Distinct(StringComparer.Ordinal).Count();
        if (distinct <= 1)
        {
            return new ColumnProfile(name, index, ColumnKind.Constant, distinct, missing);
        }

        var share = (Func<string, bool> parses) => filled.Count(parses) / (double)filled.Count;
        var isNumeric = share(c => TryParseNumber(c, false, out _)) >= ParseShare;
        var decimalComma = false;
        if (!isNumeric && delimiter != ',' && filled.Any(c => c.Contains(',')) && share(c => TryParseNumber(c, true, out _)) >= ParseShare)
        {
            isNumeric = true;
            decimalComma = true;
        }

        var distinctRatio = distinct / (double)filled.Count;
        if (LooksLikeIdName(name) && distinctRatio >= 0.5)
        {
            return new ColumnProfile(name, index, ColumnKind.Identifier, distinct, missing);
        }

        if (isNumeric)
        {
            return new ColumnProfile(name, index, ColumnKind.Numeric, distinct, missing, decimalComma);
        }

        if (share(c => TryParseDate(c, out _)) >= ParseShare)
        {
            return new ColumnProfile(name, index, ColumnKind.Date, distinct, missing);
        }

        if (distinct <= 2 && filled.All(c => BooleanTokens.ContainsKey(c)))
        {
            return new ColumnProfile(name, index, ColumnKind.Boolean, distinct, missing);
        }

        // Text that hardly repeats is a key or a note; one-hot levels of it would not generalise.
        if (distinctRatio >= 0.9 && filled.Count >= 20)
        {
            return new ColumnProfile(name, index, ColumnKind.Identifier, distinct, missing);
        }

        return new ColumnProfile(name, index, ColumnKind.Categorical, distinct, missing);
    }

    public static bool TryParseNumber(string cell, bool decimalComma, out double value)
    {
        var text = cell.Trim();
        if (text.Length > 0 && (text[0] is '$' or '€' or '£'))
        {
            text = text[1..];
        }

        if (text.EndsWith('%'))
        {
            text = text[..^1];
        }

        if (decimalComma)
        {
            text = text.Replace(".", "", StringComparison.Ordinal).Replace(',', '.');
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    public static bool TryParseDate(string cell, out DateTime value) =>
        DateTime.TryParseExact(cell.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);

    public static bool TryParseBoolean(string cell, out bool value) => BooleanTokens.TryGetValue(cell.Trim(), out value);

    /// <summary>Names such as "Opportunity Number", "deal_id", "Registration No" or "Key".</summary>
    public static bool LooksLikeIdName(string name) => IdName().IsMatch(name);

    [GeneratedRegex(@"(^|[\s_\-.])(id|number|no|nr|num|key|uuid|guid|#)$|^id[\s_\-]|(?-i:[a-z]Id)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IdName();
}
