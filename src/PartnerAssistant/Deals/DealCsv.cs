using System.Globalization;
using System.Text;

namespace PartnerAssistant.Deals;

/// <summary>
/// The CSV layout for moving registrations and their outcomes to and from a CRM: one row per
/// registration, a header row with these column names (order free on import, extra columns ignored).
/// Dates are ISO 8601 (<c>yyyy-MM-dd</c>), instants ISO 8601 with offset, amounts with a dot.
/// <c>products</c> lists product codes separated by <c>;</c>; <c>touches</c> lists
/// <c>partner:role:yyyy-MM-dd</c> entries separated by <c>;</c>.
/// </summary>
public static class DealCsv
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "number", "partner_id", "submitted_by", "customer", "customer_domain", "opportunity", "products", "amount", "currency",
        "expected_close", "role", "status", "submitted_at", "approved_at", "protected_until", "extended", "closed_on", "closed_amount", "touches",
    ];

    public static string FormatStatus(RegistrationStatus status) => status switch
    {
        RegistrationStatus.UnderReview => "under-review",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static RegistrationStatus? ParseStatus(string? text) =>
        (text ?? "").Trim().ToLowerInvariant().Replace(' ', '-').Replace('_', '-') switch
        {
            "" or "submitted" or "new" => RegistrationStatus.Submitted,
            "under-review" or "in-review" or "review" or "underreview" => RegistrationStatus.UnderReview,
            "approved" => RegistrationStatus.Approved,
            "rejected" or "declined" => RegistrationStatus.Rejected,
            "expired" => RegistrationStatus.Expired,
            "won" or "closed-won" => RegistrationStatus.Won,
            "lost" or "closed-lost" => RegistrationStatus.Lost,
            _ => null,
        };

    /// <summary>Reads RFC 4180 CSV: quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    public static IEnumerable<(int Line, IReadOnlyList<string> Fields)> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var line = 1;
        var recordLine = 1;
        var any = false;
        int c;
        var first = true;
        while ((c = reader.Read()) != -1)
        {
            if (first && c == '\uFEFF')
            {
                first = false;
                continue;
            }

            first = false;
            any = true;
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        field.Append('"');
                        reader.Read();
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append((char)c);
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inQuotes = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    break;
                case '\r':
                    break;
                case '\n':
                    fields.Add(field.ToString());
                    field.Clear();
                    if (fields.Count > 1 || fields[0].Length > 0)
                    {
                        yield return (recordLine, fields.ToList());
                    }

                    fields.Clear();
                    line++;
                    recordLine = line;
                    any = false;
                    break;
                default:
                    field.Append((char)c);
                    break;
            }
        }

        if (any)
        {
            fields.Add(field.ToString());
            if (fields.Count > 1 || fields[0].Length > 0)
            {
                yield return (recordLine, fields.ToList());
            }
        }
    }

    /// <summary>One record; every cell is neutralised against spreadsheet formulas (<see cref="CsvCells"/>).</summary>
    public static void WriteRow(TextWriter writer, IEnumerable<string?> fields) => CsvCells.WriteRow(writer, fields);

    public static string Instant(long? unixMs) =>
        unixMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    public static string Amount(decimal? amount) => amount?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";
}

/// <summary>What an import did; <see cref="Errors"/> name the line and the problem of every row left out.</summary>
public sealed record ImportReport(int Created, int Updated, int Unchanged, IReadOnlyList<string> Errors);
