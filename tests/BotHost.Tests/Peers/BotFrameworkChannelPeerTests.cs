using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Peers;

/// <summary>
/// The host with a real app id, talked to by a Bot Framework channel built on Microsoft's
/// botbuilder / botframework-connector 4.23 (<c>tests/peers/botframework-channel.mjs</c>): the
/// channel signs its tokens, serves the bot's Entra ID token endpoint and receives the bot's
/// replies through the SDK's ChannelServiceRoutes. The peer runs every scenario once; each test
/// below judges one of them.
/// </summary>
public sealed class BotFrameworkChannelRun : IAsyncLifetime
{
    public string? SkipReason { get; private set; }

    public string AppId { get; } = Guid.NewGuid().ToString();

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
        var peerPort = BotHostInstance.FreePort();
        var peer = $"http://127.0.0.1:{peerPort}";
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        await using var host = await BotHostInstance.StartAsync(new Dictionary<string, string?>
        {
            ["Bot:MicrosoftAppId"] = AppId,
            ["Bot:MicrosoftAppPassword"] = secret,
            // Everything the bot would ask the Bot Framework and Entra ID for, the peer answers.
            ["Bot:OpenIdMetadataUrl"] = $"{peer}/v1/.well-known/openidconfiguration",
            ["Bot:TokenEndpoint"] = peer + "/{tenantId}/oauth2/v2.0/token",
            ["Bot:EntraOpenIdMetadataUrl"] = peer + "/{tenantId}/v2.0/.well-known/openid-configuration",
        });

