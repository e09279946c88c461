using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PartnerAssistant.Hosting;

/// <summary>
/// Runs a capability's background pass once the host has started and then every <see cref="Interval"/>, measured with
/// the injected <see cref="TimeProvider"/> so tests drive it with a fake clock. A failed pass is logged and the next
/// one runs as planned. With <see cref="ReplicaLeases"/>, a tick does the pass only in the replica holding the pass's
/// lease (held for one and a half intervals and renewed by each of its passes), so several replicas on one database
/// run it as one host would.
/// </summary>
public abstract class PeriodicWorker(TimeProvider time, ILogger logger, IHostApplicationLifetime? lifetime, ReplicaLeases? leases = null) : BackgroundService
{
    /// <summary>Time between two passes.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>What the pass is called in the log ("Deal maintenance").</summary>
    protected abstract string Name { get; }

    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hosted services start in order and the schema is migrated by another one: wait until the host has started.
        if (lifetime is not null && !lifetime.ApplicationStarted.IsCancellationRequested)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
            try
            {
                await started.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                if (leases is null || await leases.TryAcquireAsync(Name, Interval * 1.5, stoppingToken))
                {
                    await RunOnceAsync(stoppingToken);
                }
                else
                {
                    logger.LogDebug("{Work}: another replica holds the lease; skipping this pass", Name);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failed pass (database briefly unavailable) must not stop the next ones.
                logger.LogError(ex, "{Work} failed; it runs again in {Interval}", Name, Interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));

        if (leases is not null)
        {
            try
            {
                await leases.ReleaseAsync(Name, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "{Work}: the lease could not be released; it expires by itself", Name);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
