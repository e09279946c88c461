using System.Net;
using System.Text.Json.Nodes;
using BotFramework.Schema;
using BotHost.DirectLine;
using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PartnerAssistant.Conversation;
using PartnerAssistant.Tests.Infrastructure;

namespace BotHost.Tests.DirectLine;

/// <summary>
/// Direct Line conversations kept in the database: a person's page reopened resumes their conversation
/// with what arrived meanwhile, across a restart, and two hosts on one database serve one conversation.
/// </summary>
public sealed class DirectLinePersistenceTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static IEnumerable<string> BotTexts(IEnumerable<JsonObject> activities) =>
        activities.Where(a => a["type"]!.GetValue<string>() == "message" && a["from"]!["role"]?.GetValue<string>() == "bot")
            .Select(a => a["text"]?.GetValue<string>() ?? "");

    [Fact]
    public async Task Resume_ThePersonsLatestConversation_ShowsItsHistoryAndWhatArrivedWhileAway_WithoutASecondGreeting()
    {
        var first = await DirectLineClient.StartAsync(fixture.Client, "demo-partner-2");
        await first.SayAsync("who am I?");
        await first.PollAsync();
        // The page is closed; an approval arrives.
        var messenger = fixture.Host.Services.GetRequiredService<IProactiveMessenger>();
        Assert.True(await messenger.SendToPersonAsync("lukas-meyer", AssistantReply.Say("DR-2001 was approved."), TestContext.Current.CancellationToken));

        var reopened = await DirectLineClient.StartAsync(fixture.Client, "demo-partner-2", resume: true);
        var history = await reopened.PollAsync();

        Assert.Equal(first.ConversationId, reopened.ConversationId);
        var texts = BotTexts(history).ToList();
        Assert.Single(texts, t => t.StartsWith("Hi Lukas!", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("You are **Lukas Meyer**", StringComparison.Ordinal));
        Assert.Equal("DR-2001 was approved.", texts[^1]);
    }

    [Fact]
    public async Task NewConversation_WithoutResume_IsAnotherOne_AndResumeThenPicksTheNewest()
    {
        var older = await DirectLineClient.StartAsync(fixture.Client, "demo-sales");
        var newer = await DirectLineClient.StartAsync(fixture.Client, "demo-sales");
        await newer.SayAsync("who am I?");

        var resumed = await DirectLineClient.StartAsync(fixture.Client, "demo-sales", resume: true);

        Assert.NotEqual(older.ConversationId, newer.ConversationId);
        Assert.Equal(newer.ConversationId, resumed.ConversationId);
    }

    [Fact]
    public async Task Restart_TheTokenTheConversationAndItsHistorySurvive()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var http = host.CreateClient();
        var client = await DirectLineClient.StartAsync(http, "demo-manager");
        await client.SayAsync("who am I?");
        var before = await client.PollAsync();

        await host.RestartAsync();
        using var again = host.CreateClient();
        var sameToken = DirectLineClient.With(again, client.Token, client.ConversationId);
        var history = await sameToken.PollAsync();
        await sameToken.SayAsync("who am I?");
        var after = await sameToken.PollAsync();

        Assert.Equal(before.Select(a => a["id"]!.GetValue<string>()), history.Select(a => a["id"]!.GetValue<string>()));
        Assert.Contains(BotTexts(after), t => t.Contains("You are **Maya Chen**", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task TwoHostsOnOneDatabase_ServeOneConversation_TokensUploadsAndProactiveMessagesIncluded(string provider)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Data:Folder"] = Path.Combine(Path.GetTempPath(), "pa-two-hosts-" + Guid.NewGuid().ToString("N")[..8]),
            ["Database:Provider"] = provider,
        };
        if (provider == "Postgres")
        {
            var server = await PostgresServer.GetAsync();
            if (server.Unavailable is not null)
            {
                Assert.Skip(server.Unavailable);
            }

            settings["Database:ConnectionString"] = await server.CreateDatabaseAsync("directline");
        }

        await using var a = await BotHostInstance.StartAsync(settings);
        await using var b = await BotHostInstance.StartAsync(settings);
        using var httpA = a.CreateClient();
        using var httpB = b.CreateClient();

        var onA = await DirectLineClient.StartAsync(httpA, "demo-editor");
        var onB = DirectLineClient.With(httpB, onA.Token, onA.ConversationId);
        await onB.SayAsync("who am I?");
        var (status, _) = await onB.UploadAsync("add this document", ("lantern.md", "text/markdown",
            DirectLineUploadTests.Article("Lantern incentive", "The Lantern incentive pays 250 USD per pilot.")));
        await b.Services.GetRequiredService<IProactiveMessenger>()
            .SendToPersonAsync("elena-novak", AssistantReply.Say("Your review is due."), TestContext.Current.CancellationToken);
        var seenOnA = await onA.PollAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        var texts = BotTexts(seenOnA).ToList();
        Assert.StartsWith("Hi Elena!", texts[0]);
        Assert.Contains(texts, t => t.Contains("You are **Elena Novak**", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("I read **lantern.md**", StringComparison.Ordinal));
        Assert.Equal("Your review is due.", texts[^1]);
        var file = seenOnA.Last(x => x["attachments"] is JsonArray { Count: > 0 } list && list[0]!["name"]?.GetValue<string>() == "lantern.md");
        using var fromA = await httpA.GetAsync(new Uri(file["attachments"]![0]!["contentUrl"]!.GetValue<string>()).PathAndQuery, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, fromA.StatusCode);
    }

    [Fact]
    public async Task Sweep_RemovesIdleConversationsWithTheirFiles_AndKeepsTheNewestFivePerPerson()
    {
        await using var host = await BotHostInstance.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = new DirectLineOptions { ConversationIdleTimeout = TimeSpan.FromDays(30), MaxConversationsPerPerson = 5 };
        var store = new DirectLineConversations(host.Services.GetRequiredService<IServiceScopeFactory>(), Options.Create(settings), clock);
        var idle = await store.CreateAsync("demo-partner", "Priya Patel", TestContext.Current.CancellationToken);
        await store.AppendAsync(idle.Id, new Activity { Type = ActivityTypes.Message, Text = "old" }, TestContext.Current.CancellationToken);
        var file = await store.SaveFileAsync(idle.Id, "old.txt", "text/plain", [1, 2, 3], TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromDays(31));
        var busy = new List<DirectLineConversation>();
        for (var i = 0; i < 7; i++)
        {
            busy.Add(await store.CreateAsync("demo-sales", "Sam Rivera", TestContext.Current.CancellationToken));
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        var removed = await store.SweepAsync(TestContext.Current.CancellationToken);

        Assert.Equal(3, removed);
        Assert.Null(await store.FindFileAsync(file, TestContext.Current.CancellationToken));
        Assert.Empty((await store.ReadAsync(idle.Id, null, TestContext.Current.CancellationToken)).Activities);
        Assert.Null(await store.LatestOfAsync("demo-partner", TestContext.Current.CancellationToken));
        Assert.Equal(busy[^1].Id, (await store.LatestOfAsync("demo-sales", TestContext.Current.CancellationToken))!.Id);
        var kept = new List<string>();
        foreach (var conversation in busy)
        {
            try
            {
                await store.AppendAsync(conversation.Id, new Activity { Type = ActivityTypes.Message, Text = "still here?" }, TestContext.Current.CancellationToken);
                kept.Add(conversation.Id);
            }
            catch (BotFramework.Connector.ConnectorException ex) when (ex.StatusCode == 404)
            {
            }
        }

        Assert.Equal(busy.Skip(2).Select(c => c.Id), kept);
    }
}
