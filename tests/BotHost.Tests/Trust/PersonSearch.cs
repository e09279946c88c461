using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace BotHost.Tests.Trust;

/// <summary>
/// Looks for a person everywhere, written independently of the code under test: every file under the data folder,
/// byte by byte (a SQLite database file, its write-ahead log, the knowledge store, models, evidence documents), and
/// every row of every table the database's own catalogue lists (PostgreSQL rows as text, bytea as hex; SQLite's
/// rows too, to say which table a hit is in). Case is ignored; UTF-16 and hex forms are searched too.
/// </summary>
public static class PersonSearch
{
    /// <summary>Where the needles were found, as "place: needle".</summary>
    public static async Task<IReadOnlyList<string>> FindAsync(string dataFolder, string? postgresConnection, IReadOnlyList<string> needles)
    {
        var hits = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dataFolder, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                await stream.CopyToAsync(memory);
                bytes = memory.ToArray();
            }
            catch (FileNotFoundException)
            {
                continue;
            }

            var lowered = Lower(bytes);
            foreach (var needle in needles)
            {
                var utf8 = Encoding.UTF8.GetBytes(needle.ToLowerInvariant());
                var utf16 = Encoding.Unicode.GetBytes(needle.ToLowerInvariant());
                if (lowered.AsSpan().IndexOf(utf8) >= 0 || lowered.AsSpan().IndexOf(utf16) >= 0)
                {
                    hits.Add($"file {Path.GetRelativePath(dataFolder, file)}: {needle}");
                }
            }

            if (file.EndsWith(".db", StringComparison.Ordinal) && postgresConnection is null)
            {
                hits.AddRange(await SqliteRowsAsync(file, needles));
            }
        }

        if (postgresConnection is not null)
        {
            hits.AddRange(await PostgresRowsAsync(postgresConnection, needles));
        }

        return hits;
    }

    private static async Task<IEnumerable<string>> SqliteRowsAsync(string file, IReadOnlyList<string> needles)
    {
        var hits = new List<string>();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var text = reader.IsDBNull(i) ? "" : reader.GetValue(i) is byte[] blob ? Encoding.UTF8.GetString(blob) : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "";
                    hits.AddRange(needles.Where(n => text.Contains(n, StringComparison.OrdinalIgnoreCase)).Select(n => $"{Path.GetFileName(file)} table {table}.{reader.GetName(i)}: {n}"));
                }
            }
        }

        return hits.Distinct();
    }

    private static async Task<IEnumerable<string>> PostgresRowsAsync(string connectionString, IReadOnlyList<string> needles)
    {
        var hits = new List<string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var select = new NpgsqlCommand($"SELECT t::text FROM \"{table}\" AS t", connection);
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = reader.GetString(0);
                foreach (var needle in needles)
                {
                    var hex = Convert.ToHexStringLower(Encoding.UTF8.GetBytes(needle.ToLowerInvariant()));
                    if (row.Contains(needle, StringComparison.OrdinalIgnoreCase) || Lower(Encoding.ASCII.GetBytes(row)).AsSpan().IndexOf(Encoding.ASCII.GetBytes(hex)) >= 0
                        || row.Contains(Convert.ToHexStringLower(Encoding.UTF8.GetBytes(needle)), StringComparison.Ordinal))
                    {
                        hits.Add($"postgres table {table}: {needle}");
                    }
                }
            }
        }

        return hits.Distinct();
    }

    /// <summary>ASCII letters lower-cased, every other byte as it is.</summary>
    private static byte[] Lower(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        for (var i = 0; i < copy.Length; i++)
        {
            if (copy[i] is >= (byte)'A' and <= (byte)'Z')
            {
                copy[i] += 32;
            }
        }

        return copy;
    }
}
