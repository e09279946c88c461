using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Benchmarks;

/// <summary>
/// A program with 1,000 partner organisations (every type, tier and region) and 100,000 registrations spread
/// over the history (about 55,000 won, most with a second partner's touch), 20,000 customers with monthly revenue
/// for every month of the history, four quarters of PSAT answers, MDF budgets and program investment for every
/// partner, built once per process, database and history length. The same rows go to SQLite (prepared inserts)
/// or to a throwaway PostgreSQL server (binary COPY): one generator, two writers.
/// </summary>
public sealed class ProgramBenchmarkDatabase
{
    public const int Partners = 1_000;
    public const int Registrations = 100_000;
    public const int Customers = 20_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(DatabaseProvider, int), Lazy<Task<ProgramBenchmarkDatabase>>> Shared = new();

    private ProgramBenchmarkDatabase(ServiceProvider services, DatabaseProvider provider, string? postgresConnection, TimeSpan fill, TimeSpan ledgerRebuild)
    {
        Services = services;
        Provider = provider;
        PostgresConnection = postgresConnection;
        FillTime = fill;
        LedgerRebuild = ledgerRebuild;
        Manager = Caller("maya-chen");
        Partner = Caller(PartnerUser);
    }

    /// <summary>The partner user (at organisation p0007) whose own view is measured.</summary>
    public const string PartnerUser = "bench-partner";

    public ServiceProvider Services { get; }

    public DatabaseProvider Provider { get; }

    /// <summary>The PostgreSQL database's connection string (null on SQLite), to find its server processes.</summary>
    public string? PostgresConnection { get; }

    /// <summary>How long writing the data took (not part of any measurement).</summary>
    public TimeSpan FillTime { get; }

    /// <summary>How long rebuilding the won-deal ledger and the customer lifetime book took (once, after a bulk load).</summary>
    public TimeSpan LedgerRebuild { get; }

    /// <summary>The channel manager who sees the whole program.</summary>
    public Caller Manager { get; }

    /// <summary>A partner user, who sees only the own organisation.</summary>
    public Caller Partner { get; }

    public ProgramMetricsService Metrics => Services.GetRequiredService<ProgramMetricsService>();

