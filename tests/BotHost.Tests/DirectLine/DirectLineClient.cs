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

    /// <summary>A new conversation, or with <paramref name="resume"/> the person's latest one (as the page does when reopened).</summary>
    public static async Task<DirectLineClient> StartAsync(HttpClient http, string user, bool resume = false)
    {
        var client = new DirectLineClient(http);
        var generated = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", new JsonObject { ["user"] = new JsonObject { ["id"] = user }, ["resume"] = resume }, token: null);
        Assert.Equal(HttpStatusCode.OK, generated.Status);
        client.Token = generated.Body!["token"]!.GetValue<string>();
        var started = await client.SendAsync(HttpMethod.Post, "/v3/directline/conversations", null);
        Assert.Equal(resume ? started.Status : HttpStatusCode.Created, started.Status);
        client.ConversationId = started.Body!["conversationId"]!.GetValue<string>();
        return client;
    }

    /// <summary>A client holding a token and naming a conversation, whoever they belong to.</summary>
    public static DirectLineClient With(HttpClient http, string token, string conversationId) => new(http) { Token = token, ConversationId = conversationId };

    /// <summary>Sends a message with files as Web Chat's DirectLine client does: a multipart body of an
    /// <c>activity</c> part and one <c>file</c> part per file.</summary>
    public async Task<(HttpStatusCode Status, JsonObject? Body)> UploadAsync(string text, params (string Name, string ContentType, byte[] Content)[] files)
    {
        using var form = new MultipartFormDataContent();
        var activity = new JsonObject
        {
            ["type"] = "message",
            ["text"] = text,
            ["from"] = new JsonObject { ["id"] = "web-user" },
            ["channelData"] = new JsonObject { ["clientActivityID"] = Guid.NewGuid().ToString("N") },
            ["attachments"] = new JsonArray(files.Select(f => (JsonNode)new JsonObject { ["contentType"] = f.ContentType, ["name"] = f.Name }).ToArray()),
        };
        var activityPart = new StringContent(activity.ToJsonString());
        activityPart.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.microsoft.activity");
        form.Add(activityPart, "activity", "blob");
        foreach (var (name, contentType, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(part, "file", name);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{ConversationId}/upload?userId=web-user") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body) as JsonObject);
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
