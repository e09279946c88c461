using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PartnerAssistant.Hosting;

/// <summary>A named lease in the shared database: who holds it, until when.</summary>
public sealed class LeaseRow
{
    public required string Name { get; set; }
    public required string Holder { get; set; }
    public long ExpiresAtMs { get; set; }
}

/// <summary>Coordination between replicas of the host on one database: the leases that make one replica at a time run
/// each maintenance loop.</summary>
public class CoordinationDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__migrations_coordination";

    public DbSet<LeaseRow> Leases => Set<LeaseRow>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<LeaseRow>(lease =>
        {
            lease.ToTable("host_leases");
            lease.HasKey(l => l.Name);
            lease.Property(l => l.Name).HasColumnName("name").HasMaxLength(64);
            lease.Property(l => l.Holder).HasColumnName("holder").HasMaxLength(200);
            lease.Property(l => l.ExpiresAtMs).HasColumnName("expires_at_ms");
        });
    }
}

public sealed class SqliteCoordinationDbContext(DbContextOptions<SqliteCoordinationDbContext> options) : CoordinationDbContext(options);

public sealed class PostgresCoordinationDbContext(DbContextOptions<PostgresCoordinationDbContext> options) : CoordinationDbContext(options);

internal sealed class SqliteCoordinationDesignFactory() : DesignTimeFactory<SqliteCoordinationDbContext>(DatabaseProvider.Sqlite, CoordinationDbContext.HistoryTable);

internal sealed class PostgresCoordinationDesignFactory() : DesignTimeFactory<PostgresCoordinationDbContext>(DatabaseProvider.Postgres, CoordinationDbContext.HistoryTable);

/// <summary>
/// Leases in the shared database, so that of several host replicas on one PostgreSQL (or processes on one SQLite file)
/// one at a time runs a maintenance loop: the loop's timer ticks in every replica, and the tick only does the work in the
/// replica that holds the loop's lease. Taking and renewing a lease is one conditional update ("mine, or expired"), which
/// both databases apply atomically, so two replicas can never both hold it. A replica that dies stops renewing and
/// another takes over when the lease expires.
/// </summary>
public sealed class ReplicaLeases(IServiceScopeFactory scopes, TimeProvider time, ILogger<ReplicaLeases> logger)
{
    /// <summary>This process, as a lease holder: machine, process id and a random part (a restarted process is another holder).</summary>
    public string Holder { get; } = Truncate($"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}", 200);

    /// <summary>Takes or renews the lease <paramref name="name"/> for <paramref name="duration"/>; false when another holder has it.</summary>
    public async Task<bool> TryAcquireAsync(string name, TimeSpan duration, CancellationToken cancellationToken)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var untilMs = nowMs + (long)duration.TotalMilliseconds;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinationDbContext>();
        var taken = await db.Leases.Where(l => l.Name == name && (l.Holder == Holder || l.ExpiresAtMs <= nowMs))
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.Holder, Holder).SetProperty(l => l.ExpiresAtMs, untilMs), cancellationToken);
        if (taken == 1)
        {
            return true;
        }

        // The first use of a lease creates its row; of two replicas inserting at once, the primary key lets one win.
        var inserted = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO host_leases (name, holder, expires_at_ms) VALUES ({name}, {Holder}, {untilMs}) ON CONFLICT (name) DO NOTHING", cancellationToken);
        if (inserted == 1)
        {
            logger.LogInformation("Lease {Lease} created, held by {Holder}", name, Holder);
        }

        return inserted == 1;
    }

    /// <summary>Gives a lease up (when the host stops), so another replica need not wait for it to expire.</summary>
    public async Task ReleaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CoordinationDbContext>();
        await db.Leases.Where(l => l.Name == name && l.Holder == Holder).ExecuteUpdateAsync(s => s.SetProperty(l => l.ExpiresAtMs, 0L), cancellationToken);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[^length..];
}
