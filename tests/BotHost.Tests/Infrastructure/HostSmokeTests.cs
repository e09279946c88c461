using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BotHost.Tests.Infrastructure;

public sealed class HostSmokeTests
{
    [Fact]
    public async Task LocalDevelopmentMode_ExpectRepliesHelpTurn_AnswersWithWhatTheRoleCanDo()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();

        var response = await client.PostAsJsonAsync("/api/messages", new JsonObject
        {
            ["type"] = "message",
            ["id"] = "m1",
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = "demo-partner" },
            ["recipient"] = new JsonObject { ["id"] = "bot" },
            ["conversation"] = new JsonObject { ["id"] = "c1" },
            ["text"] = "what can you do?",
            ["deliveryMode"] = "expectReplies",
        }, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        var text = body!["activities"]![0]!["text"]!.GetValue<string>();
        Assert.Contains("partner user at Bluewave Solutions", text);
    }
}
