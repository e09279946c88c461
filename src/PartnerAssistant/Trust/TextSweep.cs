using System.Text.RegularExpressions;

namespace PartnerAssistant.Trust;

/// <summary>
/// The erasure's last step in the database: every text column of every table (from the catalogue, so tables
/// added later are reached too) is searched for the person's ids, e-mail and name, and each mention is replaced
/// by the pseudonym's label: a decision's reason that names them, a transcript of someone else's conversation
/// in which the bot quoted them, a column a capability forgot to declare. A mention counts only as a whole
/// word, so erasing <c>demo-partner</c> leaves <c>demo-partner-admin</c> alone.
/// </summary>
internal static class TextSweep
{
    public static async Task RunAsync(PersonalDataErasure erasure, IReadOnlySet<string> skipTables, CancellationToken cancellationToken)
    {
        var sql = erasure.Sql;
        var terms = erasure.Subject.SearchTerms;
        if (terms.Count == 0)
        {
            return;
        }

        var pattern = Pattern(terms);
        foreach (var table in await DatabaseCatalogue.ReadAsync(sql, cancellationToken))
        {
            if (DatabaseCatalogue.IsBookkeeping(table.Name) || skipTables.Contains(table.Name))
            {
                continue;
            }

            foreach (var column in table.Columns.Where(c => c.IsText))
            {
                var value = column.IsJson ? $"{SqlSession.Quote(column.Name)}::text" : SqlSession.Quote(column.Name);
                var where = string.Join(" OR ", terms.Select((_, i) => $"{value} {sql.ILike} @p{i}"));
                var rowKey = sql.IsPostgres ? "ctid::text" : "rowid";
                var rows = await sql.QueryAsync(
                    $"SELECT {rowKey} AS row_key, {value} AS value FROM {SqlSession.Quote(table.Name)} WHERE {where}",
                    cancellationToken, [.. terms.Select(t => (object?)$"%{t}%")]);
                foreach (var row in rows)
                {
                    var text = (string?)row["value"];
                    if (text is null)
                    {
                        continue;
                    }

                    var mentions = 0;
                    var replaced = pattern.Replace(text, _ =>
                    {
                        mentions++;
                        return erasure.Pseudonym.Label;
                    });
                    if (mentions == 0)
                    {
                        continue;
                    }

                    var target = column.IsJson ? $"CAST(@p0 AS {column.Type})" : "@p0";
                    var keyMatch = sql.IsPostgres ? "ctid = CAST(@p1 AS tid)" : "rowid = @p1";
                    await sql.ExecuteAsync($"UPDATE {SqlSession.Quote(table.Name)} SET {SqlSession.Quote(column.Name)} = {target} WHERE {keyMatch}",
                        [replaced, row["row_key"]], cancellationToken);
                    PersonalDataErasure.Count(erasure.MentionsReplaced, $"{table.Name}.{column.Name}", mentions);
                }
            }
        }
    }

    /// <summary>The terms as whole words, longest first, ignoring case: not inside a longer id, name or address.</summary>
    internal static Regex Pattern(IReadOnlyList<string> terms) => new(
        @"(?<![\p{L}\p{N}_@.\-])(?:" + string.Join("|", terms.Select(Regex.Escape)) + @")(?![\p{L}\p{N}_@\-]|\.[\p{L}\p{N}])",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
}
