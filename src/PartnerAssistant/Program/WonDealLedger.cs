using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Deals;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// The won deals and each partner's credit on them, kept in the program's tables so that program figures
/// over a hundred thousand deals are SQL sums instead of a pass over every deal per request. The credit is
/// the deals capability's own: <see cref="AttributionService.ToDeal"/> maps a registration and its
/// <see cref="AttributionEngine"/> shares it under the program's model; sourcing is
/// <see cref="AttributionService.SourcingPartner"/>. Nothing about attribution is decided here.
/// <para>
/// Freshness: every change to a registration writes a line to the deal audit log with its number, so the
/// ledger remembers the last audit line it has read and recomputes only the registrations named after it.
/// A refresh that finds nothing new costs one indexed look-up. Replicas refreshing at once are serialised by
/// a conditional update of that watermark.
/// </para>
/// </summary>
public sealed class WonDealLedger(
    IServiceScopeFactory scopes,
    AttributionService attribution,
    IOptions<DealOptions> dealOptions,
    IOptions<TierOptions> tierOptions,
    ILogger<WonDealLedger> logger)
{
    public const string WatermarkCounter = "ledger_audit_id";
    private const int IncrementalLimit = 5_000;
    private const int LoadBatch = 5_000;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private AttributionModel Model => tierOptions.Value.AttributionModel;

    /// <summary>Brings the ledger up to date with the deal registry; cheap when nothing changed.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var program = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
            var latest = await deals.Audit.MaxAsync(a => (long?)a.Id, cancellationToken) ?? 0;
            var watermark = await WatermarkAsync(program, cancellationToken);
            if (watermark == latest)
            {
                return;
            }

            if (watermark == 0)
            {
                await RebuildAsync(program, deals, latest, cancellationToken);
                return;
            }

            var numbers = await deals.Audit.AsNoTracking()
                .Where(a => a.Id > watermark && a.Id <= latest && a.RegistrationNumber != null)
                .Select(a => a.RegistrationNumber!.Value)
                .Distinct()
                .ToListAsync(cancellationToken);
            if (numbers.Count > IncrementalLimit)
            {
                await RebuildAsync(program, deals, latest, cancellationToken);
                return;
            }

            var registrations = numbers.Count == 0
                ? []
                : await deals.Registrations.AsNoTracking().Include(r => r.Touches).Where(r => numbers.Contains(r.Number)).ToListAsync(cancellationToken);
            await ReplaceAsync(program, registrations.Select(r => r.Id).ToList(), registrations.Where(r => r.Status == RegistrationStatus.Won), watermark, latest, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Recomputes the whole ledger (after data was loaded into the deal tables without the registry).</summary>
    public async Task RebuildAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var program = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
            var latest = await deals.Audit.MaxAsync(a => (long?)a.Id, cancellationToken) ?? 0;
            await RebuildAsync(program, deals, latest, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task RebuildAsync(ProgramDbContext program, DealsDbContext deals, long latest, CancellationToken cancellationToken)
    {
        var watermark = await WatermarkAsync(program, cancellationToken);
        var won = new List<DealRegistration>();
        long after = 0;
        while (true)
        {
            // Batches by id keep each query's result (registrations with their touches) small.
            var batch = await deals.Registrations.AsNoTracking().Include(r => r.Touches)
                .Where(r => r.Status == RegistrationStatus.Won && r.Id > after)
                .OrderBy(r => r.Id).Take(LoadBatch)
                .ToListAsync(cancellationToken);
            won.AddRange(batch);
            if (batch.Count < LoadBatch)
            {
                break;
            }

            after = batch[^1].Id;
        }

        await ReplaceAsync(program, null, won, watermark, latest, cancellationToken);
        logger.LogInformation("Won-deal ledger rebuilt: {Deals} won deals up to deal audit line {Latest}", won.Count, latest);
    }

    /// <summary>Deletes the rows of <paramref name="registrationIds"/> (all rows when null), writes those of the won
    /// registrations, and moves the watermark, in one transaction; another replica that moved it first wins.</summary>
    private async Task ReplaceAsync(ProgramDbContext program, IReadOnlyList<long>? registrationIds, IEnumerable<DealRegistration> won, long from, long to, CancellationToken cancellationToken)
    {
        var engine = new AttributionEngine(dealOptions.Value.TimeDecayHalfLifeDays, dealOptions.Value.ShapleyExactLimit, dealOptions.Value.ShapleySamples);
        var deals = new List<WonDeal>();
        var credits = new List<DealCredit>();
        foreach (var registration in won)
        {
            var (deal, dealCredits) = Compute(registration, engine);
            deals.Add(deal);
            credits.AddRange(dealCredits);
        }

        program.ChangeTracker.Clear();
        await using var transaction = await program.Database.BeginTransactionAsync(cancellationToken);
        var moved = await program.Counters.Where(c => c.Name == WatermarkCounter && c.NextValue == from)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.NextValue, to), cancellationToken);
        if (moved == 0)
        {
            logger.LogDebug("Another refresh moved the ledger first");
            return;
        }

        // The customers whose first won deal may change: those of the rows replaced and of the rows written.
        var customers = deals.Select(d => d.CustomerId).ToHashSet();
        if (registrationIds is null)
        {
            await program.DealCredits.ExecuteDeleteAsync(cancellationToken);
            await program.WonDeals.ExecuteDeleteAsync(cancellationToken);
        }
        else if (registrationIds.Count > 0)
        {
            foreach (var chunk in registrationIds.Chunk(500))
            {
                customers.UnionWith(await program.WonDeals.Where(d => chunk.Contains(d.RegistrationId)).Select(d => d.CustomerId).ToListAsync(cancellationToken));
                await program.DealCredits.Where(c => chunk.Contains(c.RegistrationId)).ExecuteDeleteAsync(cancellationToken);
                await program.WonDeals.Where(d => chunk.Contains(d.RegistrationId)).ExecuteDeleteAsync(cancellationToken);
            }
        }

        await BulkInsert.WriteAsync(program, "program_won_deals",
            ["registration_id", "number", "customer_id", "closed_day", "closed_month", "revenue_cents", "has_partner_touch", "sourcing_partner_id", "fingerprint", "first_of_customer"],
            deals.Select(d => new object?[] { d.RegistrationId, d.Number, d.CustomerId, d.ClosedDay, d.ClosedMonth, d.RevenueCents, d.HasPartnerTouch, d.SourcingPartnerId, d.Fingerprint, false }),
            cancellationToken);
        await BulkInsert.WriteAsync(program, "program_deal_credits",
            ["registration_id", "partner_id", "closed_day", "closed_month", "credit_cents"],
            credits.Select(c => new object?[] { c.RegistrationId, c.PartnerId, c.ClosedDay, c.ClosedMonth, c.CreditCents }),
            cancellationToken);
        await MarkFirstDealsAsync(program, registrationIds is null ? null : customers, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Sets <see cref="WonDeal.FirstOfCustomer"/> on the deals of <paramref name="customers"/> (of every customer when
    /// null): true on each customer's earliest won deal (then the lowest id), false on the others.</summary>
    private static async Task MarkFirstDealsAsync(ProgramDbContext program, IReadOnlyCollection<long>? customers, CancellationToken cancellationToken)
    {
        const string Mark = """
            UPDATE program_won_deals SET first_of_customer = (registration_id = (
                SELECT e.registration_id FROM program_won_deals e WHERE e.customer_id = program_won_deals.customer_id
                ORDER BY e.closed_day, e.registration_id LIMIT 1))
            """;
        if (customers is null)
        {
            await program.Database.ExecuteSqlRawAsync(Mark, cancellationToken);
            return;
        }

        foreach (var chunk in customers.Chunk(500))
        {
            // One parameter per customer id ({0}, {1}, … become parameters).
            var statement = Mark + " WHERE customer_id IN (" + string.Join(", ", chunk.Select((_, i) => "{" + i.ToString(CultureInfo.InvariantCulture) + "}")) + ")";
            await program.Database.ExecuteSqlRawAsync(statement, chunk.Cast<object>(), cancellationToken);
        }
    }

    private (WonDeal Deal, List<DealCredit> Credits) Compute(DealRegistration registration, AttributionEngine engine)
    {
        var deal = attribution.ToDeal(registration);
        var shares = engine.Credit(deal, Model);
        var day = deal.ClosedOn.DayNumber;
        var month = (deal.ClosedOn.Year * 100) + deal.ClosedOn.Month;
        var touching = deal.Touches.Select(t => t.PartnerId).Distinct(StringComparer.Ordinal).ToList();
        var credits = touching.Select(partner => new DealCredit
        {
            RegistrationId = registration.Id,
            PartnerId = partner,
            ClosedDay = day,
            ClosedMonth = month,
            CreditCents = ProgramText.Cents(shares.GetValueOrDefault(partner)),
        }).ToList();
        var fingerprint = string.Join('|',
            registration.Status, registration.Amount.ToString(CultureInfo.InvariantCulture), registration.ClosedAmount?.ToString(CultureInfo.InvariantCulture),
            registration.Currency, registration.ClosedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), registration.Touches.Count,
            registration.Touches.Count == 0 ? 0 : registration.Touches.Max(t => t.Id));
        return (new WonDeal
        {
            RegistrationId = registration.Id,
            Number = registration.Number,
            CustomerId = registration.CustomerId,
            ClosedDay = day,
            ClosedMonth = month,
            RevenueCents = ProgramText.Cents(deal.Revenue),
            HasPartnerTouch = touching.Count > 0,
            SourcingPartnerId = AttributionService.SourcingPartner(deal),
            Fingerprint = fingerprint.Length > 200 ? fingerprint[..200] : fingerprint,
        }, credits);
    }

    private static async Task<long> WatermarkAsync(ProgramDbContext program, CancellationToken cancellationToken)
    {
        var value = await program.Counters.AsNoTracking().Where(c => c.Name == WatermarkCounter).Select(c => (long?)c.NextValue).FirstOrDefaultAsync(cancellationToken);
        return value ?? throw new InvalidOperationException($"The program counter '{WatermarkCounter}' is missing; the program migrations seed it.");
    }
}

/// <summary>Multi-row INSERTs through the context's connection and transaction: thousands of ledger rows in a
/// few statements instead of one round trip (and one change-tracker entry) each.</summary>
internal static class BulkInsert
{
    public static async Task WriteAsync(DbContext db, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        // Stay well under SQLite's and PostgreSQL's parameter limits.
        var rowsPerStatement = Math.Max(1, 2_000 / columns.Count);
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        foreach (var chunk in rows.Chunk(rowsPerStatement))
        {
            await using DbCommand command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new System.Text.StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            var index = 0;
            for (var r = 0; r < chunk.Length; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Count; c++)
                {
                    var name = "@p" + index++.ToString(CultureInfo.InvariantCulture);
                    sql.Append(c == 0 ? name : ", " + name);
                    var parameter = command.CreateParameter();
                    parameter.ParameterName = name;
                    parameter.Value = chunk[r][c] ?? DBNull.Value;
                    command.Parameters.Add(parameter);
                }

                sql.Append(')');
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
