using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Deals;

namespace BotHost.Tests.Operations;

/// <summary>A host in local development mode that also lets one partner portal use Direct Line.</summary>
public sealed class LocalGuardHostFixture : IAsyncLifetime
{
    public const string PortalOrigin = "https://portal.partner.example";

    public BotHostInstance Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["DirectLine:AllowedOrigins:0"] = PortalOrigin });
        Client = Host.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>
/// Issue 14: in local development mode a page on any origin could POST text/plain CSV to the deals
/// import, and any Host header was served (DNS rebinding). Now only loopback host names are served,
/// writes from pages of other origins are refused, and admin bodies must be JSON or the type an
/// endpoint documents — and nothing is imported by a refused request.
/// </summary>
public sealed class LocalDevelopmentGuardTests(LocalGuardHostFixture fixture) : IClassFixture<LocalGuardHostFixture>
{
    private const string Csv = "number,partner_id,customer,opportunity,products,amount,currency,expected_close,role,status\r\n"
        + ",bluewave,Forgery Test Ltd,Pilot,data-fabric,1000,USD,2027-02-28,reseller,submitted\r\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("evil.example", HttpStatusCode.BadRequest)]
    [InlineData("127.0.0.1.nip.example", HttpStatusCode.BadRequest)]
    [InlineData("localhost", HttpStatusCode.OK)]
    [InlineData("app.localhost", HttpStatusCode.OK)]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("[::1]", HttpStatusCode.OK)]
    public async Task AnyRequest_HostName_OnlyLoopbackNamesAreServed(string host, HttpStatusCode expected)
    {
        foreach (var path in new[] { "/health/live", "/", "/api/admin/directory/people" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Host = $"{host}:{fixture.Host.BaseAddress.Port}";

            using var response = await fixture.Client.SendAsync(request, Ct);

            Assert.True(response.StatusCode == expected, $"{host} {path}: got {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task DealsImport_TextPlainFromAnotherSite_IsRefusedAndNothingIsImported()
    {
        var forged = await SendAsync(HttpMethod.Post, "/api/admin/deals/import", Csv, "text/plain", origin: "http://evil.example");
        var plain = await SendAsync(HttpMethod.Post, "/api/admin/deals/import", Csv, "text/plain", origin: null);
        var csvFromElsewhere = await SendAsync(HttpMethod.Post, "/api/admin/deals/import", Csv, "text/csv", origin: "https://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, csvFromElsewhere.StatusCode);
        Assert.Equal(0, await ImportedAsync());
    }

    /// <summary>The control: the documented way (text/csv from a local tool or the host's own page) imports.</summary>
    [Theory]
    [InlineData(null)]
    [InlineData("http://localhost:3978")]
    public async Task DealsImport_CsvFromThisMachine_Imports(string? origin)
    {
        var response = await SendAsync(HttpMethod.Post, "/api/admin/deals/import?source=guard-test", Csv.Replace("Forgery Test", "Local Import " + origin?.Length, StringComparison.Ordinal), "text/csv", origin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["created"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/api/messages", "application/json")]
    [InlineData("/v3/directline/tokens/generate", "application/json")]
    [InlineData("/api/admin/program/tiers/evaluate", "application/json")]
    [InlineData("/api/admin/directory/people/forged", "application/json")]
    public async Task Write_FromAPageOfAnotherOrigin_Is403(string path, string contentType)
    {
        var method = path.Contains("/people/", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post;

        var response = await SendAsync(method, path, """{"type":"message","user":{"id":"demo-partner"}}""", contentType, origin: "http://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Cross-site request refused", (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task DirectLineToken_FromAnAllowedPortal_IsIssued()
    {
        var response = await SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", """{"user":{"id":"demo-partner"}}""", "application/json", LocalGuardHostFixture.PortalOrigin);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AdminJsonEndpoint_FormBody_Is415()
    {
        var response = await SendAsync(HttpMethod.Put, "/api/admin/directory/people/forged", "displayName=x&role=99", "application/x-www-form-urlencoded", origin: null);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    /// <summary>With an app id the host is not in local development mode: callers carry tokens, and any host name is served.</summary>
    [Fact]
    public async Task AuthenticatedMode_OtherHostNames_AreServed()
    {
        await using var channel = await TestChannel.StartAsync();
        await using var host = await BotHostInstance.StartAsync(channel.BotSettings());
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health/live");
        request.Headers.Host = "bot.partner.example";

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string body, string contentType, string? origin)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        return await fixture.Client.SendAsync(request, Ct);
    }

    private async Task<int> ImportedAsync()
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DealsDbContext>().Registrations.CountAsync(r => r.CustomerName == "Forgery Test Ltd", Ct);
    }
}
