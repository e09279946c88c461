using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Trust;

/// <summary>How a capability enforces the retention periods on its tables (<see cref="RetentionOptions"/>).</summary>
public interface IRetentionPolicy
{
    Task ApplyAsync(RetentionPass pass, CancellationToken cancellationToken);
}

/// <summary>One maintenance pass's deletions, in one transaction per capability, counted per table and kind.</summary>
public sealed class RetentionPass(SqlSession sql, RetentionOptions retention, DateTimeOffset now)
{
    public SqlSession Sql => sql;

    public DateTimeOffset Now => now;

    /// <summary>Rows removed per <c>table (kind)</c>.</summary>
    public SortedDictionary<string, int> Removed { get; } = new(StringComparer.Ordinal);

    /// <summary>The instant before which data of <paramref name="kind"/> is too old to keep, as unix ms.</summary>
    public long CutoffMs(RetentionKind kind) => (now - retention.For(kind)).ToUnixTimeMilliseconds();

    public TimeSpan PeriodOf(RetentionKind kind) => retention.For(kind);

    /// <summary>Deletes the rows of <paramref name="table"/> whose <paramref name="timestampColumn"/> (unix ms) is older than the kind's period.</summary>
    public Task<int> DeleteOlderAsync(RetentionKind kind, string table, string timestampColumn, CancellationToken cancellationToken) =>
        DeleteAsync(kind, table, $"{timestampColumn} < @p0", cancellationToken, CutoffMs(kind));

    public async Task<int> DeleteAsync(RetentionKind kind, string table, string where, CancellationToken cancellationToken, params object?[] args)
    {
        var count = await sql.ExecuteAsync($"DELETE FROM {table} WHERE {where}", args, cancellationToken);
        PersonalDataErasure.Count(Removed, $"{table} ({kind})", count);
        return count;
    }
}

/// <summary>
/// Runs every capability's retention policy, then finishes erasures whose files or final pass are due. Each
/// policy commits on its own, so one that fails (a table locked too long) does not keep the others from running.
/// </summary>
public sealed class RetentionService(
    IServiceScopeFactory scopes,
    IEnumerable<IRetentionPolicy> policies,
    PersonalDataEraser eraser,
    IOptions<PrivacyOptions> options,
    TimeProvider time,
    ILogger<RetentionService> logger)
{
    public async Task<IReadOnlyDictionary<string, int>> RunAsync(CancellationToken cancellationToken)
    {
        var removed = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var policy in policies)
        {
            await using var sql = await SqlSession.BeginAsync(scopes, cancellationToken);
            var pass = new RetentionPass(sql, options.Value.Retention, time.GetUtcNow());
            await policy.ApplyAsync(pass, cancellationToken);
            await sql.CommitAsync(cancellationToken);
            foreach (var (table, count) in pass.Removed)
            {
                removed[table] = removed.GetValueOrDefault(table) + count;
            }
        }

        if (removed.Count > 0)
        {
            logger.LogInformation("Retention removed {Removed}", string.Join(", ", removed.Select(r => $"{r.Value} from {r.Key}")));
        }

        await eraser.FinishPendingAsync(force: false, cancellationToken);
        return removed;
    }
}

/// <summary>The maintenance loop of trusted data: retention every <see cref="PrivacyOptions.MaintenanceInterval"/>, and unfinished
/// erasures; with several replicas on one database, the one holding the loop's lease runs it.</summary>
internal sealed class PrivacyMaintenance(RetentionService retention, IOptions<PrivacyOptions> options, TimeProvider time,
    ILogger<PrivacyMaintenance> logger, IHostApplicationLifetime? lifetime = null, ReplicaLeases? leases = null) : PeriodicWorker(time, logger, lifetime, leases)
{
    protected override TimeSpan Interval => options.Value.MaintenanceInterval;

    protected override string Name => "Privacy maintenance";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => retention.RunAsync(cancellationToken);
}
