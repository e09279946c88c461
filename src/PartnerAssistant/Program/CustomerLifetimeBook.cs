using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// Each customer's lifetime revenue at the end of every month it had revenue (<c>program_customer_lifetime</c>) and
/// the list of revenue customers (<c>program_revenue_customers</c>), kept beside the monthly rows of
/// <c>program_customer_revenue</c>, so that CLTV at any month end is one index seek per customer instead of a sum over
/// every month of history: the dashboard costs the same with one year of revenue or five.
/// <para>
/// Freshness: revenue arrives as new monthly rows (a recognised month is appended, a correction is a new row after
/// the old one is deleted), so the book remembers the largest row id it has read and recomputes only the customers
/// named by newer rows. A refresh that finds nothing new costs one primary-key look-up. Replicas refreshing at once
/// are serialised by a conditional update of that watermark, as the won-deal ledger's are.
/// </para>
/// </summary>
public sealed class CustomerLifetimeBook(IServiceScopeFactory scopes, ILogger<CustomerLifetimeBook> logger)
{
    public const string WatermarkCounter = "revenue_id";
    private const int CustomersPerPass = 2_000;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Brings the lifetime figures up to date with the monthly rows; cheap when nothing changed.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var latest = await db.CustomerRevenue.MaxAsync(r => (long?)r.Id, cancellationToken) ?? 0;
            var watermark = await db.Counters.AsNoTracking().Where(c => c.Name == WatermarkCounter).Select(c => (long?)c.NextValue).FirstOrDefaultAsync(cancellationToken)
                ?? throw new InvalidOperationException($"The program counter '{WatermarkCounter}' is missing; the program migrations seed it.");
            if (latest == watermark)
            {
                return;
            }

            var keys = latest < watermark
                // Rows were deleted down to below the watermark (a reload): everything is suspect.
                ? await db.CustomerRevenue.AsNoTracking().Select(r => r.CustomerKey).Distinct().ToListAsync(cancellationToken)
                : await db.CustomerRevenue.AsNoTracking().Where(r => r.Id > watermark && r.Id <= latest).Select(r => r.CustomerKey).Distinct().ToListAsync(cancellationToken);
            await RecomputeAsync(db, keys, all: latest < watermark || watermark == 0, watermark, latest, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Recomputes every customer (after monthly rows were loaded or changed outside the book's knowledge).</summary>
    public async Task RebuildAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var latest = await db.CustomerRevenue.MaxAsync(r => (long?)r.Id, cancellationToken) ?? 0;
            var watermark = await db.Counters.AsNoTracking().Where(c => c.Name == WatermarkCounter).Select(c => c.NextValue).FirstAsync(cancellationToken);
            var keys = await db.CustomerRevenue.AsNoTracking().Select(r => r.CustomerKey).Distinct().ToListAsync(cancellationToken);
            await RecomputeAsync(db, keys, all: true, watermark, latest, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Rewrites the lifetime rows of <paramref name="keys"/> (of every customer when <paramref name="all"/>) and moves the
    /// watermark, in one transaction; another replica that moved it first wins and this one changes nothing.</summary>
    private async Task RecomputeAsync(ProgramDbContext db, List<string> keys, bool all, long from, long to, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.Counters.Where(c => c.Name == WatermarkCounter && c.NextValue == from)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextValue, to), cancellationToken);
        if (moved == 0)
        {
            logger.LogDebug("Another refresh moved the customer lifetime book first");
            return;
        }

        if (all)
        {
            await db.CustomerLifetimes.ExecuteDeleteAsync(cancellationToken);
            await db.RevenueCustomers.ExecuteDeleteAsync(cancellationToken);
        }

        var written = 0;
        foreach (var chunk in keys.Order(StringComparer.Ordinal).Chunk(CustomersPerPass))
        {
            if (!all)
            {
                await db.CustomerLifetimes.Where(l => chunk.Contains(l.CustomerKey)).ExecuteDeleteAsync(cancellationToken);
                await db.RevenueCustomers.Where(c => chunk.Contains(c.CustomerKey)).ExecuteDeleteAsync(cancellationToken);
            }

            var months = await db.CustomerRevenue.AsNoTracking().Where(r => chunk.Contains(r.CustomerKey))
                .GroupBy(r => new { r.CustomerKey, r.Month })
                .Select(g => new { g.Key.CustomerKey, g.Key.Month, Cents = g.Sum(r => r.AmountCents), DealCustomerId = g.Max(r => r.DealCustomerId) })
                .ToListAsync(cancellationToken);
            var lifetimes = new List<object?[]>();
            var customers = new List<object?[]>();
            foreach (var customer in months.GroupBy(m => m.CustomerKey))
            {
                long total = 0;
                var ordered = customer.OrderBy(m => m.Month).ToList();
                foreach (var month in ordered)
                {
                    total += month.Cents;
                    lifetimes.Add([customer.Key, month.Month, total]);
                }

                customers.Add([customer.Key, customer.Max(m => m.DealCustomerId), ordered[0].Month]);
            }

            await BulkInsert.WriteAsync(db, "program_customer_lifetime", ["customer_key", "month", "lifetime_cents"], lifetimes, cancellationToken);
            await BulkInsert.WriteAsync(db, "program_revenue_customers", ["customer_key", "deal_customer_id", "first_month"], customers, cancellationToken);
            written += customers.Count;
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Customer lifetime revenue recomputed for {Customers} customers (revenue rows up to id {Latest})", written, to);
    }
}
