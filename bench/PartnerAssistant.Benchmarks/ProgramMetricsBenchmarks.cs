using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;

namespace PartnerAssistant.Benchmarks;

/// <summary>
/// A SQLite program with 1,000 partner organisations (every type, tier and region) and 100,000 registrations spread
/// over the history (about 55,000 won, most with a second partner's touch), 20,000 customers with monthly revenue
/// for every month of the history, four quarters of PSAT answers, MDF budgets and program investment for every
/// partner, built once per process and history length.
/// </summary>
public sealed class ProgramBenchmarkDatabase
{
    public const int Partners = 1_000;
    public const int Registrations = 100_000;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, Lazy<Task<ProgramBenchmarkDatabase>>> Shared = new();

    private ProgramBenchmarkDatabase(ServiceProvider services, TimeSpan fill, TimeSpan ledgerRebuild)
    {
        Services = services;
        FillTime = fill;
        LedgerRebuild = ledgerRebuild;
    }

    public ServiceProvider Services { get; }

    /// <summary>How long writing the data took (not part of any measurement).</summary>
    public TimeSpan FillTime { get; }

    /// <summary>How long rebuilding the won-deal ledger from the whole deal book took (once, after a bulk load).</summary>
    public TimeSpan LedgerRebuild { get; }

    public ProgramMetricsService Metrics => Services.GetRequiredService<ProgramMetricsService>();

    /// <summary>The database with <paramref name="years"/> years of history (deals and monthly revenue).</summary>
    public static Task<ProgramBenchmarkDatabase> GetAsync(int years = 2) => Shared.GetOrAdd(years, y => new Lazy<Task<ProgramBenchmarkDatabase>>(() => CreateAsync(y))).Value;

    public Caller Caller(string personId) =>
        Services.GetRequiredService<DirectoryService>().FindByPersonIdAsync(personId, CancellationToken.None).GetAwaiter().GetResult()!;

    private static async Task<ProgramBenchmarkDatabase> CreateAsync(int years)
    {
        var folder = Path.Combine(Path.GetTempPath(), "pa-bench-program-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(folder);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Folder"] = folder,
            ["Deals:SeedDemo"] = "false",
            ["Program:SeedDemo"] = "false",
            ["Prediction:TrainAtFirstRun"] = "false",
            ["Knowledge:IngestOnStart"] = "false",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        BotFramework.BotFrameworkServiceCollectionExtensions.AddBotFramework(collection, configuration);
        collection.AddPartnerAssistant(configuration);
        var services = collection.BuildServiceProvider();
        await AssistantStartup.PrepareAsync(services, NullLogger.Instance, CancellationToken.None);

        var watch = Stopwatch.StartNew();
        await FillAsync(services, years);
        var fill = watch.Elapsed;
        watch.Restart();
        // The deal tables were written without the registry (no audit lines), as an import would: rebuild the ledger and
        // the customer lifetime book.
        await services.GetRequiredService<WonDealLedger>().RebuildAsync(CancellationToken.None);
        await services.GetRequiredService<CustomerLifetimeBook>().RebuildAsync(CancellationToken.None);
        var rebuild = watch.Elapsed;
        watch.Restart();
        var manager = services.GetRequiredService<DirectoryService>().FindByPersonIdAsync("maya-chen", CancellationToken.None).GetAwaiter().GetResult()!;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var first = await services.GetRequiredService<ProgramMetricsService>().ComputeAsync(manager, new MetricsFilter(today.AddMonths(-12), today), CancellationToken.None);
        var firstLedger = watch.Elapsed;
        Console.WriteLine($"// Program benchmark data, {years} years of history: filled in {fill.TotalSeconds:0.0} s; won-deal ledger rebuilt in {rebuild.TotalMilliseconds:0} ms; first metrics request {firstLedger.TotalMilliseconds:0} ms; " +
            $"last 12 months: {first.Revenue.WonDeals} won deals, {first.PartnersInView} partners, influenced {first.Revenue.PartnerInfluenced:N0}, {first.Psat.Responses} PSAT answers, {first.Cltv.Count} CLTV groups");
        return new ProgramBenchmarkDatabase(services, fill, rebuild);
    }

    private static async Task FillAsync(IServiceProvider services, int years)
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

        var data = services.GetRequiredService<IOptions<DataOptions>>().Value;
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        await using var connection = new SqliteConnection(AssistantDatabase.SqliteConnectionString(data, database));
        await connection.OpenAsync();
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            const int customers = 20_000;
            var customer = DealBenchmarkDatabase.Command(connection, transaction, "INSERT INTO deal_customers (id, name, normalized_name, blocking_key, domain, created_at_ms) VALUES ($id, $name, $normalized, $key, NULL, $at)");
            for (var i = 1; i <= customers; i++)
            {
                var name = $"Customer {i} Holdings";
                var normalized = CustomerNames.Normalize(name);
                DealBenchmarkDatabase.Set(customer, ("$id", i), ("$name", name), ("$normalized", normalized), ("$key", CustomerNames.BlockingKey(normalized)), ("$at", nowMs));
                await customer.ExecuteNonQueryAsync();
            }

