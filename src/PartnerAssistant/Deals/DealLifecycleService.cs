using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Deals;

/// <summary>
/// Runs <see cref="DealRegistry.RunMaintenanceAsync"/> on start and then every <see cref="DealOptions.MaintenanceInterval"/>
/// (measured with the injected <see cref="TimeProvider"/>, so tests drive it with a fake clock): registrations expire on
/// their own, owners are reminded before expiry, channel managers hear about overdue reviews.
/// </summary>
public sealed class DealLifecycleService(
    DealRegistry registry, TimeProvider time, IOptions<DealOptions> options, ILogger<DealLifecycleService> logger, IHostApplicationLifetime? lifetime = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Hosted services start in order; the schema is migrated by another one, so wait until the host has started.
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

        using var timer = new PeriodicTimer(options.Value.MaintenanceInterval, time);
        do
        {
            try
            {
                await registry.RunMaintenanceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One failed run (database briefly unavailable) must not stop the next ones.
                logger.LogError(ex, "Deal maintenance failed; it runs again in {Interval}", options.Value.MaintenanceInterval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
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
