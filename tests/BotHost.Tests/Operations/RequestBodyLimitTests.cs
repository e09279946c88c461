using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BotHost.Tests.DirectLine;
using BotHost.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Deals;

namespace BotHost.Tests.Operations;

/// <summary>A host in local development mode with small limits, so tests can go past them cheaply.</summary>
public sealed class SmallLimitsHostFixture : IAsyncLifetime
{
    public BotHostInstance Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await BotHostInstance.StartAsync(new Dictionary<string, string?>
        {
            ["RequestLimits:ImportMaxBodyBytes"] = "8192",
            ["Knowledge:MaxUploadBytes"] = "8192",
        });
        Client = Host.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>
/// Every endpoint counts the bytes it reads: a body over its limit is refused with 413 whether it
/// announces its length or comes chunked (issue 14: a 5 MB chunked Direct Line message was stored),
/// and nothing of it is kept.
/// </summary>
public sealed class RequestBodyLimitTests(SmallLimitsHostFixture fixture) : IClassFixture<SmallLimitsHostFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, bool> Endpoints => new()
    {
        { "/api/messages", false }, { "/api/messages", true },
        { "direct line activity", false }, { "direct line activity", true },
        { "direct line token", false }, { "direct line token", true },
        { "deals import", false }, { "deals import", true },
        { "admin JSON", false }, { "admin JSON", true },
        { "knowledge document", false }, { "knowledge document", true },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Post_BodyOverTheEndpointsLimit_Is413AndNothingIsStored(string endpoint, bool chunked)
    {
        var conversation = "limits-" + Guid.NewGuid().ToString("N");
        DirectLineClient? directLine = endpoint == "direct line activity" ? await DirectLineClient.StartAsync(fixture.Client, "demo-partner") : null;
        var registrationsBefore = await RegistrationCountAsync();
        var (method, path, mediaType, body) = endpoint switch
        {
            "/api/messages" => (HttpMethod.Post, "/api/messages", "application/json",
                Activities.Message(Filler(300 * 1024), serviceUrl: "http://127.0.0.1:9/", conversation: conversation, expectReplies: true).ToJsonString()),
            "direct line activity" => (HttpMethod.Post, $"/v3/directline/conversations/{directLine!.ConversationId}/activities", "application/json",
                // Chunked, a bit over the limit: past it the host stops reading and drops the connection, so a
                // client still writing megabytes would see the reset instead of the 413. With a length, the
                // client waits for "100 Continue" (as HTTP clients do for large bodies) and gets the 413 instead.
                new JsonObject { ["type"] = "message", ["text"] = Filler(chunked ? 400 * 1024 : 5 * 1024 * 1024) }.ToJsonString()),
            "direct line token" => (HttpMethod.Post, "/v3/directline/tokens/generate", "application/json",
                new JsonObject { ["user"] = new JsonObject { ["id"] = "demo-partner", ["name"] = Filler(200 * 1024) } }.ToJsonString()),
            "deals import" => (HttpMethod.Post, "/api/admin/deals/import", "text/csv",
                "number,partner_id,customer,opportunity,products,amount,currency,expected_close,role,status\n" +
                string.Concat(Enumerable.Range(0, 400).Select(i => $",bluewave,Limit Test {i},Pilot,data-fabric,1000,USD,2027-02-28,reseller,submitted\n"))),
            "admin JSON" => (HttpMethod.Put, "/api/admin/directory/people/limit-test", "application/json",
                new JsonObject { ["displayName"] = Filler(100 * 1024), ["organisationId"] = "bluewave", ["channelUserId"] = "limit-test", ["role"] = "PartnerUser" }.ToJsonString()),
            _ => (HttpMethod.Post, "/api/admin/knowledge/documents", "application/json",
                new JsonObject { ["fileName"] = "limits.md", ["text"] = "# Limits\n\n" + Filler(200 * 1024) }.ToJsonString()),
        };

        using var request = new HttpRequestMessage(method, path) { Content = Content(Encoding.UTF8.GetBytes(body), mediaType, chunked) };
        request.Headers.ExpectContinue = true;
        if (directLine is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", directLine.Token);
        }

        using var response = await fixture.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(413, (await response.Content.ReadFromJsonAsync<JsonObject>(Ct))!["status"]!.GetValue<int>());
        Assert.Equal(registrationsBefore, await RegistrationCountAsync());
        if (directLine is not null)
        {
            var (_, activities) = await directLine.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{directLine.ConversationId}/activities", null);
            Assert.DoesNotContain(activities!["activities"]!.AsArray(), a => a!["text"]?.GetValue<string>().Length > 100_000);
        }

        var health = await fixture.Client.GetAsync("/health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>The control: a body under the limit, sent chunked, is read and used.</summary>
    [Fact]
    public async Task Post_ChunkedBodyUnderTheLimit_IsProcessed()
    {
        var body = Activities.Message("who am I?", serviceUrl: "http://127.0.0.1:9/", expectReplies: true).ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = Content(Encoding.UTF8.GetBytes(body), "application/json", chunked: true) };

        using var response = await fixture.Client.SendAsync(request, Ct);

        Assert.Contains("Priya Patel", (await Activities.RepliesAsync(response))[0]!["text"]!.GetValue<string>());
    }

    private static string Filler(int length) => new('x', length);

    private static HttpContent Content(byte[] bytes, string mediaType, bool chunked)
    {
        HttpContent content = chunked ? new ChunkedContent(bytes) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        return content;
    }

    private async Task<int> RegistrationCountAsync()
    {
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DealsDbContext>().Registrations.CountAsync(Ct);
    }

    /// <summary>A body of unknown length, so HttpClient sends it with Transfer-Encoding: chunked.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 16 * 1024)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(16 * 1024, bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
