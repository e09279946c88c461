using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;
using PartnerAssistant.People;

namespace PartnerAssistant.Benchmarks;

/// <summary>
/// A SQLite deal registry with 100,000 registrations (about 20,000 customers with realistic name
/// spread, six partners, every status), built once per process in a temporary folder.
/// </summary>
public sealed class DealBenchmarkDatabase
{
    public const int Registrations = 100_000;
    private static readonly Lazy<Task<DealBenchmarkDatabase>> Shared = new(CreateAsync);

    private static readonly string[] Starts = ["al", "ber", "cor", "dan", "el", "fen", "gal", "har", "is", "jun", "kel", "lor", "mar", "nor", "or", "pel", "quin", "ros", "sel", "tor", "ul", "ver", "wil", "xan", "yor", "zan"];
    private static readonly string[] Ends = ["ton", "dale", "wick", "bury", "field", "mont", "stead", "ford", "haven", "crest", "worth", "gate"];
    private static readonly string[] Industries =
    [
        "Foods", "Logistics", "Bank", "Health", "Energy", "Motors", "Pharma", "Retail", "Labs", "Systems", "Insurance", "Airlines", "Mining", "Textiles",
        "Media", "Telecom", "Foundry", "Chemicals", "Farms", "Brewing", "Shipping", "Capital", "Clinics", "Robotics", "Semiconductors", "Apparel",
        "Hotels", "Utilities", "Water", "Steel", "Paper", "Glass", "Optics", "Aerospace", "Dairy", "Furniture", "Games", "Publishing", "Rail", "Travel",
        "Construction", "Plastics", "Cosmetics", "Tools", "Seeds", "Marine", "Security", "Software", "Analytics", "Printing", "Packaging", "Audio",
        "Bakeries", "Beverages", "Cinemas", "Dental", "Fitness", "Fisheries", "Grain", "Lighting", "Medical", "Pipelines", "Solar", "Tyres", "Wind",
    ];

    private DealBenchmarkDatabase(ServiceProvider services, string folder, IReadOnlyList<string> customers)
    {
        Services = services;
        Folder = folder;
        Customers = customers;
    }

    public ServiceProvider Services { get; }
    public string Folder { get; }

    /// <summary>The names of the customers already in the registry.</summary>
    public IReadOnlyList<string> Customers { get; }

    public DealRegistry Registry => Services.GetRequiredService<DealRegistry>();

    public static Task<DealBenchmarkDatabase> GetAsync() => Shared.Value;

    public Caller Caller(string personId) =>
        Services.GetRequiredService<DirectoryService>().FindByPersonIdAsync(personId, CancellationToken.None).GetAwaiter().GetResult()!;

    /// <summary>A new customer name the registry has not seen, spread over name prefixes like real ones.</summary>
    public static string NewCustomer(Random random) => $"{NewCustomerName(random)} {random.Next(100, 999)}";

    private static string NewCustomerName(Random random) =>
        $"{Capital(Starts[random.Next(Starts.Length)] + Starts[random.Next(Starts.Length)] + Ends[random.Next(Ends.Length)])} {Industries[random.Next(Industries.Length)]}";

    public static RegistrationRequest Request(string customer, PartnerRole role, Random random) => new()
    {
        Customer = customer,
        Opportunity = "Platform programme " + random.Next(1000),
        Products = (Products)(1 << random.Next(4)) | (random.Next(3) == 0 ? (Products)(1 << random.Next(4)) : Products.None),
        Amount = random.Next(20, 2000) * 1000m,
        Currency = "USD",
        ExpectedClose = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(30 + random.Next(300)),
        Role = role,
        SubmissionKey = Guid.NewGuid().ToString("N"),
    };

    private static async Task<DealBenchmarkDatabase> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pa-bench-deals-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(folder);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Folder"] = folder,
            ["Deals:SeedDemo"] = "false",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        BotFramework.BotFrameworkServiceCollectionExtensions.AddBotFramework(collection, configuration);
        collection.AddPartnerAssistant(configuration);
        var services = collection.BuildServiceProvider();
        await AssistantStartup.PrepareAsync(services, NullLogger.Instance, CancellationToken.None);

