using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.ChannelProtocol;

/// <summary>Every activity is authenticated the way the Bot Framework does it; anything invalid is 401 and nothing is processed.</summary>
public sealed class ChannelAuthenticationTests(AuthenticatedHostFixture fixture) : IClassFixture<AuthenticatedHostFixture>
{
    public static TheoryData<string> BadTokens => ["none", "wrong audience", "expired", "wrong issuer", "unknown key", "key not endorsed for msteams", "serviceUrl mismatch", "garbage", "not yet valid"];

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task PostActivity_InvalidToken_Is401AndNothingIsProcessed(string problem)
    {
        var channel = fixture.Channel;
        var conversation = "auth-" + Guid.NewGuid().ToString("N");
        var token = problem switch
        {
            "none" => null,
            "wrong audience" => channel.ChannelToken(audience: "some-other-bot"),
            "expired" => channel.ChannelToken(expires: DateTime.UtcNow.AddMinutes(-10), notBefore: DateTime.UtcNow.AddHours(-2)),
            "wrong issuer" => channel.ChannelToken(issuer: "https://api.botframework.evil"),
            "unknown key" => channel.ChannelToken(keyId: TestChannel.UnknownKey),
            "key not endorsed for msteams" => channel.ChannelToken(keyId: TestChannel.OtherChannelKey),
            "serviceUrl mismatch" => channel.ChannelToken(serviceUrl: "https://smba.trafficmanager.net/evil/"),
            "not yet valid" => channel.ChannelToken(notBefore: DateTime.UtcNow.AddMinutes(30), expires: DateTime.UtcNow.AddHours(2)),
            _ => "not.a.jwt",
        };

        var response = await Activities.PostAsync(fixture.Client, Activities.Message("who am I?", serviceUrl: channel.ServiceUrl, conversation: conversation), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Empty(fixture.CallsIn(conversation));
    }

    [Fact]
    public async Task PostActivity_ExpiredWithinClockSkew_IsAccepted()
    {
        var channel = fixture.Channel;
        var token = channel.ChannelToken(expires: DateTime.UtcNow.AddMinutes(-3), notBefore: DateTime.UtcNow.AddHours(-1));

        var response = await Activities.PostAsync(fixture.Client, Activities.Message("who am I?", serviceUrl: channel.ServiceUrl, expectReplies: true), token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PostActivity_EntraTokenForTheBotsTenant_IsAccepted(bool v2)
    {
        var channel = fixture.Channel;
        var token = channel.EntraToken(v2, serviceUrl: channel.ServiceUrl);

        var replies = await Activities.RepliesAsync(await Activities.PostAsync(fixture.Client, Activities.Message("who am I?", serviceUrl: channel.ServiceUrl, expectReplies: true), token));

        Assert.Contains("Priya Patel", replies[0]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostActivity_EntraTokenForAnotherAudience_Is401()
    {
        var token = fixture.Channel.EntraToken(audience: "another-app");

        var response = await Activities.PostAsync(fixture.Client, Activities.Message("who am I?", serviceUrl: fixture.Channel.ServiceUrl, expectReplies: true), token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminApi_WithoutToken_Is401_AndWithAManagersEntraToken_Lists()
    {
        var anonymous = await fixture.Client.GetAsync("/api/admin/directory/people", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/directory/people");
        request.Headers.Authorization = new("Bearer", fixture.Channel.EntraToken(objectId: "demo-manager"));
        var response = await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var people = await response.Content.ReadFromJsonAsync<JsonArray>(TestContext.Current.CancellationToken);
        Assert.Contains(people!, p => p!["channelUserId"]!.GetValue<string>() == "demo-partner-2");
    }

    [Fact]
    public async Task AdminApi_PartnerAdmin_SeesOnlyTheirOwnOrganisation()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/directory/people");
        request.Headers.Authorization = new("Bearer", fixture.Channel.EntraToken(objectId: "demo-partner-admin"));
        var response = await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var people = await response.Content.ReadFromJsonAsync<JsonArray>(TestContext.Current.CancellationToken);
        Assert.NotEmpty(people!);
        Assert.All(people!, p => Assert.Equal("bluewave", p!["organisationId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AdminApi_PartnerUser_IsForbidden()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/directory/people");
        request.Headers.Authorization = new("Bearer", fixture.Channel.EntraToken(objectId: "demo-partner"));

        var response = await fixture.Client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
