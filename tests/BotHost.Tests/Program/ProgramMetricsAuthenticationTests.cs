using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.PartnerProgram;

/// <summary>/api/program/metrics with an app id configured: Entra ID tokens decide whose figures a caller sees.</summary>
public sealed class ProgramMetricsAuthenticationTests(AuthenticatedHostFixture fixture) : IClassFixture<AuthenticatedHostFixture>
{
    private const string Period = "from=2025-12-01&to=2026-11-30";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Metrics_WithoutToken_Is401()
    {
        var response = await fixture.Client.GetAsync($"/api/program/metrics?{Period}", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Metrics_PartnerToken_SeesOnlyItsOwnOrganisationEvenWhenAskingForAnother()
    {
        var own = await GetAsync("demo-partner", $"/api/program/metrics?{Period}");
        var asksForOthers = await GetAsync("demo-partner", $"/api/program/metrics?{Period}&type=SystemsIntegrator&region=EMEA");
        var manager = await GetAsync("demo-manager", $"/api/program/metrics?{Period}");

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        var figures = (await own.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        var other = (await asksForOthers.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        var program = (await manager.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
        Assert.Equal(("Bluewave Solutions", 1), (figures["scope"]!.GetValue<string>(), figures["partnersInView"]!.GetValue<int>()));
        Assert.Equal(figures["revenue"]!.ToJsonString(), other["revenue"]!.ToJsonString());
        Assert.Equal("program", program["scope"]!.GetValue<string>());
        Assert.True(program["revenue"]!["attributed"]!.GetValue<decimal>() > figures["revenue"]!["attributed"]!.GetValue<decimal>());
        // The partner's won deals are those it touched: its own count, and their revenue is all partner-influenced.
        Assert.True(program["revenue"]!["wonDeals"]!.GetValue<int>() > figures["revenue"]!["wonDeals"]!.GetValue<int>());
        Assert.Equal(figures["revenue"]!["partnerInfluenced"]!.GetValue<decimal>(), figures["revenue"]!["wonRevenue"]!.GetValue<decimal>());
        Assert.All(figures["byPartnerType"]!.AsArray(), t => Assert.Equal("value-added reseller", t!["partnerType"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Metrics_EnablementEditorToken_Is403()
    {
        var response = await GetAsync("demo-editor", $"/api/program/metrics?{Period}");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private async Task<HttpResponseMessage> GetAsync(string objectId, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", fixture.Channel.AdminToken(objectId));
        return await fixture.Client.SendAsync(request, Ct);
    }
}
