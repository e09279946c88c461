using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BotHost.Tests.DirectLine;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Robustness;

/// <summary>
/// The malformed inputs issue 14 found answered 500 (or crashing the turn): each now gets a 400 with
/// its reason — problem details on <c>/api/messages</c>, the invoke response Teams expects for an
/// invoke, Direct Line's error object on Direct Line — and the host answers the next request.
/// </summary>
public sealed class MalformedInputTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, JsonNode?> BadInvokes => new()
    {
        { "adaptiveCard/action", "value: []", new JsonArray() },
        { "adaptiveCard/action", "verb: 5", new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = 5 } } },
        { "adaptiveCard/action", "data: \"x\"", new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = "Help.Capabilities", ["data"] = "x" } } },
        { "composeExtension/query", "queryOptions.skip: \"abc\"", new JsonObject { ["commandId"] = "search", ["queryOptions"] = new JsonObject { ["skip"] = "abc" } } },
        { "composeExtension/query", "parameters: [5]", new JsonObject { ["commandId"] = "search", ["parameters"] = new JsonArray(5) } },
        { "task/fetch", "value: \"x\"", "x" },
        { "task/submit", "data.dialog: [false]", new JsonObject { ["data"] = new JsonObject { ["dialog"] = new JsonArray(false) } } },
        { "signin/tokenExchange", "value: [null]", new JsonArray((JsonNode?)null) },
    };

    [Theory]
    [MemberData(nameof(BadInvokes))]
    public async Task Invoke_ValueOfTheWrongShape_IsAnsweredAsABadRequest(string name, string problem, JsonNode? value)
    {
        var invoke = Activities.Base("invoke", serviceUrl: "http://127.0.0.1:9/", conversation: "malformed-" + Guid.NewGuid().ToString("N"));
        invoke["name"] = name;
        invoke["value"] = value;

        var response = await Activities.PostAsync(fixture.Client, invoke);
        var body = await response.Content.ReadAsStringAsync(Ct);

        if (name == "adaptiveCard/action")
        {
            // Universal Actions carry the error in the body, which Teams shows on the card.
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{problem}: got {(int)response.StatusCode}");
            var error = JsonNode.Parse(body)!;
            Assert.Equal((400, "application/vnd.microsoft.error"), (error["statusCode"]!.GetValue<int>(), error["type"]!.GetValue<string>()));
        }
        else
        {
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{problem}: got {(int)response.StatusCode} {body}");
            Assert.Equal("BadRequest", JsonNode.Parse(body)!["error"]!["code"]!.GetValue<string>());
        }

        await AssertStillAnsweringAsync();
    }

    public static TheoryData<string, string, string> BadActivities => new()
    {
        { "membersAdded: [null]", """{"type":"conversationUpdate","id":"1","channelId":"msteams","serviceUrl":"http://127.0.0.1:9/","conversation":{"id":"c-null"},"membersAdded":[null]}""", "membersAdded" },
        { "lone surrogate in card data", """{"type":"message","id":"2","channelId":"msteams","serviceUrl":"http://127.0.0.1:9/","from":{"id":"demo-partner"},"conversation":{"id":"c-sur"},"value":{"action":"Deals.RegistrationStatus","number":"DR-1042\ud800"}}""", "value.number" },
        { "lone surrogate in a field name", """{"type":"message","id":"3","channelId":"msteams","serviceUrl":"http://127.0.0.1:9/","conversation":{"id":"c-sur2"},"value":{"\udc00":1}}""", "value" },
        { "invoke without a name", """{"type":"invoke","id":"4","channelId":"msteams","conversation":{"id":"c-inv"},"name":null,"value":{}}""", "'name'" },
        { "entities: [null]", """{"type":"message","id":"5","channelId":"msteams","serviceUrl":"http://127.0.0.1:9/","conversation":{"id":"c-ent"},"text":"hi","entities":[null]}""", "entities" },
    };

    [Theory]
    [MemberData(nameof(BadActivities))]
    public async Task PostActivity_Malformed_Is400WithProblemDetails(string problem, string body, string detailMentions)
    {
        var response = await Activities.PostRawAsync(fixture.Client, body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{problem}: got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detailMentions, (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());
        await AssertStillAnsweringAsync();
    }

    [Theory]
    [InlineData("""{"user": "demo-partner"}""")]
    [InlineData("""{"user": {"id": 5}}""")]
    [InlineData("""[1]""")]
    public async Task DirectLineToken_UserOfTheWrongShape_Is400(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/tokens/generate") { Content = new StringContent(body, Encoding.UTF8, "application/json") };

        var response = await fixture.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadArgument", (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["error"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"type": "message", "value": {"msteams": "x"}}""", HttpStatusCode.OK)]
    [InlineData("""{"type": "message", "value": {"directline.execute": {"verb": 5, "activityId": [1], "attachment": "x"}}}""", HttpStatusCode.OK)]
    [InlineData("""{"type": "message", "text": "a\ud800b"}""", HttpStatusCode.BadRequest)]
    [InlineData("""{"type": "message", "text": "hi", "attachments": [null]}""", HttpStatusCode.BadRequest)]
    public async Task DirectLineActivity_OddValues_AreAnsweredWithoutAServerError(string body, HttpStatusCode expected)
    {
        var client = await DirectLineClient.StartAsync(fixture.Client, "demo-partner");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{client.ConversationId}/activities")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);

        var response = await fixture.Client.SendAsync(request, Ct);

        Assert.Equal(expected, response.StatusCode);
        var (_, activities) = await client.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{client.ConversationId}/activities", null);
        Assert.DoesNotContain(activities!["activities"]!.AsArray(), a => a!["text"]?.GetValue<string>().Contains("something went wrong", StringComparison.Ordinal) == true);
    }

    private async Task AssertStillAnsweringAsync()
    {
        var replies = await Activities.RepliesAsync(await Activities.PostAsync(fixture.Client, Activities.Message("who am I?", serviceUrl: "http://127.0.0.1:9/", expectReplies: true)));
        Assert.Contains("Priya Patel", replies[0]!["text"]!.GetValue<string>());
    }
}
