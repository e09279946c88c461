using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Hosting;

/// <summary>
/// One relational database for every capability, each capability with its own DbContext and
/// its own migration history, generated per provider (SQLite and PostgreSQL differ in types):
/// a capability's context has a <c>Sqlite…</c> and a <c>Postgres…</c> subclass that own the
/// migrations; the rest of the code only sees the base context.
/// </summary>
public static class AssistantDatabase
{
    public static string SqliteConnectionString(DataOptions data, DatabaseOptions database) =>
        string.IsNullOrWhiteSpace(database.ConnectionString)
            ? new SqliteConnectionStringBuilder
            {
                DataSource = data.PathTo("partner-assistant.db"),
                DefaultTimeout = 30,
                Pooling = true,
            }.ToString()
            : database.ConnectionString;

    /// <summary>Registers <typeparamref name="TContext"/>, backed by the subclass of the configured provider.</summary>
    public static IServiceCollection AddAssistantDbContext<TContext, TSqlite, TPostgres>(this IServiceCollection services, string historyTable)
        where TContext : DbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        services.AddDbContextPool<TSqlite>((sp, options) => Configure(options, sp, DatabaseProvider.Sqlite, historyTable));
        services.AddDbContextPool<TPostgres>((sp, options) => Configure(options, sp, DatabaseProvider.Postgres, historyTable));
        services.AddScoped<TContext>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres
            ? sp.GetRequiredService<TPostgres>()
            : sp.GetRequiredService<TSqlite>());
        services.AddSingleton<IDatabaseMigrator, DatabaseMigrator<TContext>>();
        return services;
    }

    private static void Configure(DbContextOptionsBuilder options, IServiceProvider services, DatabaseProvider provider, string historyTable)
    {
        var data = services.GetRequiredService<IOptions<DataOptions>>().Value;
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        Configure(options, provider, provider == DatabaseProvider.Postgres ? database.ConnectionString ?? "" : SqliteConnectionString(data, database), historyTable);
    }

    public static void Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString, string historyTable)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable(historyTable));
        }
        else
        {
            options.UseSqlite(connectionString, sqlite => sqlite.MigrationsHistoryTable(historyTable));
            options.AddInterceptors(SqlitePragmas.Instance);
        }
    }
}

/// <summary>
/// With WAL, <c>synchronous=NORMAL</c> still never corrupts the database and loses at most the last
/// commits on a power cut (not on a crash), and it saves an fsync on every turn's write.
/// <c>secure_delete</c> overwrites what a delete or an update removes, so a row deleted by retention or
/// erasure does not linger in the file's free space (docs/privacy.md).
/// </summary>
internal sealed class SqlitePragmas : Microsoft.EntityFrameworkCore.Diagnostics.DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    public override void ConnectionOpened(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(System.Data.Common.DbConnection connection, Microsoft.EntityFrameworkCore.Diagnostics.ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(System.Data.Common.DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA secure_delete=ON;";
        command.ExecuteNonQuery();
    }
}

/// <summary>Brings one capability's schema up to date.</summary>
public interface IDatabaseMigrator
{
    Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken);
}

internal sealed class DatabaseMigrator<TContext> : IDatabaseMigrator where TContext : DbContext
{
    public async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (db.Database.IsSqlite())
        {
            // WAL lets readers go on while one turn writes; it persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await db.Database.MigrateAsync(cancellationToken);
    }
}

/// <summary>Lets <c>dotnet ef migrations add</c> build a provider's context without the host.</summary>
public abstract class DesignTimeFactory<TContext>(DatabaseProvider provider, string historyTable) : IDesignTimeDbContextFactory<TContext>
    where TContext : DbContext
{
    public TContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<TContext>();
        AssistantDatabase.Configure(builder, provider, provider == DatabaseProvider.Postgres ? "Host=localhost;Database=design" : "Data Source=design.db", historyTable);
        return (TContext)Activator.CreateInstance(typeof(TContext), builder.Options)!;
    }
}
