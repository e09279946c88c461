using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation;
using PartnerAssistant.Tests.Infrastructure;
using PartnerAssistant.Trust;

namespace BotHost.Tests.Trust;

/// <summary>Trusted data in the running host: residency in /health, every person column declared, retention from the maintenance loop.</summary>
public sealed class TrustHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_ListsWhereEachKindOfDataIsStored_WithTheDeclaredRegionsAndNoCredentials()
    {
        await using var host = await BotHostInstance.StartAsync(new Dictionary<string, string?>
        {
            ["Privacy:Residency:DataFolderRegion"] = "eu-central",
            ["Edge:Gateways:0:Name"] = "plant-7",
            ["Edge:Gateways:0:Site"] = "Keystone plant 7, Stuttgart",
            ["Edge:Gateways:0:Url"] = "http://edge-plant7.keystone.example:5080",
            ["Edge:Gateways:0:ApiKey"] = "not-a-real-key-123",
        });
        using var http = host.CreateClient();

        var health = await http.GetFromJsonAsync<JsonObject>("/health", Ct);
        var residency = health!["residency"]!.AsArray().Select(l => l!.AsObject()).ToDictionary(l => l["store"]!.GetValue<string>());

        Assert.Equal("eu-central", residency["data folder"]["region"]!.GetValue<string>());
        Assert.Equal("the data folder", residency["database"]["location"]!.GetValue<string>());
        Assert.Equal("eu-central", residency["database"]["region"]!.GetValue<string>());
        Assert.Contains("the relational database (SQLite file)", residency["data folder"]["holds"]!.AsArray().Select(h => h!.GetValue<string>()));
        Assert.Equal("edge-plant7.keystone.example at Keystone plant 7, Stuttgart", residency["edge gateway plant-7"]["location"]!.GetValue<string>());
        Assert.Contains("not kept", residency["edge gateway plant-7"]["holds"]![0]!.GetValue<string>());
        Assert.DoesNotContain("not-a-real-key-123", health.ToJsonString());
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Catalogue_EveryColumnThatLooksLikeAPerson_IsDeclaredBySomeCapabilitysPersonalData(string provider)
    {
        var settings = new Dictionary<string, string?>();
        if (provider == "Postgres")
        {
            var server = await PostgresServer.GetAsync();
            if (server.Unavailable is not null)
            {
                Assert.Skip(server.Unavailable);
            }

            settings["Database:Provider"] = "Postgres";
            settings["Database:ConnectionString"] = await server.CreateDatabaseAsync("coverage");
        }

        await using var host = await BotHostInstance.StartAsync(settings);
        var declared = host.Services.GetServices<IPersonalDataSource>().SelectMany(s => s.PersonColumns).ToHashSet(StringComparer.OrdinalIgnoreCase);
        await using var sql = await SqlSession.BeginAsync(host.Services.GetRequiredService<IServiceScopeFactory>(), Ct, snapshot: true);

        var catalogue = await DatabaseCatalogue.ReadAsync(sql, Ct);
        var undeclared = catalogue
            .Where(t => !DatabaseCatalogue.IsBookkeeping(t.Name))
            .SelectMany(t => t.Columns.Select(c => $"{t.Name}.{c.Name}"))
            .Where(column => DatabaseCatalogue.LooksLikeAPerson(column.Split('.')[1].ToLowerInvariant()) && !declared.Contains(column) && !DatabaseCatalogue.NotAPerson.ContainsKey(column))
            .ToList();

        Assert.Contains(catalogue, t => t.Name == "directline_conversations");
        Assert.True(undeclared.Count == 0, "Columns that look like they hold a person but no IPersonalDataSource declares (add them, or to DatabaseCatalogue.NotAPerson with the reason):\n" + string.Join("\n", undeclared));
        Assert.All(declared, column => Assert.Contains(catalogue, t => column.StartsWith(t.Name + ".", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void SettingsFile_PrivacySection_StatesEveryRetentionPeriodAtItsDocumentedDefault()
    {
        // The shipped appsettings.json is where an operator finds the periods: each kind must be there, with the default the options document.
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "appsettings.json")))!;
        var section = file[PrivacyOptions.SectionName]?["Retention"]?.AsObject();
        Assert.NotNull(section);
        var defaults = new RetentionOptions();
        foreach (var kind in Enum.GetValues<RetentionKind>())
        {
            var stated = section[kind.ToString()]?.GetValue<string>();
            Assert.True(stated is not null, $"appsettings.json has no Privacy:Retention:{kind}");
            Assert.Equal(defaults.For(kind), TimeSpan.Parse(stated, System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(new PrivacyOptions().MaintenanceInterval, TimeSpan.Parse(file[PrivacyOptions.SectionName]!["MaintenanceInterval"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task MaintenanceLoop_RemovesTranscriptsOlderThanTheirRetention_WithoutAnyoneAsking()
    {
        await using var host = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["Privacy:MaintenanceInterval"] = "00:00:10" });
        var store = host.Services.GetRequiredService<ConversationStore>();
        await store.SaveConversationAsync("test/recent", new ConversationState { Values = { ["x"] = JsonValue.Create(1) } }, Ct);
        await store.SaveConversationAsync("test/stale", new ConversationState { Values = { ["x"] = JsonValue.Create(1) } }, Ct);
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ConversationDbContext>();
            var stale = DateTimeOffset.UtcNow.AddDays(-31).ToUnixTimeMilliseconds();
            await db.States.Where(s => s.Key == "test/stale").ExecuteUpdateAsync(set => set.SetProperty(s => s.UpdatedAtMs, stale), Ct);
        }

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await store.LoadConversationAsync("test/stale", Ct) is { IsEmpty: false } && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500, Ct);
        }

        Assert.True((await store.LoadConversationAsync("test/stale", Ct)).IsEmpty);
        Assert.False((await store.LoadConversationAsync("test/recent", Ct)).IsEmpty);
    }
}
