using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Deals;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;

namespace BotHost.Tests.PartnerProgram;

/// <summary>Program operations on the real host in local development mode: chat turns through /api/messages,
/// the admin API and /api/program/metrics (JSON and CSV) and the /dashboard page.</summary>
public sealed class ProgramHostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MessagesEndpoint_ProgramQuestions_AnswerWithTheCallersFigures()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();

        var overview = await TurnAsync(client, "demo-manager", "p1", "how is the program doing this quarter?");
        var gap = await TurnAsync(client, "demo-partner", "p2", "how far are we from gold");
        var balance = await TurnAsync(client, "demo-partner-admin", "p3", "what's our MDF balance");
        var onboarding = await TurnAsync(client, "demo-new-admin", "p4", "what's left in our onboarding");

        Assert.Contains("Partner-influenced revenue", overview["text"]!.GetValue<string>());
        Assert.Contains("/dashboard", overview["text"]!.GetValue<string>());
        Assert.Contains("Gold needs", gap["text"]!.GetValue<string>());
        Assert.Contains("Bluewave", balance.ToJsonString());
        Assert.DoesNotContain("Keystone", balance.ToJsonString());
        Assert.Contains("Lakeshore Analytics", onboarding.ToJsonString());
    }

    [Fact]
    public async Task MessagesEndpoint_PartnerAsksForTheProgramOverview_CardCountsOnlyItsOwnWonDeals()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var quarter = (Start: new DateOnly(today.Year, (((today.Month - 1) / 3) * 3) + 1, 1), End: default(DateOnly));
        quarter.End = quarter.Start.AddMonths(3).AddDays(-1);
        int ownWins;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            ownWins = await scope.ServiceProvider.GetRequiredService<DealsDbContext>().Registrations
                .CountAsync(r => r.Status == RegistrationStatus.Won && r.ClosedOn >= quarter.Start && r.ClosedOn <= quarter.End
                    && r.Touches.Any(t => t.PartnerId == "bluewave"), Ct);
        }

        var partner = await TurnAsync(client, "demo-partner", "o1", "how is the program doing this quarter?");
        var manager = await TurnAsync(client, "demo-manager", "o2", "how is the program doing this quarter?");

        var (partnerTitle, partnerWon) = SummaryCard(partner);
        var (_, programWon) = SummaryCard(manager);
        Assert.StartsWith("Bluewave Solutions", partnerTitle);
        Assert.StartsWith($"{ownWins:N0} · ", partnerWon);
        Assert.NotEqual(programWon, partnerWon);
    }

    [Fact]
    public async Task MessagesEndpoint_SurveyCardSubmittedAndConfirmed_StoresTheAnswers()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();
        var psat = host.Services.GetRequiredService<PsatService>();
        Assert.True(await psat.SendMilestoneSurveyAsync("bluewave", SurveyKind.AfterFirstWin, Ct));

        var shown = await TurnAsync(client, "demo-partner", "s1", "take the PSAT survey");
        var card = shown["attachments"]![0]!["content"]!;
        var submit = card["actions"]![0]!["data"]!.AsObject();
        var answers = new JsonObject
        {
            ["action"] = submit["action"]!.GetValue<string>(),
            ["surveyId"] = submit["surveyId"]!.DeepClone(),
            ["overall"] = "9", ["ease"] = "8", ["enablement"] = "9", ["support"] = "7", ["recommend"] = "10",
            ["comment"] = "Quick deal reviews this quarter.",
        };
        var confirm = await TurnAsync(client, "demo-partner", "s2", value: answers);
        var done = await TurnAsync(client, "demo-partner", "s3", "yes");
        var none = await TurnAsync(client, "demo-partner", "s4", "take the PSAT survey");
        var maya = (await host.Services.GetRequiredService<DirectoryService>().FindByPersonIdAsync("maya-chen", Ct))!;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var metrics = await host.Services.GetRequiredService<ProgramMetricsService>().ComputeAsync(maya, new MetricsFilter(today, today), Ct);

        Assert.Contains("after your first win", card.ToJsonString());
        Assert.Contains("Send these answers?", confirm.ToJsonString());
        Assert.Contains("average 8.6 of 10", done["text"]!.GetValue<string>());
        Assert.Contains("no open survey", none["text"]!.GetValue<string>());
        Assert.Contains(metrics.Psat.Comments, c => c.Comment == "Quick deal reviews this quarter." && c.Score == 8.6);
    }

    [Fact]
    public async Task MetricsApi_LocalAdministrator_GetsJsonCsvAndFilteredFigures()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();

        var all = await client.GetFromJsonAsync<JsonObject>("/api/program/metrics?from=2025-12-01&to=2026-11-30", Ct);
        var gold = await client.GetFromJsonAsync<JsonObject>("/api/program/metrics?from=2025-12-01&to=2026-11-30&tier=Gold", Ct);
        var csv = await client.GetAsync("/api/program/metrics?from=2025-12-01&to=2026-11-30&format=csv", Ct);
        var badTier = await client.GetAsync("/api/program/metrics?tier=Diamond", Ct);
        var page = await client.GetAsync("/dashboard", Ct);

        Assert.Equal("program", all!["scope"]!.GetValue<string>());
        Assert.True(all["revenue"]!["partnerInfluenced"]!.GetValue<decimal>() > 0);
        Assert.Equal(12, all["monthly"]!.AsArray().Count);
        Assert.Equal("filtered partners", gold!["scope"]!.GetValue<string>());
        Assert.True(gold["partnersInView"]!.GetValue<int>() < all["partnersInView"]!.GetValue<int>());
        Assert.True(gold["revenue"]!["attributed"]!.GetValue<decimal>() < all["revenue"]!["attributed"]!.GetValue<decimal>());
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("section,metric,dimension,value", await csv.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, badTier.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/dashboard.js", await page.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task AdminApi_InviteAndMdfFlow_WorkOverHttp()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();

        var invite = await client.PostAsJsonAsync("/api/admin/program/onboardings",
            new { name = "Northwind Data Services", partnerType = "ManagedServiceProvider", region = "NA", adminName = "Kai Moreno", adminEmail = "kai@northwind.example" }, Ct);
        var created = await invite.Content.ReadFromJsonAsync<JsonObject>(Ct);
        var open = await client.GetFromJsonAsync<JsonArray>("/api/admin/program/onboardings", Ct);
        var scorecard = await client.GetFromJsonAsync<JsonObject>("/api/admin/program/tiers/bluewave", Ct);
        var waiting = await client.GetFromJsonAsync<JsonArray>("/api/admin/program/mdf/requests?status=Requested", Ct);
        var number = waiting!.First()!["number"]!.GetValue<string>();
        var approve = await client.PostAsJsonAsync($"/api/admin/program/mdf/requests/{number}/approve", new { }, Ct);
        var again = await client.PostAsJsonAsync($"/api/admin/program/mdf/requests/{number}/approve", new { }, Ct);
        var audit = await client.GetFromJsonAsync<JsonArray>("/api/admin/program/audit", Ct);

        Assert.Equal(HttpStatusCode.Created, invite.StatusCode);
        Assert.Equal(5, created!["steps"]!.AsArray().Count);
        Assert.Contains(open!, o => o!["organisationName"]!.GetValue<string>() == "Northwind Data Services");
        Assert.Equal("Silver", scorecard!["currentTier"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains(audit!, a => a!["action"]!.GetValue<string>() == "mdf-approved" && a["subject"]!.GetValue<string>() == number);
    }

    /// <summary>The program summary card's title and its "Won deals" fact.</summary>
    private static (string Title, string WonDeals) SummaryCard(JsonObject reply)
    {
        var body = reply["attachments"]![0]!["content"]!["body"]!.AsArray();
        var facts = body.Single(b => b!["type"]!.GetValue<string>() == "FactSet")!["facts"]!.AsArray();
        return (body[0]!["text"]!.GetValue<string>(), facts.Single(f => f!["title"]!.GetValue<string>() == "Won deals")!["value"]!.GetValue<string>());
    }

    /// <summary>One expectReplies turn from a demo person; every card in the replies must be valid Adaptive Card 1.5.</summary>
    internal static async Task<JsonObject> TurnAsync(HttpClient client, string from, string id, string? text = null, JsonObject? value = null)
    {
        var activity = Activities.Message(text ?? "", from, id: id, conversation: "program-" + from, expectReplies: true);
        if (value is not null)
        {
            activity["value"] = value.DeepClone();
        }

        var replies = await Activities.RepliesAsync(await Activities.PostAsync(client, activity));
        return replies.Last()!.AsObject();
    }
}
