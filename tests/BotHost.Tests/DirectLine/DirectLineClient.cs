using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure.Cards;

namespace BotHost.Tests.DirectLine;

/// <summary>Talks to the host's Direct Line endpoint the way Web Chat's DirectLine client does (polling).</summary>
public sealed class DirectLineClient(HttpClient http)
{
    public string Token { get; private set; } = "";
    public string ConversationId { get; private set; } = "";
    public string? Watermark { get; private set; }

    public static async Task<DirectLineClient> StartAsync(HttpClient http, string user)
    {
        var client = new DirectLineClient(http);
        var generated = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", new JsonObject { ["user"] = new JsonObject { ["id"] = user } }, token: null);
        Assert.Equal(HttpStatusCode.OK, generated.Status);
        client.Token = generated.Body!["token"]!.GetValue<string>();
        var started = await client.SendAsync(HttpMethod.Post, "/v3/directline/conversations", null);
        Assert.Equal(HttpStatusCode.Created, started.Status);
        client.ConversationId = started.Body!["conversationId"]!.GetValue<string>();
        return client;
    }

    public async Task<(HttpStatusCode Status, JsonObject? Body)> SendAsync(HttpMethod method, string path, JsonNode? body, string? token = "")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var bearer = token == "" ? Token : token;
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }

    public async Task<string> PostAsync(JsonObject activity)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{ConversationId}/activities", activity);
        Assert.True(status == HttpStatusCode.OK, $"Posting the activity answered {(int)status}: {body}");
        return body!["id"]!.GetValue<string>();
    }

    public Task<string> SayAsync(string text) =>
        PostAsync(new JsonObject { ["type"] = "message", ["text"] = text, ["from"] = new JsonObject { ["id"] = "web-user" }, ["channelData"] = new JsonObject { ["clientActivityID"] = Guid.NewGuid().ToString("N") } });

    public Task<string> PressAsync(JsonNode data) =>
        PostAsync(new JsonObject { ["type"] = "message", ["value"] = data.DeepClone(), ["channelData"] = new JsonObject { ["postBack"] = true } });

    /// <summary>Activities since the last poll; every Adaptive Card among them must be valid 1.5.</summary>
    public async Task<IReadOnlyList<JsonObject>> PollAsync()
    {
        var query = Watermark is null ? "" : $"?watermark={Watermark}";
        var (status, body) = await SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{ConversationId}/activities{query}", null);
        Assert.Equal(HttpStatusCode.OK, status);
        Watermark = body!["watermark"]!.GetValue<string>();
        var activities = body["activities"]!.AsArray().Select(a => a!.AsObject()).ToList();
        foreach (var activity in activities)
        {
            AdaptiveCardValidator.AssertValid(activity, "a Direct Line activity");
        }

        return activities;
    }

    public async Task<IReadOnlyList<JsonObject>> BotMessagesSinceLastPollAsync() =>
        (await PollAsync()).Where(a => a["type"]!.GetValue<string>() == "message" && a["from"]!["role"]?.GetValue<string>() == "bot").ToList();
}
