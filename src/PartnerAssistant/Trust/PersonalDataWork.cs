using System.Globalization;
using System.Text.Json.Nodes;

namespace PartnerAssistant.Trust;

/// <summary>A part of the export: rows of one table (or one kind of record) about the person.</summary>
public sealed record ExportSection(string Source, string Key, string Description, JsonArray Rows, IReadOnlyList<string> Labels);

/// <summary>A file the person uploaded or that is kept about them.</summary>
public sealed record ExportFile(string Source, string Description, string Name, string ContentType, long SizeBytes, string Sha256, long? AtMs, byte[]? Content);

/// <summary>What the capabilities gather for one export, read in one snapshot of the database.</summary>
public sealed class PersonalDataExport(PersonalDataSubject subject, SqlSession sql, bool includeFileContents)
{
    private readonly List<ExportSection> _sections = [];
    private readonly List<ExportFile> _files = [];

    public PersonalDataSubject Subject => subject;
    public SqlSession Sql => sql;

    /// <summary>Whether files go into the document with their bytes (the full export) or only described (the chat's copy).</summary>
    public bool IncludeFileContents => includeFileContents;

    public IReadOnlyList<ExportSection> Sections => _sections;
    public IReadOnlyList<ExportFile> Files => _files;

    /// <summary>Adds rows; <paramref name="labels"/> are what the summary card lists of them (DR-1042, MDF-3).</summary>
    public void Add(string source, string key, string description, IEnumerable<JsonObject> rows, IEnumerable<string>? labels = null)
    {
        var array = new JsonArray([.. rows]);
        if (array.Count > 0)
        {
            _sections.Add(new ExportSection(source, key, description, array, labels?.ToList() ?? []));
        }
    }

    public void AddFile(string source, string description, string name, string contentType, byte[] content, long? atMs) =>
        _files.Add(new ExportFile(source, description, name, contentType, content.LongLength,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), atMs, includeFileContents ? content : null));
}

/// <summary>
/// One erasure's work inside its database transaction: delete or pseudonymise, counted per table and column,
/// and the files to delete once the transaction has committed (a file deleted before a rollback could not come back).
/// </summary>
public sealed class PersonalDataErasure(PersonalDataSubject subject, SqlSession sql, Pseudonym pseudonym)
{
    private readonly List<string> _files = [];

    public PersonalDataSubject Subject => subject;
    public SqlSession Sql => sql;
    public Pseudonym Pseudonym => pseudonym;

    /// <summary>Rows deleted per table.</summary>
    public SortedDictionary<string, int> Deleted { get; } = new(StringComparer.Ordinal);

    /// <summary>Values replaced by the pseudonym (or cleared) per <c>table.column</c>.</summary>
    public SortedDictionary<string, int> Pseudonymised { get; } = new(StringComparer.Ordinal);

    /// <summary>Mentions in free text replaced by the sweep, per <c>table.column</c>.</summary>
    public SortedDictionary<string, int> MentionsReplaced { get; } = new(StringComparer.Ordinal);

    /// <summary>Paths relative to the data folder.</summary>
    public IReadOnlyList<string> FilesToDelete => _files;

    public async Task<int> DeleteAsync(string table, string where, CancellationToken cancellationToken, params object?[] args)
    {
        var count = await sql.ExecuteAsync($"DELETE FROM {table} WHERE {where}", args, cancellationToken);
        Count(Deleted, table, count);
        return count;
    }

    /// <summary>Puts the pseudonym's label where <paramref name="column"/> holds <paramref name="value"/>.</summary>
    public async Task<int> PseudonymiseAsync(string table, string column, string value, CancellationToken cancellationToken)
    {
        var count = await sql.ExecuteAsync($"UPDATE {table} SET {column} = @p0 WHERE {column} = @p1", [pseudonym.Label, value], cancellationToken);
        Count(Pseudonymised, $"{table}.{column}", count);
        return count;
    }

    /// <summary>Sets <paramref name="column"/> to <paramref name="replacement"/> (null clears it) on the rows <paramref name="where"/> selects.</summary>
    public async Task<int> ReplaceAsync(string table, string column, object? replacement, string where, CancellationToken cancellationToken, params object?[] args)
    {
        var count = await sql.ExecuteAsync($"UPDATE {table} SET {column} = @p{args.Length} WHERE {where}", [.. args, replacement], cancellationToken);
        Count(Pseudonymised, $"{table}.{column}", count);
        return count;
    }