    /// <summary>The last 12 months, the period every measured request asks for.</summary>
    public static MetricsFilter LastYear()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return new MetricsFilter(today.AddMonths(-12), today);
    }

    /// <summary>The database with <paramref name="years"/> years of history (deals and monthly revenue).</summary>
    public static Task<ProgramBenchmarkDatabase> GetAsync(DatabaseProvider provider, int years = 2) =>
        Shared.GetOrAdd((provider, years), key => new Lazy<Task<ProgramBenchmarkDatabase>>(() => CreateAsync(key.Item1, key.Item2))).Value;

    private Caller Caller(string personId) =>
        Services.GetRequiredService<DirectoryService>().FindByPersonIdAsync(personId, CancellationToken.None).GetAwaiter().GetResult()!;

    private static async Task<ProgramBenchmarkDatabase> CreateAsync(DatabaseProvider provider, int years)
    {
        var folder = Path.Combine(Path.GetTempPath(), "pa-bench-program-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(folder);
        var settings = new Dictionary<string, string?>
        {
            ["Data:Folder"] = folder,
            ["Database:Provider"] = provider.ToString(),
            ["Deals:SeedDemo"] = "false",
            ["Program:SeedDemo"] = "false",
            ["Prediction:TrainAtFirstRun"] = "false",
            ["Knowledge:IngestOnStart"] = "false",
        };
        string? postgres = null;
        if (provider == DatabaseProvider.Postgres)
        {
            var server = await PostgresServer.GetAsync();
            if (server.Unavailable is not null)
            {
                throw new InvalidOperationException(server.Unavailable);
            }

            // The test server prunes idle connections after 2 s; here pooled backends must live through the run, so
            // that their CPU counters (read per backend process) cover every measured request.
            postgres = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync("bench")) { ConnectionIdleLifetime = 600 }.ConnectionString;
            settings["Database:ConnectionString"] = postgres;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        BotFramework.BotFrameworkServiceCollectionExtensions.AddBotFramework(collection, configuration);
        collection.AddPartnerAssistant(configuration);
        var services = collection.BuildServiceProvider();
        await AssistantStartup.PrepareAsync(services, NullLogger.Instance, CancellationToken.None);

        var watch = Stopwatch.StartNew();
        await using (var writer = await BulkRowWriter.OpenAsync(services, provider))
        {
            await FillAsync(services, writer, years);
            watch.Stop();
            var fill = watch.Elapsed;
            watch.Restart();
            // The deal tables were written without the registry (no audit lines), as an import would: rebuild the ledger
            // and the customer lifetime book, then refresh the planner's statistics over what the rebuild wrote.
            await services.GetRequiredService<WonDealLedger>().RebuildAsync(CancellationToken.None);
            await services.GetRequiredService<CustomerLifetimeBook>().RebuildAsync(CancellationToken.None);
            await writer.AnalyzeAsync();
            var rebuild = watch.Elapsed;
            await services.GetRequiredService<DirectoryService>().SavePersonAsync(
                new Person { Id = PartnerUser, ChannelUserId = PartnerUser, DisplayName = "Bench Partner", OrganisationId = "p0007", Role = Role.PartnerUser }, CancellationToken.None);
            var database = new ProgramBenchmarkDatabase(services, provider, postgres, fill, rebuild);
            watch.Restart();
            var first = await database.Metrics.ComputeAsync(database.Manager, LastYear(), CancellationToken.None);
            Console.WriteLine($"// Program benchmark data on {provider}, {years} years of history: filled in {fill.TotalSeconds:0.0} s; ledger and lifetime book rebuilt in {rebuild.TotalSeconds:0.0} s; " +
                $"first metrics request {watch.Elapsed.TotalMilliseconds:0} ms; last 12 months: {first.Revenue.WonDeals} won deals, {first.PartnersInView} partners, " +
                $"influenced {first.Revenue.PartnerInfluenced:N0}, {first.Psat.Responses} PSAT answers, {first.Cltv.Count} CLTV groups");
            return database;
        }
    }

    /// <summary>Generates the program's rows (seeded, so both databases get the same ones) and hands the bulk tables to
    /// <paramref name="writer"/>; organisations and the small program tables go through the services and EF.</summary>
    private static async Task FillAsync(IServiceProvider services, BulkRowWriter writer, int years)
    {
        var random = new Random(42);
        var now = DateTimeOffset.UtcNow;
        var nowMs = now.ToUnixTimeMilliseconds();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var types = Enum.GetValues<PartnerType>();
        var regions = new[] { "NA", "EMEA", "APAC", "LATAM" };
        var partners = new List<(string Id, PartnerType Type)>();
        var directory = services.GetRequiredService<DirectoryService>();
        for (var i = 0; i < Partners; i++)
        {
            var type = types[i % types.Length];
            var id = "p" + i.ToString("0000", CultureInfo.InvariantCulture);
            // Tiers as a real program has them: many Registered, fewer at each step up.
            var tier = (i % 20) switch { < 9 => Tier.Registered, < 15 => Tier.Silver, < 19 => Tier.Gold, _ => Tier.Platinum };
            await directory.SaveOrganisationAsync(new Organisation
            {
                Id = id, Name = $"Bench Partner {i}", PartnerType = type, Tier = tier, Region = regions[random.Next(regions.Length)], Country = "Testland",
                JoinedAt = now.AddDays(-random.Next(100, 900)),
            }, CancellationToken.None);
            partners.Add((id, type));
        }

        await writer.WriteAsync("deal_customers", ["id", "name", "normalized_name", "blocking_key", "domain", "created_at_ms"],
            Enumerable.Range(1, Customers).Select(i =>
            {
                var name = $"Customer {i} Holdings";
                var normalized = CustomerNames.Normalize(name);
                return new object?[] { (long)i, name, normalized, CustomerNames.BlockingKey(normalized), null, nowMs };
            }));

        // Registrations and their touches draw from one random sequence, so both lists are built before either is written.
        var registrations = new List<object?[]>(Registrations);
        var touches = new List<object?[]>(Registrations * 2);
        var statuses = new (string Status, int Weight)[] { ("Won", 55), ("Lost", 20), ("Expired", 8), ("Approved", 10), ("Rejected", 3), ("Submitted", 2), ("UnderReview", 2) };
        var totalWeight = statuses.Sum(s => s.Weight);
        for (var i = 1; i <= Registrations; i++)
        {
            var customerId = random.Next(Customers) + 1;
            var partner = partners[random.Next(partners.Count)].Id;
            var pick = random.Next(totalWeight);
            var status = statuses.First(s => (pick -= s.Weight) < 0).Status;
            var submitted = now.AddDays(-random.Next(1, 365 * years));
            var approved = status is "Won" or "Lost" or "Expired" or "Approved" ? submitted.AddDays(1) : (DateTimeOffset?)null;
            var closed = status is "Won" or "Lost" ? DateOnly.FromDateTime(submitted.AddDays(random.Next(10, 120)).UtcDateTime) : (DateOnly?)null;
            if (closed > today)
            {
                closed = today;
            }

            var amount = random.Next(20, 2000) * 1000m;
            registrations.Add([
                (long)i, 1000L + i, partner, "bench", (long)customerId, $"Customer {customerId} Holdings", "Opportunity", 1, amount, "USD",
                DateOnly.FromDateTime(submitted.AddDays(120).UtcDateTime), "Reseller", status, "bench-" + i.ToString(CultureInfo.InvariantCulture),
                submitted.ToUnixTimeMilliseconds(), submitted.AddDays(2).ToUnixTimeMilliseconds(), approved?.ToUnixTimeMilliseconds(), approved?.AddDays(90).ToUnixTimeMilliseconds(),
                false, false, closed, closed is null ? null : amount,
            ]);
            touches.Add([(long)i, partner, "Reseller", DateOnly.FromDateTime(submitted.UtcDateTime), "Registration", "bench", nowMs]);
            if (random.Next(10) < 6)
            {
                // A second partner influenced or integrated: attribution shares the credit.
                var other = partners[random.Next(partners.Count)].Id;
                if (other != partner)
                {
                    touches.Add([(long)i, other, random.Next(2) == 0 ? "Influence" : "Integration", DateOnly.FromDateTime(submitted.AddDays(-random.Next(1, 30)).UtcDateTime), "Registration", "bench", nowMs]);
                }
            }
        }

        await writer.WriteAsync("deal_registrations", [
            "id", "number", "organisation_id", "submitted_by", "customer_id", "customer_name", "opportunity", "products", "amount", "currency",
            "expected_close", "role", "status", "submission_key", "submitted_at_ms", "review_due_at_ms", "approved_at_ms", "protected_until_ms",
            "extended", "overdue_notified", "closed_on", "closed_amount",
        ], registrations);
        await writer.WriteAsync("deal_touches", ["registration_id", "partner_id", "role", "touched_on", "source", "recorded_by", "recorded_at_ms"], touches);
        await writer.ExecuteAsync($"UPDATE deal_counters SET next_value = {1001 + Registrations} WHERE name = 'registration'");

        await using (var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope())
        {
            var program = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
            var quarter = (today.Year * 10) + ((today.Month - 1) / 3) + 1;
            var answers = new List<(PsatSurvey Survey, string Partner, int Quarter, int QuartersAgo, int[] Scores)>();
            foreach (var (id, _) in partners)
            {
                program.Partners.Add(new PartnerRecord { OrganisationId = id, InvitedAtMs = now.AddDays(-random.Next(100, 900)).ToUnixTimeMilliseconds(), UpdatedAtMs = nowMs });
                program.MdfBudgets.Add(new MdfBudget
                {
                    OrganisationId = id, PeriodStart = new DateOnly(today.Year, 1, 1), PeriodEnd = new DateOnly(today.Year, 12, 31), AmountCents = random.Next(5, 50) * 100_000L,
                    Source = "accrual", UpdatedBy = "bench", UpdatedAtMs = nowMs,
                });
                deals.Investments.Add(new ProgramInvestment
                {
                    PartnerId = id, PeriodStart = new DateOnly(today.Year - 1, 1, 1), PeriodEnd = new DateOnly(today.Year, 12, 31),
                    Mdf = random.Next(5, 50) * 1000m, Rebates = random.Next(0, 20) * 1000m, Enablement = random.Next(1, 10) * 1000m, UpdatedBy = "bench", UpdatedAtMs = nowMs,
                });
                var q = quarter;
                for (var k = 0; k < 4; k++, q = q % 10 == 1 ? ((q / 10) - 1) * 10 + 4 : q - 1)
                {
                    var survey = new PsatSurvey { OrganisationId = id, Kind = SurveyKind.Quarterly, Period = $"{q / 10}-Q{q % 10}", SentAtMs = nowMs - ((k * 91L) + 80) * 86_400_000, ClosesAtMs = nowMs };
                    program.PsatSurveys.Add(survey);
                    answers.Add((survey, id, q, k, Enumerable.Range(0, 5).Select(_ => random.Next(4, 11)).ToArray()));
                }
            }

            for (var q = 0; q < 8; q++)
            {
                var start = new DateOnly(today.Year, 1, 1).AddMonths(-12 + (q * 3));
                program.CostInputs.Add(new CostInput { Channel = AcquisitionChannel.Partner, PeriodStart = start, PeriodEnd = start.AddMonths(3).AddDays(-1), Category = "sales", AmountCents = 90_000_000, RecordedBy = "bench", RecordedAtMs = nowMs });
                program.CostInputs.Add(new CostInput { Channel = AcquisitionChannel.Direct, PeriodStart = start, PeriodEnd = start.AddMonths(3).AddDays(-1), Category = "sales", AmountCents = 420_000_000, NewCustomers = 60, RecordedBy = "bench", RecordedAtMs = nowMs });
            }

            await program.SaveChangesAsync();
            foreach (var (survey, partner, q, k, scores) in answers)
            {
                program.PsatResponses.Add(new PsatResponse
                {
                    SurveyId = survey.Id, OrganisationId = partner, PersonId = partner + "-admin", RespondedAtMs = nowMs - ((k * 91L) + 75) * 86_400_000, Quarter = q,
                    Overall = scores[0], EaseOfBusiness = scores[1], Enablement = scores[2], Support = scores[3], Recommend = scores[4],
                    ScoreX100 = (int)Math.Round(scores.Average() * 100),
                });
            }

            await program.SaveChangesAsync();
            await deals.SaveChangesAsync();
        }

        // Monthly recognised revenue for every customer over the whole history (240,000 rows a year), as the importer writes it.
        await writer.WriteAsync("program_customer_revenue", ["deal_customer_id", "customer_key", "customer_name", "month", "amount_cents"], MonthlyRevenue(random, today, years));
        await writer.AnalyzeAsync();
    }

    private static IEnumerable<object?[]> MonthlyRevenue(Random random, DateOnly today, int years)
    {
        for (var c = 1; c <= Customers; c++)
        {
            var name = $"Customer {c} Holdings";
            var key = CustomerNames.Normalize(name);
            var monthly = random.Next(1_000, 50_000) * 100L;
            for (var m = 0; m < 12 * years; m++)
            {
                var month = new DateOnly(today.Year, today.Month, 1).AddMonths(-m);
                yield return [(long)c, key, name, (month.Year * 100) + month.Month, monthly];
            }
        }
    }
}

