using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation;

namespace BotHost.Tests.ChannelProtocol;

/// <summary>Turns as Azure Bot Service and Teams deliver them, answered through the Bot Connector.</summary>
public sealed class ChannelMessagingTests(AuthenticatedHostFixture fixture) : IClassFixture<AuthenticatedHostFixture>
{
    private TestChannel Channel => fixture.Channel;

    private static string NewConversation() => "a:" + Guid.NewGuid().ToString("N");

    private async Task<HttpResponseMessage> SendAsync(JsonObject activity) =>
        await Activities.PostAsync(fixture.Client, activity, Channel.ChannelToken());

    private async Task<IReadOnlyList<ConnectorCall>> WaitForDeliveredAsync(string conversation, int count)
    {
        for (var i = 0; i < 100 && fixture.DeliveredIn(conversation).Count(c => c.Type != "typing") < count; i++)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return fixture.DeliveredIn(conversation);
    }

    [Fact]
    public async Task Message_IsAnsweredThroughTheConnector_AsAReplyWithTheBotsToken()
    {
        var conversation = NewConversation();
        var message = Activities.Message("who am I?", serviceUrl: Channel.ServiceUrl, conversation: conversation);

        var response = await SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await WaitForDeliveredAsync(conversation, 1), c => c.Type == "message");
        Assert.Equal("POST", reply.Method);
        Assert.Equal($"/v3/conversations/{conversation}/activities/{message["id"]}", reply.Path);
        Assert.StartsWith("Bearer connector-token-", reply.Authorization);
        Assert.Contains("Priya Patel", reply.Text);
        Assert.Equal(message["id"]!.GetValue<string>(), reply.Activity!["replyToId"]!.GetValue<string>());
        Assert.Equal("demo-partner", reply.Activity["recipient"]!["id"]!.GetValue<string>());
        Assert.Equal(conversation, reply.Activity["conversation"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task ExpectReplies_RepliesComeInTheResponse_AndTheConnectorIsNotCalled()
    {
        var conversation = NewConversation();

        var replies = await Activities.RepliesAsync(await SendAsync(Activities.Message("what can you do?", serviceUrl: Channel.ServiceUrl, conversation: conversation, expectReplies: true)));

        var reply = Assert.Single(replies);
        Assert.Equal("message", reply!["type"]!.GetValue<string>());
        Assert.Contains("partner user at Bluewave Solutions", reply["text"]!.GetValue<string>());
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Empty(fixture.CallsIn(conversation));
    }

    [Fact]
    public async Task Invoke_AdaptiveCardAction_IsAnsweredInTheHttpResponse()
    {
        var invoke = Activities.Base("invoke", serviceUrl: Channel.ServiceUrl, conversation: NewConversation());
        invoke["name"] = "adaptiveCard/action";
        invoke["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "Help.Profile", ["data"] = new JsonObject() } };

        var response = await SendAsync(invoke);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        Assert.Equal(200, body!["statusCode"]!.GetValue<int>());
        Assert.Contains("Priya Patel", body["value"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invoke_UnknownName_Is501()
    {
        var invoke = Activities.Base("invoke", serviceUrl: Channel.ServiceUrl, conversation: NewConversation());
        invoke["name"] = "some/unknownInvoke";

        var response = await SendAsync(invoke);

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
    }

    [Fact]
    public async Task ConversationUpdate_MembersAdded_WelcomesEachPersonOnce_NotTheBot()
    {
        var conversation = NewConversation();
        var update = Activities.Base("conversationUpdate", serviceUrl: Channel.ServiceUrl, conversation: conversation);
        update["membersAdded"] = new JsonArray(
            new JsonObject { ["id"] = "28:" + TestChannel.AppId },
            new JsonObject { ["id"] = "demo-partner", ["name"] = "Priya Patel" },
            new JsonObject { ["id"] = "demo-manager", ["name"] = "Maya Chen" });

        await SendAsync(update);

        var welcomes = await WaitForDeliveredAsync(conversation, 2);
        Assert.Equal(2, welcomes.Count);
        Assert.Contains(welcomes, w => w.Text!.Contains("Hi Priya") && w.Text.Contains("partner user"));
        Assert.Contains(welcomes, w => w.Text!.Contains("Hi Maya") && w.Text.Contains("channel manager"));
    }

    [Fact]
    public async Task Message_WithTeamsMentionOfTheBot_IsUnderstoodWithoutTheMention()
    {
        var message = Activities.Message("<at>Partner Assistant</at> who am I?", serviceUrl: Channel.ServiceUrl, expectReplies: true);
        message["conversation"]!["conversationType"] = "channel";
        message["entities"] = new JsonArray(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>Partner Assistant</at>",
            ["mentioned"] = new JsonObject { ["id"] = "28:" + TestChannel.AppId, ["name"] = "Partner Assistant" },
        });

        var replies = await Activities.RepliesAsync(await SendAsync(message));

        Assert.Contains("You are **Priya Patel**", replies[0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Connector429ThenSuccess_DeliversExactlyOneReply_AfterRetryAfter()
    {
        var conversation = NewConversation();
        Channel.FailNext(conversation, 429, retryAfter: "0");

        await SendAsync(Activities.Message("who am I?", serviceUrl: Channel.ServiceUrl, conversation: conversation));

        var delivered = await WaitForDeliveredAsync(conversation, 1);
        Assert.Single(delivered, c => c.Type == "message");
        Assert.Equal([429, 200], fixture.CallsIn(conversation).Where(c => c.Type == "message").Select(c => c.Status));
    }

    [Fact]
    public async Task Connector5xxBeyondTheRetryBudget_GivesUpWithoutLooping()
    {
        var conversation = NewConversation();
        Channel.FailNext(conversation, 503, times: 10);

        var response = await SendAsync(Activities.Message("who am I?", serviceUrl: Channel.ServiceUrl, conversation: conversation));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The reply and the apology each try 1 + 3 times, then the turn ends.
        var attempts = fixture.CallsIn(conversation).Count(c => c.Type == "message");
        Assert.True(attempts <= 8, $"made {attempts} calls");
    }

    [Fact]
    public async Task ThrowingTurn_UserGetsApologyWithCorrelationId_ChannelGets200()
    {
        var conversation = NewConversation();
        var message = Activities.Message("", serviceUrl: Channel.ServiceUrl, conversation: conversation);
        message["value"] = new JsonObject { ["action"] = "Trouble.Explode" };

        var response = await SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var apology = Assert.Single(await WaitForDeliveredAsync(conversation, 1), c => c.Type == "message");
        Assert.Matches("Sorry, something went wrong.*quote reference [0-9a-f]{32}", apology.Text!);
        Assert.True(response.Headers.TryGetValues("X-Correlation-Id", out var ids));
        Assert.Contains(ids.Single(), apology.Text);
    }

    [Fact]
    public async Task DuplicateDelivery_OfTheSameActivity_IsAnsweredOnce()
    {
        var conversation = NewConversation();
        var message = Activities.Message("who am I?", serviceUrl: Channel.ServiceUrl, conversation: conversation);

        var first = await SendAsync(message);
        var second = await SendAsync(message);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await WaitForDeliveredAsync(conversation, 1);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Single(fixture.DeliveredIn(conversation), c => c.Type == "message");
    }

    [Fact]
    public async Task SlowTurn_ShowsTypingBeforeTheAnswer()
    {
        var conversation = NewConversation();

        await SendAsync(Activities.Message("do the slow thing please", serviceUrl: Channel.ServiceUrl, conversation: conversation));

        var delivered = await WaitForDeliveredAsync(conversation, 1);
        var typing = delivered.ToList().FindIndex(c => c.Type == "typing");
        var answer = delivered.ToList().FindIndex(c => c.Text == "Finished the slow work.");
        Assert.True(typing >= 0, "no typing indicator was sent");
        Assert.True(typing < answer, "the typing indicator came after the answer");
    }

    [Fact]
    public async Task UnknownPerson_IsToldPolitelyTheyAreNotRegistered_AndNothingElse()
    {
        var replies = await Activities.RepliesAsync(await SendAsync(Activities.Message("show me all deals", from: "29:stranger", serviceUrl: Channel.ServiceUrl, expectReplies: true)));

        var reply = Assert.Single(replies);
        Assert.Contains("don't have you in the partner directory", reply!["text"]!.GetValue<string>());
        Assert.Contains("29:stranger", reply["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task WriteAction_AsksForConfirmation_AndRunsOnlyAfterYes()
    {
        var conversation = NewConversation();
        var ask = await Activities.RepliesAsync(await SendAsync(Activities.Message("write the widget record", serviceUrl: Channel.ServiceUrl, conversation: conversation, expectReplies: true)));
        Assert.Contains("Shall I write it?", ask[0]!["text"]!.GetValue<string>());
        Assert.Equal("application/vnd.microsoft.card.adaptive", ask[0]!["attachments"]![0]!["contentType"]!.GetValue<string>());

        var done = await Activities.RepliesAsync(await SendAsync(Activities.Message("yes", serviceUrl: Channel.ServiceUrl, conversation: conversation, expectReplies: true)));

        Assert.Equal("Written: widget-7", done[0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task ProactiveMessage_ReachesThePersonsStoredConversation()
    {
        var conversation = NewConversation();
        await SendAsync(Activities.Message("who am I?", from: "demo-partner-2", serviceUrl: Channel.ServiceUrl, conversation: conversation));
        await WaitForDeliveredAsync(conversation, 1);

        var sent = await fixture.Host.Services.GetRequiredService<IProactiveMessenger>()
            .SendToPersonAsync("lukas-meyer", AssistantReply.Say("Your registration DR-1234 was approved."), TestContext.Current.CancellationToken);

        Assert.True(sent);
        var proactive = await WaitForDeliveredAsync(conversation, 2);
        var message = proactive.Last();
        Assert.Equal($"/v3/conversations/{conversation}/activities", message.Path);
        Assert.Equal("Your registration DR-1234 was approved.", message.Text);
        Assert.Null(message.Activity!["replyToId"]);
    }
}
