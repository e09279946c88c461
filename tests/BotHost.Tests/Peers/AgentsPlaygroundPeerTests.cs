using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using PartnerAssistant.Conversation;
using PartnerAssistant.Hosting;

namespace BotHost.Tests.Peers;

/// <summary>
/// The host in local development mode, used by Microsoft 365 Agents Playground (its Teams channel)
/// as a person would use it, driven through the playground's own HTTP and websocket API
/// (<c>tests/peers/agents-playground.mjs</c>). The playground's default user is added to the
/// directory first, through the admin API, as a partner administrator.
/// </summary>
public sealed class AgentsPlaygroundRun : IAsyncLifetime
{
    /// <summary>The playground's built-in mock tenant: its current user and that user's Entra object id.</summary>
    public const string PlaygroundUserObjectId = "00000000-0000-0000-0000-0000000000020";
    public const string PlaygroundUserName = "Alex Wilber";
    public const string CardUtterance = "order a sample kit";
    public const string ExecuteUtterance = "where is my sample kit";

    private readonly string _prompts = Path.Combine(Path.GetTempPath(), "pa-prompts-" + Guid.NewGuid().ToString("N")[..10]);

    public string? SkipReason { get; private set; }

    public JsonObject Results { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        SkipReason = NodePeers.MissingTool();
        if (SkipReason is not null)
        {
            return;
        }

        var cancellationToken = TestContext.Current.CancellationToken;
        await NodePeers.EnsureInstalledAsync(cancellationToken);
        CopyPromptsWithTestIntents();
        await using var host = await BotHostInstance.StartAsync(
            new Dictionary<string, string?> { ["Prompts:Folder"] = _prompts },
            configure: builder => builder.Services.AddAssistantPlugin<TestCardsPlugin>("TestCards"));

        using (var client = host.CreateClient())
        {
            // The admin API is open to loopback callers in local development mode.
            var saved = await client.PutAsJsonAsync("/api/admin/directory/people/alex-wilber", new JsonObject
            {
                ["id"] = "alex-wilber",
                ["channelUserId"] = PlaygroundUserObjectId,
                ["displayName"] = PlaygroundUserName,
                ["email"] = "alex.wilber@keystone.example",
                ["organisationId"] = "keystone",
                ["role"] = "PartnerAdmin",
            }, cancellationToken);
            saved.EnsureSuccessStatusCode();
        }

        Results = await NodePeers.RunScriptAsync(
            "agents-playground.mjs",
            ["--bot", host.MessagesEndpoint.ToString(), "--port", BotHostInstance.FreePort().ToString(CultureInfo.InvariantCulture), "--card-utterance", CardUtterance, "--execute-utterance", ExecuteUtterance],
            new Dictionary<string, string>(),
            TimeSpan.FromMinutes(4),
            cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        if (System.IO.Directory.Exists(_prompts))
        {
            System.IO.Directory.Delete(_prompts, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private void CopyPromptsWithTestIntents()
    {
        var source = AssetLocator.Require("prompts", "The prompts folder is copied beside the host.");
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_prompts, Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        File.Copy(Path.Combine(AppContext.BaseDirectory, "Peers", "test-intents", "testcards.yaml"), Path.Combine(_prompts, "intents", "testcards.yaml"));
    }
}

public sealed class AgentsPlaygroundPeerTests(AgentsPlaygroundRun run) : IClassFixture<AgentsPlaygroundRun>
{
    private JsonObject Scenario(string name)
    {
        if (run.SkipReason is not null)
        {
            Assert.Skip(run.SkipReason);
        }

        // Everything below depends on the playground still having the default user the directory maps.
        Assert.True(run.Results["currentUser"].Text("aadObjectId") == AgentsPlaygroundRun.PlaygroundUserObjectId,
            $"The playground's default user changed ({run.Results["currentUser"]}); update the directory mapping in {nameof(AgentsPlaygroundRun)}.");
        return run.Results.Scenario(name);
    }

    [Theory]
    [InlineData("install.personal")]
    [InlineData("install.groupChat")]
    public void Install_InPersonalOrGroupChat_WelcomesTheInstallingUserOnceByName(string name)
    {
        var messages = Scenario(name)["botMessages"].Objects();

        Assert.True(messages.Count == 1, $"Installing the app should show one welcome, got {messages.Count}:\n{PeerResults.Describe(messages)}");
        Assert.StartsWith("Hi Alex!", messages[0].Text("text"));
        Assert.Contains("partner administrator at Keystone Integration Group", messages[0].Text("text"));
    }

    [Fact]
    public void GroupChatMention_WhoAmI_AnswersWithTheUsersProfile()
    {
        var messages = Scenario("mention.whoAmI")["botMessages"].Objects();

        var reply = Assert.Single(messages);
        Assert.Contains($"You are **{AgentsPlaygroundRun.PlaygroundUserName}**", reply.Text("text"));
        Assert.Contains("Keystone Integration Group", reply.Text("text"));
    }

    [Fact]
    public void GroupChatMention_BotMentionIsRemovedBeforeTheBotReadsTheText()
    {
        var scenario = Scenario("mention.repeat");

        var reply = Assert.Single(scenario["botMessages"].Objects());
        Assert.StartsWith("<at>", scenario.Text("sentText"));
        Assert.Equal("I received: [repeat after me]", reply.Text("text"));
    }

    [Fact]
    public void CardSubmit_ConfirmationCardYes_RunsTheConfirmedAction()
    {
        var scenario = Scenario("cardSubmit");

        Assert.True(scenario["cardShown"]!.GetValue<bool>(), $"'{AgentsPlaygroundRun.CardUtterance}' should be answered with a card:\n{PeerResults.Describe(scenario["botMessages"].Objects())}");
        Assert.Contains("order the edge starter sample kit", scenario["card"]!.ToJsonString());
        var action = scenario["submitAction"] as JsonObject;
        Assert.True(action is not null, $"The card has no Action.Submit to press: {scenario["card"]}");
        Assert.Equal("Yes, go ahead", action!.Text("title"));
        Assert.Equal(AssistantBot.ConfirmIntent, action["data"].Text("action"));
        var after = scenario["afterSubmit"].Objects();
        var reply = Assert.Single(after);
        Assert.Equal($"Ordered the {TestCardsPlugin.Kit} sample kit for {AgentsPlaygroundRun.PlaygroundUserName}.", reply.Text("text"));
    }

    [Fact]
    public void CardExecute_RefreshAction_AnswersWithTheCardThatReplacesIt()
    {
        var scenario = Scenario("cardExecute");

        Assert.True(scenario["cardShown"]!.GetValue<bool>(), $"'{AgentsPlaygroundRun.ExecuteUtterance}' should be answered with a card:\n{PeerResults.Describe(scenario["botMessages"].Objects())}");
        Assert.Contains("ordered", scenario["card"]!.ToJsonString());
        Assert.Equal("TestCards.RefreshSampleKitStatus", scenario["executeAction"].Text("verb"));
        var response = scenario["invokeResponse"] as JsonObject;
        Assert.True(response is not null, "The playground returned nothing for the Action.Execute invoke.");
        Assert.Equal("application/vnd.microsoft.card.adaptive", response!.Text("type"));
        var card = response["value"]!.ToJsonString();
        Assert.Contains("shipped", card);
        Assert.Contains($"refreshed for {AgentsPlaygroundRun.PlaygroundUserName}", card);
    }
}