            var registration = DealBenchmarkDatabase.Command(connection, transaction, """
                INSERT INTO deal_registrations (id, number, organisation_id, submitted_by, customer_id, customer_name, opportunity, products, amount, currency,
                    expected_close, role, status, submission_key, submitted_at_ms, review_due_at_ms, approved_at_ms, protected_until_ms, extended, overdue_notified, closed_on, closed_amount)
                VALUES ($id, $number, $org, 'bench', $customer, $name, 'Opportunity', 1, $amount, 'USD', $close, 'Reseller', $status, $key, $submitted, $due, $approved, $until, 0, 0, $closed, $closedAmount)
                """);
            var touch = DealBenchmarkDatabase.Command(connection, transaction, "INSERT INTO deal_touches (registration_id, partner_id, role, touched_on, source, recorded_by, recorded_at_ms) VALUES ($registration, $partner, $role, $on, 'Registration', 'bench', $at)");
            var statuses = new (string Status, int Weight)[] { ("Won", 55), ("Lost", 20), ("Expired", 8), ("Approved", 10), ("Rejected", 3), ("Submitted", 2), ("UnderReview", 2) };
            var totalWeight = statuses.Sum(s => s.Weight);
            for (var i = 1; i <= Registrations; i++)
            {
                var customerId = random.Next(customers) + 1;
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

                var amount = (random.Next(20, 2000) * 1000).ToString(CultureInfo.InvariantCulture);
                DealBenchmarkDatabase.Set(registration, ("$id", i), ("$number", 1000 + i), ("$org", partner), ("$customer", customerId), ("$name", $"Customer {customerId} Holdings"),
                    ("$amount", amount), ("$close", DealText.Iso(DateOnly.FromDateTime(submitted.AddDays(120).UtcDateTime))), ("$status", status),
                    ("$key", "bench-" + i.ToString(CultureInfo.InvariantCulture)), ("$submitted", submitted.ToUnixTimeMilliseconds()), ("$due", submitted.AddDays(2).ToUnixTimeMilliseconds()),
                    ("$approved", approved?.ToUnixTimeMilliseconds()), ("$until", approved?.AddDays(90).ToUnixTimeMilliseconds()), ("$closed", closed is { } c ? DealText.Iso(c) : null),
                    ("$closedAmount", closed is null ? null : amount));
                await registration.ExecuteNonQueryAsync();
                DealBenchmarkDatabase.Set(touch, ("$registration", i), ("$partner", partner), ("$role", "Reseller"), ("$on", DealText.Iso(DateOnly.FromDateTime(submitted.UtcDateTime))), ("$at", nowMs));
                await touch.ExecuteNonQueryAsync();
                if (random.Next(10) < 6)
                {
                    // A second partner influenced or integrated: attribution shares the credit.
                    var other = partners[random.Next(partners.Count)].Id;
                    if (other != partner)
                    {
                        DealBenchmarkDatabase.Set(touch, ("$registration", i), ("$partner", other), ("$role", random.Next(2) == 0 ? "Influence" : "Integration"),
                            ("$on", DealText.Iso(DateOnly.FromDateTime(submitted.AddDays(-random.Next(1, 30)).UtcDateTime))), ("$at", nowMs));
                        await touch.ExecuteNonQueryAsync();
                    }
                }
            }

            var counter = DealBenchmarkDatabase.Command(connection, transaction, "UPDATE deal_counters SET next_value = $next WHERE name = 'registration'");
            DealBenchmarkDatabase.Set(counter, ("$next", 1001 + Registrations));
            await counter.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

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
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync())
        {
            var revenue = DealBenchmarkDatabase.Command(connection, transaction, "INSERT INTO program_customer_revenue (deal_customer_id, customer_key, customer_name, month, amount_cents) VALUES ($id, $key, $name, $month, $cents)");
            for (var c = 1; c <= 20_000; c++)
            {
                var name = $"Customer {c} Holdings";
                var key = CustomerNames.Normalize(name);
                var monthly = random.Next(1_000, 50_000) * 100L;
                for (var m = 0; m < 12 * years; m++)
                {
                    var month = new DateOnly(today.Year, today.Month, 1).AddMonths(-m);
                    DealBenchmarkDatabase.Set(revenue, ("$id", c), ("$key", key), ("$name", name), ("$month", (month.Year * 100) + month.Month), ("$cents", monthly));
                    await revenue.ExecuteNonQueryAsync();
                }
            }

            await transaction.CommitAsync();
        }

        var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
    }
}

/// <summary>Every figure of the dashboard, one request per iteration, over 100,000 registrations and 1,000 partners with
/// one or five years of history: the whole program for the last 12 months, one tier (Gold) in one region, and one
/// partner's own view.</summary>
[Config(typeof(LatencyConfig))]
public class ProgramMetricsBenchmarks
{
    private ProgramBenchmarkDatabase _database = null!;
    private Caller _manager = null!;
    private Caller _partner = null!;
    private MetricsFilter _year = null!;

    /// <summary>Years of deal and monthly revenue history behind the same 12-month view.</summary>
    [Params(1, 5)]
    public int Years { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _database = ProgramBenchmarkDatabase.GetAsync(Years).GetAwaiter().GetResult();
        _manager = _database.Caller("maya-chen");
        var directory = _database.Services.GetRequiredService<DirectoryService>();
        // A partner user at one of the thousand partners, to measure the partner's own view.
        directory.SavePersonAsync(new Person { Id = "bench-partner", ChannelUserId = "bench-partner", DisplayName = "Bench Partner", OrganisationId = "p0007", Role = Role.PartnerUser }, CancellationToken.None)
            .GetAwaiter().GetResult();
        _partner = _database.Caller("bench-partner");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        _year = new MetricsFilter(today.AddMonths(-12), today);
    }

    [Benchmark(Description = "Dashboard figures, whole program, last 12 months")]
    public ProgramMetrics WholeProgram() => _database.Metrics.ComputeAsync(_manager, _year, CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark(Description = "Dashboard figures, Gold partners in EMEA")]
    public ProgramMetrics GoldInEmea() => _database.Metrics.ComputeAsync(_manager, _year with { Tier = Tier.Gold, Region = "EMEA" }, CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark(Description = "Dashboard figures, one partner's own view")]
    public ProgramMetrics PartnerView() => _database.Metrics.ComputeAsync(_partner, _year, CancellationToken.None).GetAwaiter().GetResult();
}