    public void DeleteFileAfterCommit(string relativePath)
    {
        if (!_files.Contains(relativePath))
        {
            _files.Add(relativePath);
        }
    }

    internal static void Count(SortedDictionary<string, int> tally, string key, int count)
    {
        if (count > 0)
        {
            tally[key] = tally.GetValueOrDefault(key) + count;
        }
    }

    internal JsonObject Summary(int filesDeleted) => new()
    {
        ["deleted"] = Counts(Deleted),
        ["pseudonymised"] = Counts(Pseudonymised),
        ["mentionsReplaced"] = Counts(MentionsReplaced),
        ["filesDeleted"] = filesDeleted,
    };

    private static JsonObject Counts(SortedDictionary<string, int> tally)
    {
        var json = new JsonObject();
        foreach (var (key, count) in tally)
        {
            json[key] = count;
        }

        return json;
    }
}

/// <summary>What an erasure does with a table's rows about the person.</summary>
public enum TableErasure
{
    /// <summary>The rows are the person's own (their questions, their conversation): removed.</summary>
    DeleteRows,

    /// <summary>The rows are business records that stay (a registration, an MDF claim): the person's columns get the pseudonym.</summary>
    Pseudonymise,
}

/// <summary>Which of the person's identifiers a column holds.</summary>
public enum PersonKey
{
    PersonId,
    ChannelUserId,
}

/// <summary>
/// One table whose <see cref="Columns"/> hold a person: the rows naming the person are exported, and erased by
/// <see cref="Erasure"/>. <see cref="Clear"/> lists free-text columns of those rows that go (set to null) even
/// when the row stays, such as a survey comment.
/// </summary>
public sealed record PersonTable(string Table, string Description, IReadOnlyList<string> Columns, TableErasure Erasure = TableErasure.Pseudonymise)
{
    public PersonKey Key { get; init; } = PersonKey.PersonId;

    /// <summary>The column the summary card lists (with <see cref="LabelFormat"/>, e.g. <c>DR-{0}</c>).</summary>
    public string? Label { get; init; }

    public string LabelFormat { get; init; } = "{0}";

    public IReadOnlyList<string> Clear { get; init; } = [];

    /// <summary>Columns left out of the export (bytes exported as files instead).</summary>
    public IReadOnlyList<string> Omit { get; init; } = [];

    public string Where => string.Join(" OR ", Columns.Select(c => $"{c} = @p0"));
}

/// <summary>A capability whose personal data is rows of a few tables, exported and erased the usual way.</summary>
public abstract class PersonTablesSource : IPersonalDataSource
{
    public abstract string Name { get; }

    protected abstract IReadOnlyList<PersonTable> Tables { get; }

    public virtual IReadOnlyList<string> PersonColumns => [.. Tables.SelectMany(t => t.Columns.Select(c => $"{t.Table}.{c.Trim('"')}"))];

    public virtual async Task ExportAsync(PersonalDataExport export, CancellationToken cancellationToken)
    {
        foreach (var table in Tables)
        {
            var rows = await export.Sql.QueryAsync($"SELECT * FROM {table.Table} WHERE {table.Where} ORDER BY 1", cancellationToken, KeyOf(export.Subject, table.Key));
            var labels = table.Label is { } label
                ? rows.Select(r => string.Format(CultureInfo.InvariantCulture, table.LabelFormat, r[label])).Distinct()
                : null;
            export.Add(Name, table.Table, table.Description, rows.Select(r => PersonalDataJson.Row(r, table.Omit)), labels);
        }
    }

    public virtual async Task EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        foreach (var table in Tables)
        {
            var key = KeyOf(erasure.Subject, table.Key);
            if (table.Erasure == TableErasure.DeleteRows)
            {
                await erasure.DeleteAsync(table.Table, table.Where, cancellationToken, key);
                continue;
            }

            foreach (var column in table.Clear)
            {
                await erasure.ReplaceAsync(table.Table, column, null, $"({table.Where}) AND {column} IS NOT NULL", cancellationToken, key);
            }

            foreach (var column in table.Columns)
            {
                await erasure.PseudonymiseAsync(table.Table, column, key, cancellationToken);
            }
        }
    }

    protected static string KeyOf(PersonalDataSubject subject, PersonKey key) => key == PersonKey.ChannelUserId ? subject.ChannelUserId : subject.PersonId;
}
