using System.Text.RegularExpressions;

namespace PartnerAssistant.Trust;

/// <summary>A table as the database's own catalogue lists it, with its columns.</summary>
public sealed record CatalogueTable(string Name, IReadOnlyList<CatalogueColumn> Columns);

/// <summary>A column and whether it holds text (JSON included) a person's name or ids could be written in.</summary>
public sealed record CatalogueColumn(string Name, string Type, bool IsText, bool IsJson);

/// <summary>
/// Every table of the relational database, read from its own catalogue (<c>sqlite_master</c> and
/// <c>pragma_table_info</c>; PostgreSQL's <c>information_schema</c>), so the erasure's sweep and the coverage
/// check reach tables a capability adds later without anyone listing them here.
/// </summary>
public static partial class DatabaseCatalogue
{
    public static async Task<IReadOnlyList<CatalogueTable>> ReadAsync(SqlSession sql, CancellationToken cancellationToken)
    {
        var tables = new List<CatalogueTable>();
        if (sql.IsPostgres)
        {
            var rows = await sql.QueryAsync(
                """
                SELECT c.table_name, c.column_name, c.data_type
                FROM information_schema.columns c
                JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
                WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
                ORDER BY c.table_name, c.ordinal_position
                """, cancellationToken);
            foreach (var table in rows.GroupBy(r => (string)r["table_name"]!))
            {
                tables.Add(new CatalogueTable(table.Key, [.. table.Select(r =>
                {
                    var type = (string)r["data_type"]!;
                    var json = type is "json" or "jsonb";
                    return new CatalogueColumn((string)r["column_name"]!, type, json || type is "text" or "character varying" or "character", json);
                })]));
            }

            return tables;
        }

        var names = await sql.QueryAsync("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", cancellationToken);
        foreach (var name in names.Select(r => (string)r["name"]!))
        {
            var columns = await sql.QueryAsync("SELECT name, type FROM pragma_table_info(@p0) ORDER BY cid", cancellationToken, name);
            tables.Add(new CatalogueTable(name, [.. columns.Select(c =>
            {
                var type = ((string?)c["type"] ?? "").ToUpperInvariant();
                // SQLite's type affinity: a declared type naming TEXT, CHAR or CLOB holds text.
                var text = type.Contains("TEXT", StringComparison.Ordinal) || type.Contains("CHAR", StringComparison.Ordinal) || type.Contains("CLOB", StringComparison.Ordinal);
                return new CatalogueColumn((string)c["name"]!, type, text, false);
            })]));
        }

        return tables;
    }

    /// <summary>The migration history tables: bookkeeping, never personal.</summary>
    public static bool IsBookkeeping(string table) => table.StartsWith("__", StringComparison.Ordinal);

    /// <summary>
    /// Whether a column's name says it identifies a person (<c>person_id</c>, <c>user_id</c>, <c>submitted_by</c>,
    /// <c>actor</c>, <c>email</c>, <c>holder_name</c>…): the coverage check asks every such column to be declared
    /// by some <see cref="IPersonalDataSource"/>, or listed in <see cref="NotAPerson"/> with the reason.
    /// </summary>
    public static bool LooksLikeAPerson(string column) => PersonLike().IsMatch(column);

    /// <summary>Columns whose name looks like a person's but that hold something else, and why.</summary>
    public static IReadOnlyDictionary<string, string> NotAPerson { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["host_leases.holder"] = "a host process (machine:pid:random), not a person",
    };

    // Nouns for people (alone or with _id, _name, _key, _email), anything "…_by", and e-mail addresses.
    [GeneratedRegex(@"(^|_)(person|user|holder|actor|partner_admin|email|e_mail)(_id|_name|_key|_email)?$|_by$|^by$", RegexOptions.CultureInvariant)]
    private static partial Regex PersonLike();
}