/// <summary>
/// Writes generated rows straight into a table, bypassing the services as an importer would. Values come typed as the
/// PostgreSQL columns are (long, int, string, decimal, DateOnly, bool); the SQLite writer stores them the way EF's
/// SQLite provider does (decimals and dates as text).
/// </summary>
internal abstract class BulkRowWriter : IAsyncDisposable
{
    public static async Task<BulkRowWriter> OpenAsync(IServiceProvider services, DatabaseProvider provider)
    {
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (provider == DatabaseProvider.Postgres)
        {
            var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            return new PostgresCopyWriter(connection);
        }

        var data = services.GetRequiredService<IOptions<DataOptions>>().Value;
        var sqlite = new Microsoft.Data.Sqlite.SqliteConnection(AssistantDatabase.SqliteConnectionString(data, database));
        await sqlite.OpenAsync();
        return new SqliteInsertWriter(sqlite);
    }

    public abstract Task WriteAsync(string table, string[] columns, IEnumerable<object?[]> rows);

    public abstract Task ExecuteAsync(string sql);

    /// <summary>Refreshes the planner's statistics, as a database after a bulk load would have them.</summary>
    public abstract Task AnalyzeAsync();

    public abstract ValueTask DisposeAsync();

    private sealed class SqliteInsertWriter(Microsoft.Data.Sqlite.SqliteConnection connection) : BulkRowWriter
    {
        public override async Task WriteAsync(string table, string[] columns, IEnumerable<object?[]> rows)
        {
            await using var transaction = (Microsoft.Data.Sqlite.SqliteTransaction)await connection.BeginTransactionAsync();
            var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i))})";
            var parameters = columns.Select((_, i) => command.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("$p" + i, null))).ToArray();
            foreach (var row in rows)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    parameters[i].Value = row[i] switch
                    {
                        null => DBNull.Value,
                        DateOnly date => DealText.Iso(date),
                        decimal amount => amount.ToString(CultureInfo.InvariantCulture),
                        var value => value,
                    };
                }

                await command.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        public override async Task ExecuteAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync();
        }

        public override Task AnalyzeAsync() => ExecuteAsync("ANALYZE;");

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    private sealed class PostgresCopyWriter(NpgsqlConnection connection) : BulkRowWriter
    {
        public override async Task WriteAsync(string table, string[] columns, IEnumerable<object?[]> rows)
        {
            await using (var import = await connection.BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var row in rows)
                {
                    await import.StartRowAsync();
                    foreach (var value in row)
                    {
                        if (value is null)
                        {
                            await import.WriteNullAsync();
                        }
                        else
                        {
                            await import.WriteAsync(value);
                        }
                    }
                }

                await import.CompleteAsync();
            }

            if (columns.Contains("id"))
            {
                // COPY wrote the identity values itself; move the sequence past them so later inserts do not collide.
                await ExecuteAsync($"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))");
            }
        }

        public override async Task ExecuteAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        // VACUUM as well, so autovacuum does not wake up on the freshly copied tables in the middle of a measurement.
        public override Task AnalyzeAsync() => ExecuteAsync("VACUUM ANALYZE;");

        public override ValueTask DisposeAsync() => connection.DisposeAsync();
    }
}

