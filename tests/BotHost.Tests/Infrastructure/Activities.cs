using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure.Cards;

namespace BotHost.Tests.Infrastructure;

/// <summary>Activities shaped the way Teams sends them, and a way to post them to the bot.</summary>
public static class Activities
{
    public static JsonObject Message(string text, string from = "demo-partner", string? serviceUrl = null, string? id = null, string conversation = "a:1-personal-chat", bool expectReplies = false)
    {
        var activity = Base("message", from, serviceUrl, id, conversation);
        activity["text"] = text;
        activity["textFormat"] = "plain";
        activity["locale"] = "en-US";
        if (expectReplies)
        {
            activity["deliveryMode"] = "expectReplies";
        }

        return activity;
    }

    public static JsonObject Base(string type, string from = "demo-partner", string? serviceUrl = null, string? id = null, string conversation = "a:1-personal-chat")
    {
        var activity = new JsonObject
        {
            ["type"] = type,
            ["id"] = id ?? Guid.NewGuid().ToString("N"),
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = from, ["name"] = "Test User", ["aadObjectId"] = null },
            ["recipient"] = new JsonObject { ["id"] = "28:" + TestChannel.AppId, ["name"] = "Partner Assistant" },
            ["conversation"] = new JsonObject { ["id"] = conversation, ["conversationType"] = "personal", ["tenantId"] = TestChannel.TenantId },
            ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = TestChannel.TenantId } },
        };
        if (serviceUrl is not null)
        {
            activity["serviceUrl"] = serviceUrl;
        }

        ((JsonObject)activity["from"]!).Remove("aadObjectId");
        return activity;
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, JsonNode activity, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public static async Task<HttpResponseMessage> PostRawAsync(HttpClient client, string body, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The replies of an expectReplies turn; every Adaptive Card in them must be valid 1.5.</summary>
    public static async Task<JsonArray> RepliesAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        var activities = body!["activities"]!.AsArray();
        foreach (var activity in activities)
        {
            AdaptiveCardValidator.AssertValid(activity, "an expectReplies reply");
        }

        return activities;
    }
}
