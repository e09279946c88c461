using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Replicas;

/// <summary>
/// Two host processes on one PostgreSQL behave as one bot: a conversation continues on whichever replica a request
/// lands on, a channel's re-delivery reaching both is answered once, and the maintenance loops run once across them —
/// counted in the database's rows and in the connector calls the test channel received.
/// </summary>
public sealed class TwoReplicasTests(TwoReplicasFixture replicas) : IClassFixture<TwoReplicasFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DealRegistration_FormSubmitAndYesOnAlternatingReplicas_RegistersOnce()
    {
        replicas.Require();
        var conversation = "a:alternating-" + Guid.NewGuid().ToString("N")[..8];

        var form = (await TurnAsync(replicas.A, conversation, "register a deal for Tailwind Traders, data fabric rollout, about 180k, closing in June"))["attachments"]![0]!["content"]!;
        var submit = form["actions"]![0]!["data"]!.AsObject();
        var values = new JsonObject
        {
            ["action"] = submit["action"]!.GetValue<string>(),
            ["submissionKey"] = submit["submissionKey"]!.GetValue<string>(),
            ["customer"] = "Tailwind Traders",
            ["opportunity"] = "Data fabric rollout",
            ["products"] = "data-fabric",
            ["amount"] = "180000",
            ["currency"] = "USD",
            ["expectedClose"] = DateTime.UtcNow.AddMonths(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["role"] = "reseller",
        };
        var confirm = await TurnAsync(replicas.B, conversation, value: values);
        var done = await TurnAsync(replicas.A, conversation, "yes");
        var again = await TurnAsync(replicas.B, conversation, value: values);

        Assert.Contains("Please confirm: register Data fabric rollout for Tailwind Traders", confirm.ToJsonString());
        Assert.StartsWith("Registered as **DR-", done["text"]!.GetValue<string>());
        Assert.Contains("already registered", again["text"]!.GetValue<string>());
        Assert.Equal(1, await replicas.ScalarAsync("SELECT COUNT(*) FROM deal_registrations WHERE customer_name = 'Tailwind Traders'"));
    }

    [Fact]
    public async Task ReDelivery_SameActivityReachingBothReplicasAtOnce_IsAnsweredOnce()
    {
        replicas.Require();
        var conversation = "a:redelivery-" + Guid.NewGuid().ToString("N")[..8];
        var activity = Activities.Message("what can you do?", serviceUrl: replicas.Channel.ServiceUrl, id: "redelivered-1", conversation: conversation);

        // The channel retries a delivery it thinks failed; the load balancer sends each attempt to another replica.
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
        {
            using var client = replicas.Replicas[i % 2].CreateClient();
            return (int)(await Activities.PostAsync(client, activity, replicas.Channel.ChannelToken())).StatusCode;
        })));
        await WaitForAsync(() => replicas.Channel.Delivered.Any(c => c.Path.Contains(conversation, StringComparison.Ordinal)));
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);

        Assert.All(responses, status => Assert.InRange(status, 200, 299));
        var delivered = replicas.Channel.Delivered.Where(c => c.Path.Contains(conversation, StringComparison.Ordinal) && c.Activity?["type"]?.GetValue<string>() == "message").ToList();
        Assert.Single(delivered);
        Assert.Equal(1, await replicas.ScalarAsync($"SELECT COUNT(*) FROM processed_activities WHERE key LIKE '%redelivered-1'"));
    }

    [Fact]
    public async Task MaintenanceLoops_BothReplicasTicking_RunInOneReplicaAndRemindEachRegistrationOnce()
    {
        replicas.Require();
        // Both replicas tick every second; give them several passes each.
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);

        var holders = await replicas.ScalarAsync("SELECT COUNT(DISTINCT holder) FROM host_leases WHERE name = 'Deal maintenance'");
        var loops = await replicas.ScalarAsync("SELECT COUNT(*) FROM host_leases");
        var reminders = await replicas.ScalarAsync("SELECT COUNT(*) FROM deal_audit WHERE action = 'reminder'");
        var twice = await replicas.ScalarAsync("SELECT COUNT(*) FROM (SELECT registration_number FROM deal_audit WHERE action = 'reminder' GROUP BY registration_number, reason HAVING COUNT(*) > 1) t");
        var expired = await replicas.ScalarAsync("SELECT COUNT(*) FROM (SELECT registration_number FROM deal_audit WHERE action = 'status' AND to_status = 'Expired' GROUP BY registration_number HAVING COUNT(*) > 1) t");

        Assert.Equal(1, holders);
        Assert.Equal(2, loops);
        Assert.True(reminders > 0, "the demo deal book has registrations whose protection ends within the reminder window");
        Assert.Equal(0, twice);
        Assert.Equal(0, expired);
    }

    [Fact]
    public async Task Confirmation_YesRacedToBothReplicas_WritesOnce()
    {
        replicas.Require();
        var conversation = "a:race-" + Guid.NewGuid().ToString("N")[..8];
        // The demo deal book already holds Proseware registrations: count what this test adds.
        var before = await replicas.ScalarAsync("SELECT COUNT(*) FROM deal_registrations WHERE customer_name = 'Proseware'");
        var form = (await TurnAsync(replicas.A, conversation, "register a deal for Proseware, AI studio seats, about 90k, closing in May"))["attachments"]![0]!["content"]!;
        var submit = form["actions"]![0]!["data"]!.AsObject();
        await TurnAsync(replicas.B, conversation, value: new JsonObject
        {
            ["action"] = submit["action"]!.GetValue<string>(), ["submissionKey"] = submit["submissionKey"]!.GetValue<string>(),
            ["customer"] = "Proseware", ["opportunity"] = "AI studio seats", ["products"] = "ai-studio", ["amount"] = "90000", ["currency"] = "USD",
            ["expectedClose"] = DateTime.UtcNow.AddMonths(5).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["role"] = "reseller",
        });

        // Two different "yes" activities (the person pressed twice), one to each replica, at once.
        var answers = await Task.WhenAll(TurnAsync(replicas.A, conversation, "yes"), TurnAsync(replicas.B, conversation, "yes"));

        Assert.Equal(before + 1, await replicas.ScalarAsync("SELECT COUNT(*) FROM deal_registrations WHERE customer_name = 'Proseware'"));
        Assert.Equal(1, answers.Count(a => a["text"]?.GetValue<string>().StartsWith("Registered as **DR-", StringComparison.Ordinal) == true));
        Assert.Equal(1, await replicas.ScalarAsync($"SELECT COUNT(*) FROM pending_confirmations WHERE conversation_key LIKE '%{conversation}%' AND consumed_at_ms IS NOT NULL"));
    }

    [Fact]
    public async Task DirectLine_ConversationStartedOnOneReplica_ContinuesOnTheOther()
    {
        replicas.Require();
        using var a = replicas.A.CreateClient();
        using var b = replicas.B.CreateClient();

        // The portal's server asks replica A for a token; the browser's calls then land on either replica.
        using var generate = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/tokens/generate")
        {
            Content = JsonContent.Create(new JsonObject { ["user"] = new JsonObject { ["id"] = "demo-partner-2" } }),
        };
        generate.Headers.Authorization = new("Bearer", replicas.DirectLineSecret);
        var generated = await a.SendAsync(generate, Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, generated.StatusCode);
        var jwt = JsonNode.Parse(await generated.Content.ReadAsStringAsync(Ct))!["token"]!.GetValue<string>();

        var started = await b.SendAsync(Authorized(HttpMethod.Post, "/v3/directline/conversations", jwt), Ct);
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync(Ct));
        var conversation = JsonNode.Parse(await started.Content.ReadAsStringAsync(Ct))!["conversationId"]!.GetValue<string>();
        var post = Authorized(HttpMethod.Post, $"/v3/directline/conversations/{conversation}/activities", jwt);
        post.Content = JsonContent.Create(new JsonObject { ["type"] = "message", ["text"] = "who am I?", ["from"] = new JsonObject { ["id"] = "demo-partner-2" } });
        var posted = await a.SendAsync(post, Ct);
        Assert.True(posted.IsSuccessStatusCode, await posted.Content.ReadAsStringAsync(Ct));

        // The bot's answer, written by replica A's turn, is read from replica B.
        JsonArray activities = [];
        for (var i = 0; i < 50 && !activities.Any(IsBotMessage); i++)
        {
            var polled = await b.SendAsync(Authorized(HttpMethod.Get, $"/v3/directline/conversations/{conversation}/activities", jwt), Ct);
            Assert.Equal(System.Net.HttpStatusCode.OK, polled.StatusCode);
            activities = JsonNode.Parse(await polled.Content.ReadAsStringAsync(Ct))!["activities"]!.AsArray();
            await Task.Delay(200, Ct);
        }

        var answer = activities.Last(IsBotMessage)!["text"]!.GetValue<string>();
        Assert.Contains("Lukas", answer);
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    private static bool IsBotMessage(JsonNode? activity) =>
        activity?["type"]?.GetValue<string>() == "message" && activity["from"]?["id"]?.GetValue<string>() != "demo-partner-2";

    private async Task<JsonObject> TurnAsync(HostProcess replica, string conversation, string? text = null, JsonObject? value = null)
    {
        using var client = replica.CreateClient();
        var activity = Activities.Message(text ?? "", from: "demo-partner-2", serviceUrl: replicas.Channel.ServiceUrl, conversation: conversation, expectReplies: true);
        if (value is not null)
        {
            activity["value"] = value.DeepClone();
        }

        var replies = await Activities.RepliesAsync(await Activities.PostAsync(client, activity, replicas.Channel.ChannelToken()));
        return replies.Last()!.AsObject();
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100, Ct);
        }
    }
}
