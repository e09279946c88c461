using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.ChannelProtocol;

/// <summary>Bad input gets a clear 400 with a problem-details body, never a 500; unknown activity types are ignored.</summary>
public sealed class BadInputTests(AuthenticatedHostFixture fixture) : IClassFixture<AuthenticatedHostFixture>
{
    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "malformed JSON", "{\"type\": \"message\", \"text\": ", "not valid JSON" },
        { "missing type", "{\"id\":\"1\",\"channelId\":\"msteams\",\"serviceUrl\":\"http://127.0.0.1:9/\",\"conversation\":{\"id\":\"c\"},\"text\":\"hi\"}", "no 'type'" },
        { "wrong type for text", "{\"type\":\"message\",\"channelId\":\"msteams\",\"conversation\":{\"id\":\"c\"},\"serviceUrl\":\"http://127.0.0.1:9/\",\"text\":42}", "'text'" },
        { "wrong type for from", "{\"type\":\"message\",\"channelId\":\"msteams\",\"conversation\":{\"id\":\"c\"},\"serviceUrl\":\"http://127.0.0.1:9/\",\"from\":\"demo-partner\"}", "'from'" },
        { "entities not a list", "{\"type\":\"message\",\"channelId\":\"msteams\",\"conversation\":{\"id\":\"c\"},\"serviceUrl\":\"http://127.0.0.1:9/\",\"entities\":{}}", "'entities'" },
        { "not an object", "[1,2,3]", "JSON" },
        { "no conversation", "{\"type\":\"message\",\"channelId\":\"msteams\",\"serviceUrl\":\"http://127.0.0.1:9/\",\"text\":\"hi\"}", "conversation.id" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task PostActivity_BadBody_Is400WithProblemDetails(string problem, string body, string detailMentions)
    {
        var response = await Activities.PostRawAsync(fixture.Client, body, fixture.Channel.ChannelToken("http://127.0.0.1:9/"));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{problem}: got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var details = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        Assert.Equal(400, details!["status"]!.GetValue<int>());
        Assert.Contains(detailMentions, details["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostActivity_BodyOver256KB_Is413AndNotRead()
    {
        var message = Activities.Message(new string('x', 300 * 1024), serviceUrl: fixture.Channel.ServiceUrl);

        var response = await Activities.PostAsync(fixture.Client, message, fixture.Channel.ChannelToken());

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.True(response.Headers.ConnectionClose, "a 413 whose body was not read must close the connection");
        var details = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        Assert.Equal("Request body too large", details!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostActivity_UnknownActivityType_Is200AndIgnored()
    {
        var conversation = "a:" + Guid.NewGuid().ToString("N");
        var activity = Activities.Base("somethingNew", serviceUrl: fixture.Channel.ServiceUrl, conversation: conversation);

        var response = await Activities.PostAsync(fixture.Client, activity, fixture.Channel.ChannelToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Empty(fixture.CallsIn(conversation));
    }

    [Fact]
    public async Task PostActivity_UnknownProperties_AreKeptNotRejected()
    {
        var message = Activities.Message("who am I?", serviceUrl: fixture.Channel.ServiceUrl, expectReplies: true);
        message["localTimestamp"] = "2026-11-24T10:00:00+01:00";
        message["someFutureField"] = new JsonObject { ["nested"] = true };

        var replies = await Activities.RepliesAsync(await Activities.PostAsync(fixture.Client, message, fixture.Channel.ChannelToken()));

        Assert.Contains("Priya Patel", replies[0]!["text"]!.GetValue<string>());
    }
}
