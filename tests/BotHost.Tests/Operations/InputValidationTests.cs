using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Operations;

/// <summary>
/// Every admin API body is held to its columns and its enums before a service sees it (issue 14: a
/// partner admin stored <c>role: 99</c>): 400 with the field named, and nothing stored.
/// </summary>
public sealed class InputValidationTests(AuthenticatedHostFixture fixture) : IClassFixture<AuthenticatedHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string, JsonObject, string> BadBodies => new()
    {
        { "demo-partner-admin", "PUT", "/api/admin/directory/people/odd-role", Person("odd-role", role: 99), "'role' must be one of" },
        { "demo-partner-admin", "PUT", "/api/admin/directory/people/long-name", Person("long-name", displayName: new string('n', 300)), "'displayName' is longer than 200 characters." },
        { "demo-manager", "PUT", "/api/admin/directory/organisations/oddtier", new JsonObject { ["id"] = "oddtier", ["name"] = "Odd Tier", ["partnerType"] = 1, ["tier"] = 42 }, "'tier' must be one of" },
        { "demo-partner-admin", "POST", "/api/admin/program/mdf/requests", new JsonObject { ["activityType"] = "event", ["title"] = new string('t', 500), ["activityDate"] = "2027-03-01", ["eligibleCost"] = 1000, ["requestedAmount"] = 500 }, "'title' is longer than 200 characters." },
        { "demo-manager", "POST", "/api/knowledge/search", new JsonObject { ["query"] = new string('q', 5000) }, "'query' is longer than 1000 characters." },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task AdminApi_BodyOutsideItsLimits_Is400AndNothingIsStored(string caller, string method, string path, JsonObject body, string detail)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", fixture.Channel.AdminToken(caller));

        using var response = await fixture.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["detail"]!.GetValue<string>());
        using var people = new HttpRequestMessage(HttpMethod.Get, "/api/admin/directory/people");
        people.Headers.Authorization = new("Bearer", fixture.Channel.AdminToken("demo-manager"));
        var listed = await (await fixture.Client.SendAsync(people, Ct)).Content.ReadFromJsonAsync<JsonArray>(Ct);
        Assert.DoesNotContain(listed!, p => p!["id"]!.GetValue<string>() is "odd-role" or "long-name");
    }

    /// <summary>A body that is not the request's JSON is refused with problem details too, not an empty 400.</summary>
    [Fact]
    public async Task AdminApi_BodyMissingARequiredField_Is400WithProblemDetails()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/admin/directory/organisations/noid") { Content = JsonContent.Create(new JsonObject { ["name"] = "No Id" }) };
        request.Headers.Authorization = new("Bearer", fixture.Channel.AdminToken("demo-manager"));

        using var response = await fixture.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>The control: the same person with a defined role and a short name is stored.</summary>
    [Fact]
    public async Task AdminApi_ValidPerson_IsStored()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/admin/directory/people/fine-person") { Content = JsonContent.Create(Person("fine-person", role: 0)) };
        request.Headers.Authorization = new("Bearer", fixture.Channel.AdminToken("demo-partner-admin"));

        using var response = await fixture.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static JsonObject Person(string id, int role = 0, string displayName = "Test Person") => new()
    {
        ["id"] = id,
        ["channelUserId"] = id + "-channel",
        ["displayName"] = displayName,
        ["organisationId"] = "bluewave",
        ["role"] = role,
    };
}
