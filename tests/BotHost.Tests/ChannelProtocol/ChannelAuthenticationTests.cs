using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotFramework.Adapter;
using BotFramework.Connector;
using BotFramework.Schema;
using BotHost.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;

namespace BotHost.Tests.ChannelProtocol;

/// <summary>
/// <c>/api/messages</c> takes only what a channel sends: Bot Framework channel tokens (endorsed key,
/// serviceurl claim equal to the activity's) and Entra app-only tokens of the bot's tenant from a
/// trusted application. Everything else is 401, and a refused request leaves nothing behind: no reply,
/// no conversation state, no conversation reference, no re-delivery row. The test channel serves its
/// own OpenID metadata and keys (Bot Framework's, with endorsements, and the tenant's).
/// </summary>
public sealed class ChannelAuthenticationTests(AuthenticatedHostFixture fixture) : IClassFixture<AuthenticatedHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> RefusedTokens =>
    [
        "missing", "not a bearer scheme", "malformed", "alg none", "HS256 signed with the public key", "unknown kid",
        "wrong issuer", "wrong audience", "expired beyond the clock skew", "not yet valid", "key without endorsements",
        "key endorsed for another channel", "serviceurl claim missing", "serviceurl claim different",
        "a user's delegated token (v2, scp)", "a user's delegated token (v1, scp)", "a user's token (idtyp user)",
        "a user's token without scp, azp or ver", "Entra token from an untrusted application (v2)",
        "Entra token from an untrusted application (v1)", "Entra token without ver", "Entra v2 token naming its app in appid only",
        "Entra token of another tenant", "Entra token for another audience", "Entra token expired beyond the clock skew",
        "Entra token with a different serviceurl", "admin API token",
    ];

    [Theory]
    [MemberData(nameof(RefusedTokens))]
    public async Task PostActivity_RefusedToken_Is401AndNothingIsWritten(string problem)
    {
        var channel = fixture.Channel;
        var conversation = "auth-" + Guid.NewGuid().ToString("N");
        var past = DateTime.UtcNow.AddMinutes(-10);
        string? header = problem switch
        {
            "missing" => null,
            "not a bearer scheme" => "Basic " + Convert.ToBase64String("bot:secret"u8.ToArray()),
            "malformed" => "Bearer not.a.jwt",
            "alg none" => "Bearer " + channel.UnsignedToken(),
            "HS256 signed with the public key" => "Bearer " + channel.Hs256WithPublicKeyToken(),
            "unknown kid" => "Bearer " + channel.ChannelToken(keyId: TestChannel.UnknownKey),
            "wrong issuer" => "Bearer " + channel.ChannelToken(issuer: "https://api.botframework.evil"),
            "wrong audience" => "Bearer " + channel.ChannelToken(audience: "some-other-bot"),
            "expired beyond the clock skew" => "Bearer " + channel.ChannelToken(expires: past, notBefore: past.AddHours(-1)),
            "not yet valid" => "Bearer " + channel.ChannelToken(notBefore: DateTime.UtcNow.AddMinutes(30), expires: DateTime.UtcNow.AddHours(2)),
            "key without endorsements" => "Bearer " + channel.ChannelToken(keyId: TestChannel.UnendorsedKey),
            "key endorsed for another channel" => "Bearer " + channel.ChannelToken(keyId: TestChannel.OtherChannelKey),
            "serviceurl claim missing" => "Bearer " + channel.ChannelToken(serviceUrl: ""),
            "serviceurl claim different" => "Bearer " + channel.ChannelToken(serviceUrl: "https://smba.trafficmanager.net/evil/"),
            "a user's delegated token (v2, scp)" => "Bearer " + channel.EntraToken(objectId: "demo-partner-2", callerApp: "partner-client-app", scope: "access_as_user"),
            "a user's delegated token (v1, scp)" => "Bearer " + channel.EntraToken(v2: false, objectId: "demo-partner-2", callerApp: "partner-client-app", scope: "access_as_user"),
            // Even the bot's own app id as the asking app does not make a person's token a channel's.
            "a user's token (idtyp user)" => "Bearer " + channel.EntraToken(objectId: "demo-partner-2", identityType: "user"),
            "a user's token without scp, azp or ver" => "Bearer " + channel.EntraToken(objectId: "demo-partner-2", callerApp: null, version: ""),
            "Entra token from an untrusted application (v2)" => "Bearer " + channel.EntraToken(callerApp: "untrusted-app"),
            "Entra token from an untrusted application (v1)" => "Bearer " + channel.EntraToken(v2: false, callerApp: "untrusted-app"),
            "Entra token without ver" => "Bearer " + channel.EntraToken(version: ""),
            "Entra v2 token naming its app in appid only" => "Bearer " + channel.EntraToken(version: "2.0", v2: false),
            "Entra token of another tenant" => "Bearer " + channel.EntraToken(tenant: "0c8f3b1e-2222-4c44-9a0e-999999999999"),
            "Entra token for another audience" => "Bearer " + channel.EntraToken(audience: "another-app"),
            "Entra token expired beyond the clock skew" => "Bearer " + channel.EntraToken(expires: past),
            "Entra token with a different serviceurl" => "Bearer " + channel.EntraToken(serviceUrl: "https://attacker.example/"),
            "admin API token" => "Bearer " + channel.AdminToken("demo-manager"),
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var response = await PostAsync(Activities.Message("who am I?", from: "demo-manager", serviceUrl: channel.ServiceUrl, conversation: conversation), header);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await Task.Delay(200, Ct);
        Assert.Empty(fixture.CallsIn(conversation));
        Assert.Equal((0, 0, 0), await fixture.StoredAboutAsync(conversation));
    }

    /// <summary>The control for the test above: an accepted activity does leave a reply, a reference and a dedup row.</summary>
    [Fact]
    public async Task PostActivity_ChannelToken_IsAnsweredAndRemembered()
    {
        var conversation = "auth-" + Guid.NewGuid().ToString("N");

        var response = await PostAsync(Activities.Message("who am I?", serviceUrl: fixture.Channel.ServiceUrl, conversation: conversation), "Bearer " + fixture.Channel.ChannelToken());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(fixture.DeliveredIn(conversation), c => c.Text?.Contains("Priya Patel", StringComparison.Ordinal) == true);
        var (_, references, processed) = await fixture.StoredAboutAsync(conversation);
        Assert.Equal((1, 1), (references, processed));
    }

    [Fact]
    public async Task PostActivity_ExpiredWithinClockSkew_IsAccepted()
    {
        var channel = fixture.Channel;
        var token = channel.ChannelToken(expires: DateTime.UtcNow.AddMinutes(-3), notBefore: DateTime.UtcNow.AddHours(-1));

        var response = await Activities.PostAsync(fixture.Client, Activities.Message("who am I?", serviceUrl: channel.ServiceUrl, expectReplies: true), token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Emulator and skill style: an app-only token the bot's own app, or a configured caller, asked for.</summary>
    [Theory]
    [InlineData(true, TestChannel.AppId)]
    [InlineData(false, TestChannel.AppId)]
    [InlineData(true, TestChannel.SkillCallerApp)]
    [InlineData(false, TestChannel.SkillCallerApp)]
    public async Task PostActivity_AppOnlyTokenFromATrustedApplication_IsAccepted(bool v2, string callerApp)
    {
        var channel = fixture.Channel;
        var token = channel.EntraToken(v2, callerApp: callerApp);

        var replies = await Activities.RepliesAsync(await Activities.PostAsync(fixture.Client, Activities.Message("who am I?", serviceUrl: channel.ServiceUrl, expectReplies: true), token));

        Assert.Contains("Priya Patel", replies[0]!["text"]!.GetValue<string>());
    }

    /// <summary>
    /// The attack of issue 14: a Keystone user's own Entra token for the bot's audience, an activity
    /// claiming to be the channel manager, "approve DR-1043" and "yes", replies to the attacker's
    /// server. Every request is refused; DR-1043 stays submitted; the attacker's server is never
    /// called and its address is stored nowhere. The control: the same words from the real channel
    /// reach the approval's confirmation.
    /// </summary>
    [Fact]
    public async Task PartnerToken_ImpersonatingTheManager_ApprovesNothingAndNeverCallsTheAttacker()
    {
        await using var attacker = await TestChannel.StartAsync();
        var channel = fixture.Channel;
        string[] tokens =
        [
            channel.EntraToken(objectId: "demo-partner-2", callerApp: "keystone-client-app", scope: "access_as_user"),
            channel.EntraToken(objectId: "demo-partner-2", callerApp: null, version: ""),
            channel.EntraToken(v2: false, objectId: "demo-partner-2", callerApp: "keystone-client-app"),
        ];
        var conversation = "attack-" + Guid.NewGuid().ToString("N");

        foreach (var token in tokens)
        {
            foreach (var text in new[] { "approve DR-1043", "yes" })
            {
                var response = await Activities.PostAsync(fixture.Client, Activities.Message(text, from: "demo-manager", serviceUrl: attacker.ServiceUrl, conversation: conversation), token);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            }
        }

        Assert.Equal("Submitted", (await RegistrationAsync("DR-1043"))["status"]!.GetValue<string>());
        Assert.Empty(attacker.Calls);
        Assert.Equal(0, attacker.TokensIssued);
        Assert.Equal((0, 0, 0), await fixture.StoredAboutAsync(conversation));
        Assert.Equal(0, await ReferencesToAsync(attacker.ServiceUrl));

        var control = await Activities.PostAsync(fixture.Client,
            Activities.Message("approve DR-1043", from: "demo-manager", serviceUrl: channel.ServiceUrl, conversation: "control-" + Guid.NewGuid().ToString("N"), expectReplies: true),
            channel.ChannelToken());
        var replies = await Activities.RepliesAsync(control);
        Assert.Contains(replies, r => r!.ToJsonString().Contains("DR-1043", StringComparison.Ordinal));
    }

    /// <summary>
    /// The connector token only goes where an authenticated activity came from: a proactive message
    /// to a reference naming another server is refused before any request, while the channel's own
    /// address (vouched for by the control activity) gets the message with the token.
    /// </summary>
    [Fact]
    public async Task ProactiveMessage_ToAServiceUrlNoChannelVouchedFor_IsRefusedWithoutACall()
    {
        await using var attacker = await TestChannel.StartAsync();
        var channel = fixture.Channel;
        var conversation = "trust-" + Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Activities.Message("who am I?", serviceUrl: channel.ServiceUrl, conversation: conversation), "Bearer " + channel.ChannelToken())).StatusCode);
        var adapter = fixture.Host.Services.GetRequiredService<BotAdapter>();

        var refused = await Assert.ThrowsAsync<ConnectorException>(() => adapter.ContinueConversationAsync(
            Reference(attacker.ServiceUrl, conversation), (turn, ct) => turn.SendTextAsync("DR-1050 was submitted", ct), Ct));
        await adapter.ContinueConversationAsync(Reference(channel.ServiceUrl, conversation), (turn, ct) => turn.SendTextAsync("DR-1050 was submitted", ct), Ct);

        Assert.Equal(403, refused.StatusCode);
        Assert.Empty(attacker.Calls);
        var delivered = Assert.Single(fixture.DeliveredIn(conversation), c => c.Text == "DR-1050 was submitted");
        Assert.StartsWith("Bearer connector-token-", delivered.Authorization);
    }

    [Fact]
    public async Task AdminApi_WithoutToken_Is401_AndWithAManagersAdminToken_Lists()
    {
        var anonymous = await fixture.Client.GetAsync("/api/admin/directory/people", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var response = await AdminGetAsync("/api/admin/directory/people", fixture.Channel.AdminToken("demo-manager"));

        response.EnsureSuccessStatusCode();
        var people = await response.Content.ReadFromJsonAsync<JsonArray>(Ct);
        Assert.Contains(people!, p => p!["channelUserId"]!.GetValue<string>() == "demo-partner-2");
    }

    /// <summary>Tokens for the bot's own audience (a channel's, or a person's for the bot) do not open the admin API.</summary>
    [Theory]
    [InlineData("channel")]
    [InlineData("bot audience")]
    [InlineData("wrong tenant")]
    public async Task AdminApi_TokenForAnotherAudienceOrTenant_Is401(string kind)
    {
        var channel = fixture.Channel;
        var token = kind switch
        {
            "channel" => channel.ChannelToken(),
            "bot audience" => channel.EntraToken(objectId: "demo-manager", callerApp: TestChannel.AdminClientApp, scope: "Admin.ReadWrite"),
            _ => channel.EntraToken(audience: TestChannel.AdminAudience, objectId: "demo-manager", tenant: "0c8f3b1e-2222-4c44-9a0e-999999999999"),
        };

        var response = await AdminGetAsync("/api/admin/directory/people", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AdminApi_PartnerAdmin_SeesOnlyTheirOwnOrganisation()
    {
        var response = await AdminGetAsync("/api/admin/directory/people", fixture.Channel.AdminToken("demo-partner-admin", v2: false));

        response.EnsureSuccessStatusCode();
        var people = await response.Content.ReadFromJsonAsync<JsonArray>(Ct);
        Assert.NotEmpty(people!);
        Assert.All(people!, p => Assert.Equal("bluewave", p!["organisationId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AdminApi_PartnerUser_IsForbidden()
    {
        var response = await AdminGetAsync("/api/admin/directory/people", fixture.Channel.AdminToken("demo-partner"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Start_AdminAudienceIsTheBotsAppId_FailsWithTheReason()
    {
        var settings = fixture.Channel.BotSettings();
        settings["AdminApi:Audiences:0"] = TestChannel.AppId;

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => BotHostInstance.StartAsync(settings));

        Assert.Equal(
            $"AdminApi:Audiences must not contain the bot's app id ({TestChannel.AppId}): admin tokens need an audience of their own, so that /api/messages refuses them.",
            failure.Message);
    }

    private async Task<HttpResponseMessage> PostAsync(JsonObject activity, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = JsonContent.Create(activity) };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await fixture.Client.SendAsync(request, Ct);
    }

    private async Task<HttpResponseMessage> AdminGetAsync(string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", token);
        return await fixture.Client.SendAsync(request, Ct);
    }

    private async Task<JsonObject> RegistrationAsync(string number)
    {
        var response = await AdminGetAsync($"/api/admin/deals/registrations/{number}", fixture.Channel.AdminToken("demo-manager"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!;
    }

    private async Task<int> ReferencesToAsync(string serviceUrl)
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConversationDbContext>();
        return await db.References.CountAsync(r => r.ServiceUrl.StartsWith(serviceUrl.TrimEnd('/')), Ct);
    }

    private static ConversationReference Reference(string serviceUrl, string conversation) => new()
    {
        ChannelId = "msteams",
        ServiceUrl = serviceUrl,
        Conversation = new ConversationAccount { Id = conversation, ConversationType = "personal" },
        User = new ChannelAccount { Id = "demo-partner" },
        Bot = new ChannelAccount { Id = "28:" + TestChannel.AppId },
    };
}
