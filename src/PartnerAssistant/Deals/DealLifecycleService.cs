using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Deals;

/// <summary>
/// Runs <see cref="DealRegistry.RunMaintenanceAsync"/> on start and then every <see cref="DealOptions.MaintenanceInterval"/>
/// (measured with the injected <see cref="TimeProvider"/>, so tests drive it with a fake clock): registrations expire on
/// their own, owners are reminded before expiry, channel managers hear about overdue reviews.
/// </summary>
public sealed class DealLifecycleService(
    DealRegistry registry, TimeProvider time, IOptions<DealOptions> options, ILogger<DealLifecycleService> logger, IHostApplicationLifetime? lifetime = null, ReplicaLeases? leases = null)
    : PeriodicWorker(time, logger, lifetime, leases)
{
    protected override TimeSpan Interval => options.Value.MaintenanceInterval;

    protected override string Name => "Deal maintenance";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => registry.RunMaintenanceAsync(cancellationToken);
}
