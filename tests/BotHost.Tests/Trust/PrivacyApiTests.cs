using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.People;

namespace BotHost.Tests.Trust;

/// <summary>The export and erasure endpoints with real admin tokens: who may see and erase whose data, and what each refusal says.</summary>
public sealed class PrivacyApiTests(AuthenticatedHostFixture fixture) : IClassFixture<AuthenticatedHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("demo-partner", "priya-patel", HttpStatusCode.OK)]
    [InlineData("demo-partner", "tom-becker", HttpStatusCode.Forbidden)]
    [InlineData("demo-partner-admin", "priya-patel", HttpStatusCode.OK)]
    [InlineData("demo-partner-admin", "lukas-meyer", HttpStatusCode.NotFound)]
    [InlineData("demo-partner-admin", "nobody-here", HttpStatusCode.NotFound)]
    [InlineData("demo-manager", "lukas-meyer", HttpStatusCode.OK)]
    [InlineData("demo-sales", "lukas-meyer", HttpStatusCode.Forbidden)]
    public async Task Export_ByRole_SelfOwnOrganisationOrAnyone(string requester, string subject, HttpStatusCode expected)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/admin/directory/people/{subject}/data", requester);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(Ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.OK)
        {
            Assert.Equal(subject, body!["about"]!["personId"]!.GetValue<string>());
        }
        else if (requester == "demo-partner-admin")
        {
            // The same words whether the person is elsewhere or nowhere: a partner learns nothing about other organisations.
            Assert.Equal($"There is no one with the id '{subject}' in Bluewave Solutions. Partner administrators can ask for the data of their own organisation's people only.",
                body!["detail"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Erase_ChannelManager_ErasesOnce_ThenSaysAlreadyErased_AndPartnerAdminsAreRefused()
    {
        var directory = fixture.Host.Services.GetRequiredService<DirectoryService>();
        await directory.SavePersonAsync(new Person
        {
            Id = "jonas-weber", ChannelUserId = "chan-jonas-weber", DisplayName = "Jonas Weber", Email = "jonas.weber@keystone.example", OrganisationId = "keystone", Role = Role.PartnerUser,
        }, Ct);

        using var byPartnerAdmin = await SendAsync(HttpMethod.Post, "/api/admin/directory/people/priya-patel/erase", "demo-partner-admin");
        using var first = await SendAsync(HttpMethod.Post, "/api/admin/directory/people/jonas-weber/erase", "demo-manager");
        using var second = await SendAsync(HttpMethod.Post, "/api/admin/directory/people/jonas-weber/erase", "demo-manager");
        using var unknown = await SendAsync(HttpMethod.Post, "/api/admin/directory/people/no-such-person/erase", "demo-manager");
        using var register = await SendAsync(HttpMethod.Get, "/api/admin/directory/erasures", "demo-manager");
        using var registerForPartner = await SendAsync(HttpMethod.Get, "/api/admin/directory/erasures", "demo-partner-admin");

        Assert.Equal(HttpStatusCode.Forbidden, byPartnerAdmin.StatusCode);
        Assert.StartsWith("Only a Northbeam channel manager can erase someone's data", (await byPartnerAdmin.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());
        Assert.NotNull(await directory.FindByPersonIdAsync("priya-patel", Ct));
        var erased = await first.Content.ReadFromJsonAsync<JsonObject>(Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("maya-chen", erased!["requestedBy"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(erased["pseudonym"]!.GetValue<string>(), (await second.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var entries = await register.Content.ReadFromJsonAsync<JsonArray>(Ct);
        Assert.Contains(entries!, e => e!["number"]!.GetValue<long>() == erased["number"]!.GetValue<long>());
        Assert.DoesNotContain("jonas", entries!.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.Forbidden, registerForPartner.StatusCode);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string objectId)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fixture.Channel.AdminToken(objectId));
        return await fixture.Client.SendAsync(request, Ct);
    }
}