        Results = await NodePeers.RunScriptAsync(
            "botframework-channel.mjs",
            ["--port", peerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bot", host.MessagesEndpoint.ToString(), "--app-id", AppId],
            new Dictionary<string, string> { ["PEER_BOT_APP_PASSWORD"] = secret },
            TimeSpan.FromMinutes(3),
            cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed class BotFrameworkChannelPeerTests(BotFrameworkChannelRun run) : IClassFixture<BotFrameworkChannelRun>
{
    private JsonObject Scenario(string name)
    {
        if (run.SkipReason is not null)
        {
            Assert.Skip(run.SkipReason);
        }

        return run.Results.Scenario(name);
    }

    [Fact]
    public void Message_FromRegisteredPartner_ReplyArrivesThroughChannelServiceRoutes()
    {
        var scenario = Scenario("message");

        Assert.True(scenario["sdkVerdict"]?["accepted"]?.GetValue<bool>() == true, $"The SDK itself should accept the peer's token: {scenario["sdkVerdict"]}");
        Assert.Equal(200, scenario["status"]!.GetValue<int>());
        var replies = scenario["replies"].Objects();
        var reply = Assert.Single(replies);
        Assert.Equal("replyToActivity", reply.Text("operation"));
        Assert.Equal(scenario.Text("sentActivityId"), reply.Text("routeActivityId"));
        Assert.Contains("Priya Patel", reply.Text("text"));
        Assert.Contains("Bluewave Solutions", reply.Text("text"));
        AssertAddressedAsReply(reply);
    }

    [Fact]
    public void Message_FromUnknownChannelId_RepliesNotRegisteredWithTheId()
    {
        var reply = Assert.Single(Scenario("unknownUser")["replies"].Objects());

        Assert.Contains("don't have you in the partner directory", reply.Text("text"));
        Assert.Contains("stranger-42", reply.Text("text"));
        AssertAddressedAsReply(reply);
    }

    [Fact]
    public void Message_DeliveredTwiceWithTheSameId_AnsweredOnce()
    {
        var scenario = Scenario("redelivery");
        var replies = scenario["replies"].Objects();

        Assert.Equal([200, 200], scenario["statuses"]!.AsArray().Select(s => s!.GetValue<int>()));
        Assert.True(replies.Count == 1, $"A re-delivered activity must not be answered again; got {replies.Count} replies:\n{PeerResults.Describe(replies)}");
        Assert.Contains("Lukas Meyer", replies[0].Text("text"));
    }

    [Fact]
    public void ExpectReplies_Message_RepliesInHttpBodyAndNoneThroughRoutes()
    {
        var scenario = Scenario("expectReplies");

        Assert.Equal(200, scenario["status"]!.GetValue<int>());
        Assert.True(scenario["bodyHasActivities"]!.GetValue<bool>(), "An expectReplies turn must answer {\"activities\": [...]} in the HTTP body.");
        var reply = Assert.Single(scenario["replies"].Objects());
        Assert.Contains("partner user at Keystone Integration Group", reply.Text("text"));
        Assert.All(reply["suggestedActions"].Objects(), action => Assert.True(action["valid"]!.GetValue<bool>(), $"Not a CardAction for the SDK: {action}"));
        AssertAddressedAsReply(reply);
        Assert.Equal(0, scenario["throughRoutes"]!.GetValue<int>());
    }

    [Fact]
    public void ConversationUpdate_BotAndTwoUsersAdded_OneWelcomePerUser()
    {
        var scenario = Scenario("membersAdded");
        var replies = scenario["replies"].Objects();

        Assert.Equal(200, scenario["status"]!.GetValue<int>());
        Assert.True(replies.Count == 2, $"Expected one welcome for each of the two users (none for the bot), got {replies.Count}:\n{PeerResults.Describe(replies)}");
        Assert.Single(replies, r => r.Text("text")!.StartsWith("Hi Priya!", StringComparison.Ordinal));
        Assert.Single(replies, r => r.Text("text")!.StartsWith("Hi Maya!", StringComparison.Ordinal));
        Assert.All(replies, r => Assert.Equal("replyToActivity", r.Text("operation")));
    }

    [Fact]
    public void Invoke_AdaptiveCardActionHelpCapabilities_AnswersInInvokeResponse()
    {
        var scenario = Scenario("invoke");
        var body = scenario["body"] as JsonObject;

        Assert.Equal(200, scenario["status"]!.GetValue<int>());
        Assert.True(body is not null, "An adaptiveCard/action invoke must be answered in the HTTP body.");
        Assert.Equal(200, body!["statusCode"]!.GetValue<int>());
        Assert.Equal("application/vnd.microsoft.activity.message", body.Text("type"));
        Assert.Contains("channel manager at Northbeam Technologies", body.Text("value"));
        Assert.Equal(0, scenario["throughRoutes"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("token.wrongAudience")]
    [InlineData("token.unendorsedKey")]
    [InlineData("token.wrongServiceUrl")]
    [InlineData("token.expired")]
    [InlineData("token.missing")]
    public void Activity_WithTokenTheChannelWouldNeverSend_Returns401AndNoTurn(string name)
    {
        var scenario = Scenario(name);

        if (scenario["sdkVerdict"] is JsonObject verdict)
        {
            Assert.False(verdict["accepted"]!.GetValue<bool>(), $"The peer meant to send a bad token, but the SDK accepts it: {verdict}");
        }

        Assert.Equal(401, scenario["status"]!.GetValue<int>());
        Assert.Equal(0, scenario["throughRoutes"]!.GetValue<int>());
    }

    [Fact]
    public void Activity_FromWebChatSignedWithKeyEndorsedForWebChat_IsAccepted()
    {
        var scenario = Scenario("token.endorsedForWebChat");

        Assert.True(scenario["sdkVerdict"]?["accepted"]?.GetValue<bool>() == true, $"The SDK itself should accept this token: {scenario["sdkVerdict"]}");
        Assert.Equal(200, scenario["status"]!.GetValue<int>());
        var reply = Assert.Single(scenario["replies"].Objects());
        Assert.Equal("webchat", reply.Text("channelId"));
        Assert.Contains("Priya Patel", reply.Text("text"));
    }

    [Fact]
    public void ConnectorToken_ClientCredentialsForTheBotFrameworkScope_FetchedOnceAndAccepted()
    {
        if (run.SkipReason is not null)
        {
            Assert.Skip(run.SkipReason);
        }

        var request = Assert.Single(run.Results["tokenRequests"].Objects());
        Assert.Equal("client_credentials", request.Text("grantType"));
        Assert.Equal(run.AppId, request.Text("clientId"));
        Assert.Equal("https://api.botframework.com/.default", request.Text("scope"));
        Assert.Empty(run.Results["connectorAuthFailures"]!.AsArray());
    }

    /// <summary>A reply must go back to the same conversation, from the bot, to the user, as the SDK's conversation reference says.</summary>
    private static void AssertAddressedAsReply(JsonObject reply)
    {
        Assert.Equal("message", reply.Text("type"));
        foreach (var (part, matches) in reply["matchesReference"]!.AsObject())
        {
            Assert.True(matches!.GetValue<bool>(), $"The reply's {part} does not match TurnContext.getConversationReference of the incoming activity: {reply.ToJsonString()}");
        }

        foreach (var (check, passed) in reply["schema"]!.AsObject())
        {
            Assert.True(passed!.GetValue<bool>(), $"botframework-schema check {check} failed for the reply: {reply.ToJsonString()}");
        }
    }
}
