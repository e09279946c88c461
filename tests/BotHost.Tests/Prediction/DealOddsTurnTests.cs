using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Prediction;

/// <summary>Deal odds end to end on a fresh host: the first-run model is trained at start-up, the
/// offline router picks the prediction intents, and a what-if builds on the deal scored before.</summary>
public sealed class DealOddsTurnTests
{
    [Fact]
    public async Task FreshHost_DescribedDealThenWhatIf_AnswersWithOddsFactorsAndBeforeAfter()
    {
        await using var host = await BotHostInstance.StartAsync(new Dictionary<string, string?>
        {
            ["Prediction:TrainAtFirstRun"] = "true",
            ["Prediction:HistoryDeals"] = "3000",
        });
        using var client = host.CreateClient();

        var odds = await SayAsync(client, "m1", "what are the odds on a 300k SI-led deal in EMEA against a hyperscaler?");
        var whatIf = await SayAsync(client, "m2", "what if we add co-sell?");
        var registration = await SayAsync(client, "m3", "how likely is DR-1042 to close?");

        var oddsText = odds["text"]!.GetValue<string>();
        Assert.Matches(@"\*\*\d{1,3} %\*\* chance to win", oddsText);
        Assert.Contains("What raises it most:", oddsText);
        Assert.Equal("application/vnd.microsoft.card.adaptive", odds["attachments"]![0]!["contentType"]!.GetValue<string>());
        Assert.Matches(@"from \d{1,3} % to \*\*\d{1,3} %\*\*", whatIf["text"]!.GetValue<string>());
        Assert.Contains("needs the deal registry", registration["text"]!.GetValue<string>());
    }

    private static async Task<JsonObject> SayAsync(HttpClient client, string id, string text)
    {
        var response = await client.PostAsJsonAsync("/api/messages", new JsonObject
        {
            ["type"] = "message",
            ["id"] = id,
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = "demo-sales" },
            ["recipient"] = new JsonObject { ["id"] = "bot" },
            ["conversation"] = new JsonObject { ["id"] = "odds-1" },
            ["text"] = text,
            ["deliveryMode"] = "expectReplies",
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        return body!["activities"]!.AsArray().Select(a => a!.AsObject()).First(a => a["type"]!.GetValue<string>() == "message");
    }
}
