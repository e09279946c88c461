using System.Net;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using BotHost.DirectLine;

namespace BotHost.Tests.DirectLine;

/// <summary>With a bot registration (not local development mode), tokens come only from a server holding the secret.</summary>
public sealed class DirectLineAuthenticatedTests
{
    private const string Secret = "a-direct-line-secret-of-at-least-32-chars";

    private static async Task<BotHostInstance> StartAsync(string? secret)
    {
        var settings = new Dictionary<string, string?> { ["Bot:MicrosoftAppId"] = TestChannel.AppId, ["Bot:MicrosoftAppTenantId"] = TestChannel.TenantId };
        if (secret is not null)
        {
            settings["DirectLine:Secret"] = secret;
        }

        return await BotHostInstance.StartAsync(settings);
    }

    [Fact]
    public async Task GenerateToken_NoSecretConfigured_IsRefusedEvenFromLoopback()
    {
        await using var host = await StartAsync(secret: null);
        var client = new DirectLineClient(host.CreateClient());

        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", new JsonObject { ["user"] = new JsonObject { ["id"] = "demo-partner" } }, token: null);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("DirectLine:Secret", body!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task GenerateToken_WithTheSecret_IssuesATokenForTheNamedUser_WithoutItIsRefused()
    {
        await using var host = await StartAsync(Secret);
        var client = new DirectLineClient(host.CreateClient());
        var request = new JsonObject { ["user"] = new JsonObject { ["id"] = "demo-partner" } };

        var (withoutStatus, _) = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", request, token: null);
        var (wrongStatus, _) = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", request, token: Secret + "x");
        var (status, body) = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", request, token: Secret);

        Assert.Equal(HttpStatusCode.Forbidden, withoutStatus);
        Assert.Equal(HttpStatusCode.Forbidden, wrongStatus);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(string.IsNullOrEmpty(body!["token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task WebChatPeople_NotLocalDevelopment_ListsNoOne()
    {
        await using var host = await StartAsync(Secret);
        using var http = host.CreateClient();

        var people = JsonNode.Parse(await http.GetStringAsync("/webchat/people", TestContext.Current.CancellationToken))!;

        Assert.False(people["localDevelopment"]!.GetValue<bool>());
        Assert.Empty(people["people"]!.AsArray());
    }

    [Fact]
    public async Task Start_SecretShorterThan32Characters_HostRefusesToStartSayingWhy()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync("too-short"));

        Assert.Contains(DirectLineOptions.SecretTooShort, error.Message);
    }

    [Fact]
    public async Task Token_AfterItsLifetime_IsRefused()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        // With a secret the key never comes from the database, so no database is needed here.
        var tokens = new DirectLineTokens(null!, Options.Create(new DirectLineOptions { Secret = Secret, TokenLifetime = TimeSpan.FromMinutes(30) }), time);
        var token = await tokens.IssueAsync("conversation-1", "demo-partner", "Priya Patel", TestContext.Current.CancellationToken);

        var fresh = await tokens.ReadAsync(token, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(31));
        var stale = await tokens.ReadAsync(token, TestContext.Current.CancellationToken);

        Assert.Equal(new DirectLineGrant("conversation-1", "demo-partner", "Priya Patel", DateTimeOffset.Parse("2026-11-24T09:30:00Z", System.Globalization.CultureInfo.InvariantCulture)), fresh);
        Assert.Null(stale);
    }
}