/// <summary>Every figure of the dashboard, one request per iteration, over 100,000 registrations and 1,000 partners with
/// one or five years of history, on SQLite and PostgreSQL: the whole program for the last 12 months, one tier (Gold) in
/// one region, and one partner's own view. <c>dashboard-load</c> (see <see cref="ProgramDashboardLoad"/>) measures the
/// same requests with their CPU time, for a machine too loaded for wall time alone to mean much.</summary>
[Config(typeof(LatencyConfig))]
public class ProgramMetricsBenchmarks
{
    private ProgramBenchmarkDatabase _database = null!;
    private MetricsFilter _year = null!;

    [Params(DatabaseProvider.Sqlite, DatabaseProvider.Postgres)]
    public DatabaseProvider Provider { get; set; }

    /// <summary>Years of deal and monthly revenue history behind the same 12-month view.</summary>
    [Params(1, 5)]
    public int Years { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _database = ProgramBenchmarkDatabase.GetAsync(Provider, Years).GetAwaiter().GetResult();
        _year = ProgramBenchmarkDatabase.LastYear();
    }

    [Benchmark(Description = "Dashboard figures, whole program, last 12 months")]
    public ProgramMetrics WholeProgram() => _database.Metrics.ComputeAsync(_database.Manager, _year, CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark(Description = "Dashboard figures, Gold partners in EMEA")]
    public ProgramMetrics GoldInEmea() => _database.Metrics.ComputeAsync(_database.Manager, _year with { Tier = Tier.Gold, Region = "EMEA" }, CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark(Description = "Dashboard figures, one partner's own view")]
    public ProgramMetrics PartnerView() => _database.Metrics.ComputeAsync(_database.Partner, _year, CancellationToken.None).GetAwaiter().GetResult();
}
