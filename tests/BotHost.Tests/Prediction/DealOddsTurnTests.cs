using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Prediction;

/// <summary>Deal odds end to end on a fresh host: the first-run model is trained at start-up, the
/// offline router picks the prediction intents, a what-if builds on the deal scored before, and a
/// registration is scored from the deal registry only for callers who may see it.</summary>
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
        // DR-1042 is Bluewave's; Keystone's partner must not learn even that it exists.
        var otherPartner = await SayAsync(client, "m4", "how likely is DR-1042 to close?", from: "demo-partner-2");
        var owner = await SayAsync(client, "m5", "how likely is DR-1042 to close?", from: "demo-partner");

        var oddsText = odds["text"]!.GetValue<string>();
        Assert.Matches(@"\*\*\d{1,3} %\*\* chance to win", oddsText);
        Assert.Contains("What raises it most:", oddsText);
        Assert.Equal("application/vnd.microsoft.card.adaptive", odds["attachments"]![0]!["contentType"]!.GetValue<string>());
        Assert.Matches(@"from \d{1,3} % to \*\*\d{1,3} %\*\*", whatIf["text"]!.GetValue<string>());
        Assert.Matches(@"\*\*\d{1,3} %\*\* chance to win", registration["text"]!.GetValue<string>());
        Assert.Contains("DR-1042", registration["text"]!.GetValue<string>());
        Assert.Contains("can't find a registration for DR-1042", otherPartner["text"]!.GetValue<string>());
        Assert.DoesNotContain("chance to win", otherPartner["text"]!.GetValue<string>());
        Assert.Matches(@"\*\*\d{1,3} %\*\* chance to win", owner["text"]!.GetValue<string>());
    }

    private static async Task<JsonObject> SayAsync(HttpClient client, string id, string text, string from = "demo-sales")
    {
        var response = await client.PostAsJsonAsync("/api/messages", new JsonObject
        {
            ["type"] = "message",
            ["id"] = id,
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = from },
            ["recipient"] = new JsonObject { ["id"] = "bot" },
            ["conversation"] = new JsonObject { ["id"] = "odds-" + from },
            ["text"] = text,
            ["deliveryMode"] = "expectReplies",
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        return body!["activities"]!.AsArray().Select(a => a!.AsObject()).First(a => a["type"]!.GetValue<string>() == "message");
    }
}
