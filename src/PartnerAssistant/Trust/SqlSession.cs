using System.Data;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerAssistant.Trust;

/// <summary>
/// One connection and one transaction on the relational database, across every capability's tables. An
/// erasure or an export touches tables of several DbContexts, which share one database but not one
/// connection; plain SQL over a single connection makes the erasure one transaction ("nothing half-erased")
/// and an export one consistent snapshot. Parameters are written <c>@p0</c>, <c>@p1</c>… in both providers.
/// </summary>
public sealed class SqlSession : IAsyncDisposable
{
    private readonly AsyncServiceScope _scope;
    private readonly TrustDbContext _db;
    private readonly IDbContextTransaction _transaction;

    private SqlSession(AsyncServiceScope scope, TrustDbContext db, IDbContextTransaction transaction)
    {
        _scope = scope;
        _db = db;
        _transaction = transaction;
        IsPostgres = db.Database.IsNpgsql();
    }

    public bool IsPostgres { get; }

    /// <summary>Case-insensitive LIKE: SQLite's LIKE already is (for ASCII), PostgreSQL's is ILIKE.</summary>
    public string ILike => IsPostgres ? "ILIKE" : "LIKE";

    private DbConnection Connection => _db.Database.GetDbConnection();

    /// <summary>Opens the session. A snapshot (<paramref name="snapshot"/>) reads one consistent state, for exports; otherwise
    /// PostgreSQL reads committed data, so a write waits for a concurrent one instead of failing (SQLite serialises writers anyway).</summary>
    public static async Task<SqlSession> BeginAsync(IServiceScopeFactory scopes, CancellationToken cancellationToken, bool snapshot = false)
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
            await db.Database.OpenConnectionAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                // Deleted rows are overwritten with zeros instead of lingering in free space (the pragma is per connection).
                await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete=ON;", cancellationToken);
            }

            var transaction = await db.Database.BeginTransactionAsync(
                !db.Database.IsNpgsql() ? IsolationLevel.Serializable : snapshot ? IsolationLevel.RepeatableRead : IsolationLevel.ReadCommitted, cancellationToken);
            return new SqlSession(scope, db, transaction);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    public async Task<int> ExecuteAsync(string sql, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, args);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params object?[] args) => ExecuteAsync(sql, args, cancellationToken);

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken, params object?[] args)
    {
        await using var command = Command(sql, args);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is DBNull ? null : value;
    }

    /// <summary>Rows as column name → value (DBNull as null), in the order the query gives them.</summary>
    public async Task<List<Dictionary<string, object?>>> QueryAsync(string sql, CancellationToken cancellationToken, params object?[] args)
    {
        await using var command = Command(sql, args);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new Dictionary<string, object?>(reader.FieldCount, StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    /// <summary>A table or column name quoted for either provider (names come from the code or the catalogue, never from users).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private DbCommand Command(string sql, IReadOnlyList<object?> args)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction.GetDbTransaction();
        for (var i = 0; i < args.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameter.Value = args[i] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _db.Database.CloseConnectionAsync();
        await _scope.DisposeAsync();
    }
}
