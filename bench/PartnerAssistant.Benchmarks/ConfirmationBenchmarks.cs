using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PartnerAssistant.Conversation;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Benchmarks;

/// <summary>
/// What taking confirmations in the database costs a turn, on SQLite with 100,000 stored confirmations (2,000
/// conversations, five people each, a week of them answered): the read every free-text message now makes (the
/// person's latest open confirmation), and asking then answering one (supersede + insert, then the conditional
/// UPDATE and the re-read).
/// </summary>
[Config(typeof(LatencyConfig))]
public class ConfirmationBenchmarks
{
    private const int Conversations = 2_000;
    private const int People = 5;
    private const int Stored = 100_000;
    private static readonly PendingConfirmation Touch = new("Deals.RecordTouch", new() { ["number"] = "DR-1042", ["partner"] = "meridian", ["role"] = "influence", ["on"] = "2026-12-01" }, "record Meridian Advisory as influence on DR-1042", default);
    private static readonly ConfirmationFact[] Facts = [new("Registration", "DR-1042 (Contoso Ltd – Azure migration)"), new("Partner", "Meridian Advisory"), new("Role", "influence"), new("Touch date", "1 Dec 2026")];

    private ServiceProvider _services = null!;
    private PendingConfirmationStore _store = null!;
    private string _folder = null!;
    private Random _random = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "pa-bench-confirm-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_folder);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data:Folder"] = _folder, ["Deals:SeedDemo"] = "false", ["Program:SeedDemo"] = "false", ["Prediction:TrainAtFirstRun"] = "false", ["Knowledge:IngestOnStart"] = "false",
        }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        BotFramework.BotFrameworkServiceCollectionExtensions.AddBotFramework(collection, configuration);
        collection.AddPartnerAssistant(configuration);
        _services = collection.BuildServiceProvider();
        AssistantStartup.PrepareAsync(_services, NullLogger.Instance, CancellationToken.None).GetAwaiter().GetResult();
        _store = _services.GetRequiredService<PendingConfirmationStore>();
        FillAsync().GetAwaiter().GetResult();
        _random = new Random(11);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "latest open confirmation of a person (every free-text message)")]
    public Task<StoredConfirmation?> LatestOpen() =>
        _store.LatestOpenAsync(Conversation(_random.Next(Conversations)), Person(_random.Next(People)), CancellationToken.None);

    [Benchmark(Description = "ask and answer a confirmation (create, then take)")]
    public async Task<ConsumeResult> AskAndAnswer()
    {
        var conversation = Conversation(_random.Next(Conversations));
        var person = Person(_random.Next(People));
        var stored = await _store.CreateAsync(conversation, person, Touch, Facts, CancellationToken.None);
        return (await _store.ConsumeAsync(stored.Id, conversation, person, ConfirmationOutcome.Confirmed, CancellationToken.None)).Result;
    }

    private async Task FillAsync()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var arguments = System.Text.Json.JsonSerializer.Serialize(Touch.Arguments);
        var facts = System.Text.Json.JsonSerializer.Serialize(Facts);
        for (var batch = 0; batch < Stored / 5_000; batch++)
        {
            await using var scope = _services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ConversationDbContext>();
            for (var i = 0; i < 5_000; i++)
            {
                var n = (batch * 5_000) + i;
                var answered = n % 10 != 0;
                db.PendingConfirmations.Add(new PendingConfirmationRow
                {
                    Id = Guid.NewGuid().ToString("N"), ConversationKey = Conversation(n % Conversations), PersonId = Person(n / Conversations % People),
                    Intent = Touch.Intent, ArgumentsJson = arguments, Summary = Touch.Summary, FactsJson = facts,
                    CreatedAtMs = now - ((Stored - n) * 6_000L), ExpiresAtMs = now + 1_800_000,
                    ConsumedAtMs = answered ? now - 1_000 : null, Outcome = answered ? nameof(ConfirmationOutcome.Confirmed) : null,
                });
            }

            await db.SaveChangesAsync();
        }
    }

    private static string Conversation(int n) => $"msteams/19:{n:x8}@thread.v2";

    private static string Person(int n) => $"person-{n}";
}
