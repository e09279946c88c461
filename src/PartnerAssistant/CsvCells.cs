using System.Text.RegularExpressions;

namespace PartnerAssistant;

/// <summary>
/// How every CSV the product writes spells a cell (deal exports, program metrics, training tables):
/// RFC 4180 quoting, and formula neutralisation — a cell a spreadsheet would run as a formula
/// (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return) gets a leading
/// apostrophe, so <c>=HYPERLINK(...)</c> typed into a registration reaches Excel as text. A plain
/// number (<c>-12.5</c>) is left alone: it is no formula, and numeric columns stay numeric. Readers
/// of our own files take the apostrophe off again (<see cref="Restore"/>).
/// </summary>
public static partial class CsvCells
{
    /// <summary>The cell as written: neutralised, then quoted when it holds the delimiter, a quote or a line break.</summary>
    public static string Cell(string? value, char delimiter = ',')
    {
        var text = Neutralise(value ?? "");
        return text.IndexOfAny([delimiter, '"', '\r', '\n']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    /// <summary>Writes one record, cells separated by <paramref name="delimiter"/>, ended by CRLF.</summary>
    public static void WriteRow(TextWriter writer, IEnumerable<string?> cells, char delimiter = ',')
    {
        var first = true;
        foreach (var cell in cells)
        {
            if (!first)
            {
                writer.Write(delimiter);
            }

            first = false;
            writer.Write(Cell(cell, delimiter));
        }

        writer.Write("\r\n");
    }

    /// <summary>A leading apostrophe on a cell a spreadsheet would evaluate; plain numbers unchanged.</summary>
    public static string Neutralise(string value) =>
        value.Length > 0 && IsFormulaStart(value[0]) && !PlainNumber().IsMatch(value) ? "'" + value : value;

    /// <summary>Takes off the apostrophe <see cref="Neutralise"/> added (and only that one).</summary>
    public static string Restore(string value) =>
        value.Length > 1 && value[0] == '\'' && IsFormulaStart(value[1]) && !PlainNumber().IsMatch(value[1..]) ? value[1..] : value;

    private static bool IsFormulaStart(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r';

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();
}