        var customers = await FillAsync(services);
        return new DealBenchmarkDatabase(services, folder, customers);
    }

    private static async Task<IReadOnlyList<string>> FillAsync(IServiceProvider services)
    {
        // 20,000 distinct names: a made-up three-syllable first word (8,112 possible) and an industry, so a
        // first word is shared by a few customers, as in a real customer base, not by hundreds.
        var random = new Random(42);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        while (distinct.Count < 20_000)
        {
            distinct.Add(NewCustomerName(random));
        }

        var names = distinct.ToList();
        var partners = new (string Id, string Role)[] { ("bluewave", "Reseller"), ("keystone", "Integration"), ("harbor", "Integration"), ("vectorline", "IsvComponent"), ("meridian", "Influence"), ("skyway", "Marketplace"), ("keystone", "Reseller") };
        var statuses = new (string Status, int Weight)[] { ("Won", 35), ("Lost", 20), ("Expired", 10), ("Approved", 20), ("Rejected", 5), ("Submitted", 5), ("UnderReview", 5) };
        var data = services.GetRequiredService<IOptions<DataOptions>>().Value;
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        await using var connection = new SqliteConnection(AssistantDatabase.SqliteConnectionString(data, database));
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow;
        var nowMs = now.ToUnixTimeMilliseconds();

        var customer = Command(connection, transaction, "INSERT INTO deal_customers (id, name, normalized_name, blocking_key, domain, created_at_ms) VALUES ($id, $name, $normalized, $key, NULL, $at)");
        for (var i = 0; i < names.Count; i++)
        {
            var normalized = CustomerNames.Normalize(names[i]);
            Set(customer, ("$id", i + 1), ("$name", names[i]), ("$normalized", normalized), ("$key", CustomerNames.BlockingKey(normalized)), ("$at", nowMs));
            await customer.ExecuteNonQueryAsync();
        }

        var registration = Command(connection, transaction, """
            INSERT INTO deal_registrations (id, number, organisation_id, submitted_by, customer_id, customer_name, opportunity, products, amount, currency,
                expected_close, role, status, submission_key, submitted_at_ms, review_due_at_ms, approved_at_ms, protected_until_ms, extended, overdue_notified, closed_on, closed_amount)
            VALUES ($id, $number, $org, 'bench', $customer, $name, 'Opportunity', $products, '100000', 'USD', $close, $role, $status, $key, $submitted, $due, $approved, $until, 0, 0, $closed, $closedAmount)
            """);
        var touch = Command(connection, transaction, "INSERT INTO deal_touches (registration_id, partner_id, role, touched_on, source, recorded_by, recorded_at_ms) VALUES ($registration, $partner, $role, $on, 'Registration', 'bench', $at)");
        var totalWeight = statuses.Sum(s => s.Weight);
        for (var i = 1; i <= Registrations; i++)
        {
            var customerId = random.Next(names.Count) + 1;
            var (partner, role) = partners[random.Next(partners.Length)];
            var pick = random.Next(totalWeight);
            var status = statuses.First(s => (pick -= s.Weight) < 0).Status;
            var submitted = now.AddDays(-random.Next(1, 700));
            var approved = status is "Won" or "Lost" or "Expired" or "Approved" ? submitted.AddDays(1) : (DateTimeOffset?)null;
            var until = status == "Approved" ? now.AddDays(random.Next(1, 90)) : approved?.AddDays(90);
            var closed = status is "Won" or "Lost" ? DateOnly.FromDateTime(submitted.AddDays(random.Next(10, 120)).UtcDateTime) : (DateOnly?)null;
            Set(registration, ("$id", i), ("$number", 1000 + i), ("$org", partner), ("$customer", customerId), ("$name", names[customerId - 1]),
                ("$products", 1 << random.Next(4)), ("$close", DealText.Iso(DateOnly.FromDateTime(submitted.AddDays(120).UtcDateTime))), ("$role", role), ("$status", status),
                ("$key", "bench-" + i.ToString(CultureInfo.InvariantCulture)), ("$submitted", submitted.ToUnixTimeMilliseconds()), ("$due", submitted.AddDays(2).ToUnixTimeMilliseconds()),
                ("$approved", approved?.ToUnixTimeMilliseconds()), ("$until", until?.ToUnixTimeMilliseconds()), ("$closed", closed is { } c ? DealText.Iso(c) : null),
                ("$closedAmount", closed is null ? null : "100000"));
            await registration.ExecuteNonQueryAsync();
            Set(touch, ("$registration", i), ("$partner", partner), ("$role", role), ("$on", DealText.Iso(DateOnly.FromDateTime(submitted.UtcDateTime))), ("$at", nowMs));
            await touch.ExecuteNonQueryAsync();
        }

        var counter = Command(connection, transaction, "UPDATE deal_counters SET next_value = $next WHERE name = 'registration'");
        Set(counter, ("$next", 1001 + Registrations));
        await counter.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
        return names;
    }

    internal static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    internal static void Set(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        command.Parameters.Clear();
        foreach (var (name, value) in values)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    private static string Capital(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}

/// <summary>The conflict check a registration runs (customer resolution with possible matches, then the overlap
/// query), one call per iteration, against 100,000 registrations: half on known customers, half on new ones.</summary>
[Config(typeof(DealLatencyConfig))]
public class DealConflictCheckBenchmarks
{
    private DealBenchmarkDatabase _database = null!;
    private Caller _caller = null!;
    private Random _random = null!;

    [GlobalSetup]
    public void Setup()
    {
        _database = DealBenchmarkDatabase.GetAsync().GetAwaiter().GetResult();
        _caller = _database.Caller("priya-patel");
        _random = new Random(7);
    }

    [Benchmark(Description = "conflict check, known customer")]
    public async Task<bool> KnownCustomer()
    {
        var name = _database.Customers[_random.Next(_database.Customers.Count)];
        var assessment = await _database.Registry.CheckConflictsAsync(_caller, name + " Ltd", (Products)(1 << _random.Next(4)), PartnerRole.Reseller, CancellationToken.None);
        return assessment.NeedsReview;
    }

    [Benchmark(Description = "conflict check, new customer")]
    public async Task<bool> NewCustomer()
    {
        var assessment = await _database.Registry.CheckConflictsAsync(_caller, DealBenchmarkDatabase.NewCustomer(_random), (Products)(1 << _random.Next(4)), PartnerRole.Reseller, CancellationToken.None);
        return assessment.NeedsReview;
    }

    [Benchmark(Description = "preview (validation, key, conflict check)")]
    public async Task<bool> Preview()
    {
        var name = _database.Customers[_random.Next(_database.Customers.Count)];
        var (_, assessment, _) = await _database.Registry.PreviewAsync(_caller, DealBenchmarkDatabase.Request(name, PartnerRole.Reseller, _random), CancellationToken.None);
        return assessment.NeedsReview;
    }
}

/// <summary>Full registrations through <see cref="DealRegistry.RegisterAsync"/> (validation, customer resolution,
/// conflict check, number, insert with touches and audit, channel manager notification), 100 per invocation,
/// against 100,000 existing registrations; half on known customers, so many go to review.</summary>
[Config(typeof(DealThroughputConfig))]
public class DealRegistrationThroughputBenchmarks
{
    private const int PerInvocation = 100;
    private DealBenchmarkDatabase _database = null!;
    private Caller _bluewave = null!;
    private Caller _keystone = null!;
    private Random _random = null!;

    [GlobalSetup]
    public void Setup()
    {
        _database = DealBenchmarkDatabase.GetAsync().GetAwaiter().GetResult();
        _bluewave = _database.Caller("priya-patel");
        _keystone = _database.Caller("lukas-meyer");
        _random = new Random(11);
    }

    [Benchmark(OperationsPerInvoke = PerInvocation, Description = "register, one at a time")]
    public async Task Sequential()
    {
        for (var i = 0; i < PerInvocation; i++)
        {
            await RegisterOneAsync(i);
        }
    }

    [Benchmark(OperationsPerInvoke = PerInvocation, Description = "register, 4 callers at once")]
    public async Task Concurrent()
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < PerInvocation)
            {
                await RegisterOneAsync(i);
            }
        })));
    }

    private Task<RegistrationResult> RegisterOneAsync(int i)
    {
        Random random;
        lock (_random)
        {
            random = new Random(_random.Next());
        }

        var known = i % 2 == 0;
        var customer = known ? _database.Customers[random.Next(_database.Customers.Count)] : DealBenchmarkDatabase.NewCustomer(random);
        var (caller, role) = i % 4 < 2 ? (_bluewave, PartnerRole.Reseller) : (_keystone, i % 3 == 0 ? PartnerRole.Reseller : PartnerRole.Integration);
        return _database.Registry.RegisterAsync(caller, DealBenchmarkDatabase.Request(customer, role, random), CancellationToken.None);
    }
}

