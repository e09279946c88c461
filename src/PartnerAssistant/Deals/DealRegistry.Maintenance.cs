using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PartnerAssistant.Deals;

public sealed partial class DealRegistry
{
    /// <summary>
    /// The lifecycle's own moves, run by <see cref="DealLifecycleService"/>: expires registrations whose protection
    /// ended, reminds owners before expiry, and tells channel managers about reviews that became overdue.
    /// Each item is claimed with a conditional update first, so several hosts running this at once send
    /// every message once.
    /// </summary>
    public async Task<MaintenanceReport> RunMaintenanceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var expired = new List<string>();
        var reminded = new List<string>();
        var overdue = new List<string>();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();

        var ending = await db.Registrations.AsNoTracking()
            .Where(r => r.Status == RegistrationStatus.Approved && r.ProtectedUntilMs <= nowMs)
            .Select(r => new { r.Id, r.Number })
            .ToListAsync(cancellationToken);
        foreach (var item in ending)
        {
            var rule = DealLifecycle.Check(item.Number, RegistrationStatus.Approved, RegistrationStatus.Expired);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var claimed = await db.Registrations.Where(r => r.Id == item.Id && r.Status == RegistrationStatus.Approved)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.Status, RegistrationStatus.Expired), cancellationToken);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            db.Audit.Add(Actor.System.Entry("status", item.Number, RegistrationStatus.Approved, RegistrationStatus.Expired, rule,
                "The protection period ended; the registration no longer protects the opportunity.", null, nowMs));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            db.ChangeTracker.Clear();
            expired.Add(RegistrationNumber.Format(item.Number));
            await notifier.ExpiredAsync(await FindForNotificationAsync(item.Number, cancellationToken), cancellationToken);
        }

        var reminderDays = Settings.EffectiveReminderDays;
        if (reminderDays.Count > 0)
        {
            var horizonMs = now.AddDays(reminderDays.Max()).ToUnixTimeMilliseconds();
            var soon = await db.Registrations.AsNoTracking()
                .Where(r => r.Status == RegistrationStatus.Approved && r.ProtectedUntilMs > nowMs && r.ProtectedUntilMs <= horizonMs)
                .Select(r => new { r.Id, r.Number, Until = r.ProtectedUntilMs!.Value, r.LastReminderDays })
                .ToListAsync(cancellationToken);
            foreach (var item in soon)
            {
                var left = TimeSpan.FromMilliseconds(item.Until - nowMs);
                var threshold = reminderDays.Where(d => left <= TimeSpan.FromDays(d)).Min();
                if (item.LastReminderDays is { } last && last <= threshold)
                {
                    continue;
                }

                var claimed = await db.Registrations
                    .Where(r => r.Id == item.Id && r.Status == RegistrationStatus.Approved && (r.LastReminderDays == null || r.LastReminderDays > threshold))
                    .ExecuteUpdateAsync(set => set.SetProperty(r => r.LastReminderDays, threshold), cancellationToken);
                if (claimed == 0)
                {
                    continue;
                }

                var daysLeft = (int)Math.Ceiling(left.TotalDays);
                db.Audit.Add(Actor.System.Entry("reminder", item.Number, null, null, DealRules.Expiry, $"Protection ends in {daysLeft} day{(daysLeft == 1 ? "" : "s")}.", new { until = item.Until }, nowMs));
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
                reminded.Add(RegistrationNumber.Format(item.Number));
                await notifier.ReminderAsync(await FindForNotificationAsync(item.Number, cancellationToken), daysLeft, cancellationToken);
            }
        }

        var late = await db.Registrations.AsNoTracking()
            .Where(r => (r.Status == RegistrationStatus.Submitted || r.Status == RegistrationStatus.UnderReview) && r.ReviewDueAtMs <= nowMs && !r.OverdueNotified)
            .OrderBy(r => r.ReviewDueAtMs)
            .Select(r => new { r.Id, r.Number })
            .ToListAsync(cancellationToken);
        var lateViews = new List<RegistrationView>();
        foreach (var item in late)
        {
            var claimed = await db.Registrations.Where(r => r.Id == item.Id && !r.OverdueNotified)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.OverdueNotified, true), cancellationToken);
            if (claimed == 1)
            {
                db.Audit.Add(Actor.System.Entry("overdue", item.Number, null, null, DealRules.Review, $"The review decision was due within {Settings.ReviewBusinessDays} business days.", null, nowMs));
                overdue.Add(RegistrationNumber.Format(item.Number));
                lateViews.Add(await FindForNotificationAsync(item.Number, cancellationToken));
            }
        }

        if (lateViews.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            await notifier.OverdueAsync(lateViews, cancellationToken);
        }

        if (expired.Count + reminded.Count + overdue.Count > 0)
        {
            logger.LogInformation("Deal maintenance: {Expired} expired, {Reminded} reminded, {Overdue} newly overdue", expired.Count, reminded.Count, overdue.Count);
        }

        return new MaintenanceReport(expired, reminded, overdue);
    }
}
