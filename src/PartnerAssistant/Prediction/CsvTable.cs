using System.Text;

namespace PartnerAssistant.Prediction;

/// <summary>
/// A CSV export held in memory as text: a header and rows of cells, empty and "N/A"-style cells
/// read as missing (<c>null</c>). The delimiter is detected from the file (comma, semicolon, tab or
/// pipe), quoted cells may hold delimiters, doubled quotes and line breaks (RFC 4180).
/// </summary>
public sealed class CsvTable
{
    private static readonly char[] Candidates = [',', ';', '\t', '|'];

    // "NA" is not among them: it is North America in a region column. Number columns still read it as missing.
    private static readonly HashSet<string> MissingTokens = new(StringComparer.OrdinalIgnoreCase)
    {
        "", "N/A", "#N/A", "null", "NaN", "?", "(blank)",
    };

    public CsvTable(IReadOnlyList<string> columns, List<string?[]> rows, char delimiter = ',')
    {
        Columns = columns;
        Rows = rows;
        Delimiter = delimiter;
        if (columns.Count == 0)
        {
            throw new InvalidDataException("The file has no header row.");
        }

        var duplicate = columns.GroupBy(c => c, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"The column '{duplicate.Key}' appears more than once in the header.");
        }
    }

    public IReadOnlyList<string> Columns { get; }

    public List<string?[]> Rows { get; }

    public char Delimiter { get; }

    /// <summary>The index of a column by name, ignoring case; -1 when there is none.</summary>
    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    public int RequireIndex(string column, string role) =>
        IndexOf(column) is var index and >= 0
            ? index
            : throw new InvalidDataException($"The {role} column '{column}' is not in the file. Its columns are: {string.Join(", ", Columns)}.");

    public static CsvTable Load(string path, char? delimiter = null)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, delimiter);
    }

    public static CsvTable Parse(TextReader reader, char? delimiter = null)
    {
        var text = reader.ReadToEnd();
        var separator = delimiter ?? DetectDelimiter(text);
        var records = ReadRecords(text, separator).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new InvalidDataException("The file is empty.");
        }

        var header = records.Current.Select((name, i) => string.IsNullOrWhiteSpace(name) ? $"Column{i + 1}" : name.Trim()).ToList();
        var rows = new List<string?[]>();
        var line = 1;
        while (records.MoveNext())
        {
            line++;
            var cells = records.Current;
            if (cells.Count == 1 && string.IsNullOrWhiteSpace(cells[0]))
            {
                continue;
            }

            if (cells.Count > header.Count && cells.Skip(header.Count).Any(c => !string.IsNullOrWhiteSpace(c)))
            {
                throw new InvalidDataException($"Record {line} has {cells.Count} cells but the header has {header.Count} columns (delimiter '{Printable(separator)}').");
            }

            var row = new string?[header.Count];
            for (var i = 0; i < header.Count && i < cells.Count; i++)
            {
                row[i] = Normalize(cells[i]);
            }

            rows.Add(row);
        }

        return new CsvTable(header, rows, separator);
    }

    /// <summary>The candidate that splits the first lines into the same number of cells (more than one),
    /// preferring the one giving the most cells; quoted text is ignored.</summary>
    public static char DetectDelimiter(string text)
    {
        var lines = ReadRecordLines(text).Take(50).ToList();
        if (lines.Count == 0)
        {
            return ',';
        }

        var best = ',';
        var bestScore = -1.0;
        foreach (var candidate in Candidates)
        {
            var counts = lines.Select(l => CountOutsideQuotes(l, candidate)).ToList();
            if (counts[0] == 0)
            {
                continue;
            }

            // Lines that agree with the header count; a candidate that only appears inside text scores low.
            var consistent = counts.Count(c => c == counts[0]) / (double)counts.Count;
            var score = consistent * 1000 + counts[0];
            if (score > bestScore)
            {
                bestScore = score;
                best = candidate;
            }
        }

        return best;
    }

    public void Write(TextWriter writer)
    {
        writer.WriteLine(string.Join(Delimiter, Columns.Select(c => CsvCells.Cell(c, Delimiter))));
        foreach (var row in Rows)
        {
            writer.WriteLine(string.Join(Delimiter, row.Select(c => CsvCells.Cell(c, Delimiter))));
        }
    }

    public void Save(string path)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(writer);
    }

    private static string? Normalize(string cell)
    {
        var trimmed = CsvCells.Restore(cell.Trim());
        return MissingTokens.Contains(trimmed) ? null : trimmed;
    }

    private static string Printable(char c) => c == '\t' ? "\\t" : c.ToString();

    private static int CountOutsideQuotes(string line, char candidate)
    {
        var count = 0;
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == candidate && !quoted)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Physical lines grouped so that a quoted line break stays inside its record.</summary>
    private static IEnumerable<string> ReadRecordLines(string text)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == '\n' && !quoted)
            {
                yield return text[start..i].TrimEnd('\r');
                start = i + 1;
            }
        }

        if (start < text.Length)
        {
            yield return text[start..].TrimEnd('\r');
        }
    }

    private static IEnumerable<List<string>> ReadRecords(string text, char delimiter)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        var i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        cell.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                cells.Add(cell.ToString());
                cell.Clear();
                yield return cells;
                cells = [];
            }
            else
            {
                cell.Append(c);
            }
        }

        if (cell.Length > 0 || cells.Count > 0)
        {
            cells.Add(cell.ToString());
            yield return cells;
        }
    }
}
