using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// One pass of the program's scheduled work: refresh the won-deal ledger, pick up onboarding progress and time to value,
/// remind owners of overdue onboarding steps, release MDF reservations whose claim window closed, and — once per quarter,
/// on the first pass after it starts — run the tier evaluation and send the quarterly PSAT survey.
/// </summary>
public sealed class ProgramMaintenance(
    IServiceScopeFactory scopes,
    WonDealLedger ledger,
    OnboardingService onboarding,
    MdfService mdf,
    TierService tiers,
    PsatService psat,
    IOptions<TierOptions> tierOptions,
    TimeProvider time,
    ILogger<ProgramMaintenance> logger)
{
    public const string TierQuarterCounter = "tier_evaluation_quarter";
    public const string PsatQuarterCounter = "psat_quarter";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await ledger.RefreshAsync(cancellationToken);
        await onboarding.RemindOverdueAsync(cancellationToken);
        await mdf.LapseExpiredAsync(cancellationToken);
        var quarter = ProgramText.QuarterOf(DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        if (tierOptions.Value.EvaluateQuarterly && await StartQuarterAsync(TierQuarterCounter, quarter, cancellationToken))
        {
            await tiers.EvaluateAsync(ProgramActors.System, [], "schedule", cancellationToken);
        }

        if (await StartQuarterAsync(PsatQuarterCounter, quarter, cancellationToken))
        {
            await psat.SendQuarterlyAsync(cancellationToken);
        }
    }

    /// <summary>
    /// True once per quarter, for the one replica whose conditional update moves the counter. The very first pass after
    /// installation only records the quarter: evaluations and surveys start with the next quarter, not mid-way.
    /// </summary>
    private async Task<bool> StartQuarterAsync(string counter, int quarter, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var last = await db.Counters.AsNoTracking().Where(c => c.Name == counter).Select(c => (long?)c.NextValue).FirstOrDefaultAsync(cancellationToken);
        if (last is null)
        {
            db.Counters.Add(new ProgramCounter { Name = counter, NextValue = quarter });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another replica recorded it first.
            }

            return false;
        }

        if (last >= quarter)
        {
            return false;
        }

        var moved = await db.Counters.Where(c => c.Name == counter && c.NextValue == last)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextValue, quarter), cancellationToken);
        if (moved == 1)
        {
            logger.LogInformation("Quarter {Quarter} started: running {Counter}", ProgramText.QuarterName(quarter), counter);
        }

        return moved == 1;
    }
}

/// <summary>
/// Runs <see cref="ProgramMaintenance"/> on start and then every <see cref="ProgramOptions.MaintenanceInterval"/>, measured
/// with the injected <see cref="TimeProvider"/> so tests drive it with a fake clock.
/// </summary>
public sealed class ProgramScheduler(
    ProgramMaintenance maintenance, TimeProvider time, IOptions<ProgramOptions> options, ILogger<ProgramScheduler> logger, IHostApplicationLifetime? lifetime = null, ReplicaLeases? leases = null)
    : PeriodicWorker(time, logger, lifetime, leases)
{
    protected override TimeSpan Interval => options.Value.MaintenanceInterval;

    protected override string Name => "Program maintenance";

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => maintenance.RunAsync(cancellationToken);
}
