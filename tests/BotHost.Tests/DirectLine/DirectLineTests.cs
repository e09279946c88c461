using System.Net;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using BotHost.Tests.Infrastructure.Cards;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation;

namespace BotHost.Tests.DirectLine;

/// <summary>A host in local development mode with the showcase capability, for Direct Line clients.</summary>
public sealed class LocalHostFixture : IAsyncLifetime
{
    public BotHostInstance Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var prompts = TestPrompts.CreateFolder();
        Showcase.AddIntents(prompts);
        Host = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["Prompts:Folder"] = prompts }, Showcase.Register);
        Client = Host.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>The host's Direct Line 3.0 endpoint, as Web Chat uses it, in local development mode.</summary>
public sealed class DirectLineTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task StartConversation_GreetsTheTokensUserByName()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-manager");

        var greeting = Assert.Single(await client.BotMessagesSinceLastPollAsync());

        Assert.StartsWith("Hi Maya!", greeting["text"]!.GetValue<string>());
        Assert.Equal("demo-manager", greeting["recipient"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostActivity_FromClaimsSomeoneElse_TheBotAnswersTheTokensUser()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        await client.PollAsync();

        await client.PostAsync(new JsonObject { ["type"] = "message", ["text"] = "who am I?", ["from"] = new JsonObject { ["id"] = "demo-manager", ["name"] = "Maya Chen" } });

        var activities = await client.PollAsync();
        var echo = Assert.Single(activities, a => a["from"]!["role"]?.GetValue<string>() == "user");
        Assert.Equal("demo-partner", echo["from"]!["id"]!.GetValue<string>());
        var answer = Assert.Single(activities, a => a["from"]!["role"]?.GetValue<string>() == "bot" && a["type"]!.GetValue<string>() == "message");
        Assert.Contains("You are **Priya Patel**", answer["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostActivity_EchoKeepsTheClientActivityId_SoWebChatMarksItSent()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        await client.PollAsync();

        var id = await client.PostAsync(new JsonObject { ["type"] = "message", ["text"] = "hello", ["channelData"] = new JsonObject { ["clientActivityID"] = "client-42" } });

        var echo = (await client.PollAsync()).First();
        Assert.Equal(id, echo["id"]!.GetValue<string>());
        Assert.Equal("client-42", echo["channelData"]!["clientActivityID"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetActivities_Watermark_ReturnsOnlyWhatCameAfterIt()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        await client.PollAsync();
        await client.SayAsync("who am I?");
        await client.PollAsync();

        Assert.Empty(await client.PollAsync());
        await client.SayAsync("what can you do?");
        var next = await client.PollAsync();

        Assert.Equal(["user", "bot"], next.Where(a => a["type"]!.GetValue<string>() == "message").Select(a => a["from"]!["role"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Token_ForAnotherConversation_CannotReadOrPostThere()
    {
        var priya = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        var lukas = await DirectLineClient.StartAsync(fixture.Client, "demo-partner-2");

        var (readStatus, readBody) = await lukas.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{priya.ConversationId}/activities", null);
        var (postStatus, _) = await lukas.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{priya.ConversationId}/activities", new JsonObject { ["type"] = "message", ["text"] = "hi" });

        Assert.Equal(HttpStatusCode.Forbidden, readStatus);
        Assert.Equal(HttpStatusCode.Forbidden, postStatus);
        Assert.Equal("BadArgument", readBody!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_Tampered_IsRefused()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        var payload = client.Token.Split('.')[0];
        var forged = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(
            System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(payload)).Replace("demo-partner", "demo-manager", StringComparison.Ordinal)));

        var (status, body) = await client.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{client.ConversationId}/activities", null, token: forged + "." + client.Token.Split('.')[1]);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("TokenExpired", body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task GenerateToken_UserNotInTheDirectory_IsRefused()
    {
        var client = new DirectLineClient(fixture.Client);

        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", new JsonObject { ["user"] = new JsonObject { ["id"] = "mallory" } }, token: null);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("mallory", body!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task RefreshToken_SameConversationAndUser_NewTokenWorks()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");

        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/refresh", null);
        var refreshed = new DirectLineClient(fixture.Client);
        var (pollStatus, _) = await refreshed.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{client.ConversationId}/activities", null, token: body!["token"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(client.ConversationId, body["conversationId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, pollStatus);
    }

    [Fact]
    public async Task ActionExecute_InWebChat_IsASubmitThatTheChannelTurnsIntoTheInvoke_AndTheCardIsReplacedInPlace()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-manager");
        await client.PollAsync();
        await client.SayAsync(Showcase.Utterance);
        var shown = Assert.Single(await client.BotMessagesSinceLastPollAsync());
        var card = Assert.Single(AdaptiveCardValidator.CardsOf(shown));
        var approve = card["actions"]!.AsArray().Single(a => a!["title"]!.GetValue<string>() == "Approve")!;

        // Web Chat 4.18 cannot press Action.Execute, so the channel shows it as a Submit naming the verb.
        Assert.Equal("Action.Submit", approve["type"]!.GetValue<string>());
        await client.PressAsync(approve["data"]!);

        var updated = Assert.Single(await client.BotMessagesSinceLastPollAsync(), m => m["id"]!.GetValue<string>() == shown["id"]!.GetValue<string>());
        var newCard = Assert.Single(AdaptiveCardValidator.CardsOf(updated)).ToJsonString();
        Assert.Contains("Approved by Maya Chen", newCard);
        Assert.DoesNotContain("\"Approve\"", newCard);
        Assert.Equal(shown["timestamp"]!.ToString(), updated["timestamp"]!.ToString());
    }

    [Fact]
    public async Task Dialog_InWebChat_OpensAsACardInTheChat_SubmitsAndPostsTheResult()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        await client.PollAsync();
        await client.SayAsync(Showcase.Utterance);
        var request = Assert.Single(await client.BotMessagesSinceLastPollAsync());
        var open = Assert.Single(AdaptiveCardValidator.CardsOf(request))["actions"]!.AsArray().Single(a => a!["title"]!.GetValue<string>() == "Order another kit")!;

        await client.PressAsync(open["data"]!);
        var form = Assert.Single(await client.BotMessagesSinceLastPollAsync());
        Assert.Equal("Order a sample kit", form["text"]!.GetValue<string>());
        var place = Assert.Single(AdaptiveCardValidator.CardsOf(form))["actions"]![0]!;
        var submitted = place["data"]!.DeepClone().AsObject();
        submitted["customer"] = "Contoso";
        await client.PressAsync(submitted);

        var after = await client.BotMessagesSinceLastPollAsync();
        Assert.Contains(after, m => m["text"]?.GetValue<string>() == "Ordered the edge starter kit for Contoso, requested by Priya Patel.");
        var closed = Assert.Single(after, m => m["id"]!.GetValue<string>() == form["id"]!.GetValue<string>());
        Assert.Empty(AdaptiveCardValidator.CardsOf(closed));
    }

    [Fact]
    public async Task ProactiveMessage_ToSomeoneChattingInWebChat_AppearsInTheirConversation()
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner-admin");
        await client.SayAsync("who am I?");
        await client.PollAsync();
        var messenger = fixture.Host.Services.GetRequiredService<IProactiveMessenger>();

        var delivered = await messenger.SendToPersonAsync("tom-becker", AssistantReply.Say("DR-1042 was approved."), TestContext.Current.CancellationToken);

        Assert.True(delivered);
        var message = Assert.Single(await client.BotMessagesSinceLastPollAsync());
        Assert.Equal("DR-1042 was approved.", message["text"]!.GetValue<string>());
        Assert.Equal("demo-partner-admin", message["recipient"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task WebChatPage_ServesThePageTheBundleAndTheDemoPeople()
    {
        var page = await fixture.Client.GetStringAsync("/", TestContext.Current.CancellationToken);
        using var bundle = await fixture.Client.GetAsync("/webchat/lib/webchat.js", TestContext.Current.CancellationToken);
        var people = JsonNode.Parse(await fixture.Client.GetStringAsync("/webchat/people", TestContext.Current.CancellationToken))!;

        Assert.Contains("webchat/lib/webchat.js", page);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);
        Assert.True(bundle.Content.Headers.ContentLength > 1_000_000, "The Web Chat bundle should be the full botframework-webchat build.");
        Assert.True(people["localDevelopment"]!.GetValue<bool>());
        Assert.Equal(
            ["demo-editor", "demo-manager", "demo-new-admin", "demo-partner", "demo-partner-2", "demo-partner-admin", "demo-sales"],
            people["people"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }
}