/// <summary>Shapley attribution for one won deal: 10 partners (exact, 1,024 coalitions), 12 (exact, 4,096) and 16 (sampled).</summary>
[Config(typeof(DealLatencyConfig))]
public class ShapleyBenchmarks
{
    private readonly AttributionEngine _engine = new();
    private WinRateHistory _history = null!;
    private AttributionDeal _ten = null!;
    private AttributionDeal _twelve = null!;
    private AttributionDeal _sixteen = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(5);
        _history = new WinRateHistory(Enumerable.Range(0, 5000).Select(_ => (random.Next(1, 64), random.NextDouble() < 0.3)));
        _ten = Deal(10, random);
        _twelve = Deal(12, random);
        _sixteen = Deal(16, random);
    }

    [Benchmark(Description = "Shapley, 10 partners (exact)")]
    public IReadOnlyDictionary<string, decimal> TenPartners() => _engine.Credit(_ten, AttributionModel.Shapley, _history);

    [Benchmark(Description = "Shapley, 12 partners (exact)")]
    public IReadOnlyDictionary<string, decimal> TwelvePartners() => _engine.Credit(_twelve, AttributionModel.Shapley, _history);

    [Benchmark(Description = "Shapley, 16 partners (5,000 sampled orders)")]
    public IReadOnlyDictionary<string, decimal> SixteenPartners() => _engine.Credit(_sixteen, AttributionModel.Shapley, _history);

    private static AttributionDeal Deal(int partners, Random random)
    {
        var close = new DateOnly(2026, 9, 30);
        var roles = Enum.GetValues<PartnerRole>();
        var touches = Enumerable.Range(0, partners + 2)
            .Select(i => new AttributionTouch($"partner-{i % partners}", roles[random.Next(roles.Length)], close.AddDays(-random.Next(120)), i == 0, i))
            .ToList();
        return new AttributionDeal(1, 1_000_000m, close, touches);
    }
}

/// <summary>One call per iteration, 300 measured, so median and p95 describe single calls.</summary>
public sealed class DealLatencyConfig : ManualConfig
{
    public DealLatencyConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(20)
            .WithIterationCount(300)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, BenchmarkDotNet.Columns.StatisticColumn.P95,
            BenchmarkDotNet.Columns.StatisticColumn.Min, BenchmarkDotNet.Columns.StatisticColumn.Max);
        AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}

/// <summary>Batches of registrations per iteration; the time per operation gives registrations per second.</summary>
public sealed class DealThroughputConfig : ManualConfig
{
    public DealThroughputConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(20)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, BenchmarkDotNet.Columns.StatisticColumn.P95,
            BenchmarkDotNet.Columns.StatisticColumn.Min, BenchmarkDotNet.Columns.StatisticColumn.Max);
        AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}
