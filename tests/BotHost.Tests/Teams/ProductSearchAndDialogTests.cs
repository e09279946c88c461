using System.Net;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using BotHost.Tests.Infrastructure.Cards;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Knowledge;

namespace BotHost.Tests.Teams;

/// <summary>
/// The product's own sources behind the Teams search extension (enablement articles and deal
/// registrations) and the deal registration dialog, on the real host in authenticated mode with the
/// real embedding model and the demo deal book.
/// </summary>
public sealed class ProductSearchAndDialogTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pa-msx-" + Guid.NewGuid().ToString("N")[..10]);
    private TestChannel _channel = null!;
    private BotHostInstance _host = null!;
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "program"));
        await File.WriteAllTextAsync(Path.Combine(_folder, "program", "protection.md"), """
            ---
            title: Registration protection
            audience: partner
            source_url: https://partners.northbeam.example/docs/registration-protection
            ---
            # Registration protection

            ## How long protection lasts

            An approved deal registration is protected for 90 days from approval, and can be extended once by 45 days.
            """, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_folder, "program", "comp.md"), """
            ---
            title: Rep compensation on co-sell deals
            audience: internal
            ---
            # Rep compensation on co-sell deals

            ## Quota credit

            Co-sell deals count toward the account executive's quota credit at full value.
            """, TestContext.Current.CancellationToken);

        _channel = await TestChannel.StartAsync();
        _host = await BotHostInstance.StartAsync(_channel.BotSettings());
        await _host.Services.GetRequiredService<KnowledgeIngestor>().IngestFolderAsync(_folder, "enablement", false, null, TestContext.Current.CancellationToken);
        _client = _host.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _channel.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Search_Question_FindsTheArticleSectionWithALinkToTheSource()
    {
        var body = await InvokeAsync("composeExtension/query", Query("how long is a registration protected"));

        var first = body!["composeExtension"]!["attachments"]![0]!;
        Assert.Equal("Registration protection", first["preview"]!["content"]!["title"]!.GetValue<string>());
        AdaptiveCardValidator.AssertCardValid(first["content"]!, "a knowledge search result");
        var card = first["content"]!.ToJsonString();
        Assert.Contains("90 days", card, StringComparison.Ordinal);
        Assert.Contains("https://partners.northbeam.example/docs/registration-protection#how-long-protection-lasts", card, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_InternalArticle_OnlyTheVendorsPeopleFindIt()
    {
        var partner = Titles(await InvokeAsync("composeExtension/query", Query("quota credit on co-sell deals")));
        var salesRep = Titles(await InvokeAsync("composeExtension/query", Query("quota credit on co-sell deals"), from: "demo-sales"));

        Assert.DoesNotContain("Rep compensation on co-sell deals", partner);
        Assert.Equal("Rep compensation on co-sell deals", salesRep[0]);
    }

    [Fact]
    public async Task Search_RegistrationNumber_OnlyTheOwningPartnerFindsIt()
    {
        // DR-1042 is Bluewave's (demo-partner); Keystone's partner (demo-partner-2) must not see it.
        var owner = Titles(await InvokeAsync("composeExtension/query", Query("DR-1042")));
        var other = Titles(await InvokeAsync("composeExtension/query", Query("DR-1042"), from: "demo-partner-2"));

        Assert.StartsWith("DR-1042 · Contoso", owner[0], StringComparison.Ordinal);
        Assert.DoesNotContain(other, t => t.StartsWith("DR-1042", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Search_InitialRun_ListsTheCallersOpenRegistrations()
    {
        var titles = Titles(await InvokeAsync("composeExtension/query", Query("", initialRun: true)));

        Assert.NotEmpty(titles);
        Assert.All(titles, t => Assert.StartsWith("DR-", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RegisterDialog_OpenThenSubmitIncompleteThenComplete_RegistersOnceAndPostsTheRegistration()
    {
        var conversation = "a:" + Guid.NewGuid().ToString("N");
        var opened = await InvokeAsync("task/fetch", new JsonObject { ["data"] = new JsonObject { ["dialog"] = "deals.register", ["customer"] = "Tailwind Traders" } }, conversation: conversation);
        var form = opened!["task"]!["value"]!["card"]!["content"]!;
        AdaptiveCardValidator.AssertCardValid(form, "the registration dialog");
        Assert.Contains("Tailwind Traders", form.ToJsonString(), StringComparison.Ordinal);
        var submitData = form["actions"]![0]!["data"]!.AsObject();
        Assert.Equal("deals.register", submitData["dialog"]!.GetValue<string>());
        var key = submitData["submissionKey"]!.GetValue<string>();

        var incomplete = await InvokeAsync("task/submit", new JsonObject
        {
            ["data"] = new JsonObject { ["dialog"] = "deals.register", ["submissionKey"] = key, ["customer"] = "Tailwind Traders" },
        }, conversation: conversation);
        Assert.Equal("continue", incomplete!["task"]!["type"]!.GetValue<string>());
        // The form comes back with the problems on top, in the attention colour, and what was typed kept.
        var again = incomplete["task"]!["value"]!["card"]!["content"]!.ToJsonString();
        Assert.Contains("\"color\":\"Attention\"", again, StringComparison.Ordinal);
        Assert.Contains("Tailwind Traders", again, StringComparison.Ordinal);

        var complete = new JsonObject
        {
            ["dialog"] = "deals.register", ["submissionKey"] = key, ["customer"] = "Tailwind Traders", ["opportunity"] = "Edge vision pilot",
            ["products"] = "edge-runtime", ["amount"] = "85000", ["currency"] = "USD",
            ["expectedClose"] = DateTime.UtcNow.AddMonths(3).ToString("yyyy-MM-dd"), ["role"] = "reseller",
        };
        var closed = await InvokeAsync("task/submit", new JsonObject { ["data"] = complete }, conversation: conversation);
        // Teams retries a submit it did not hear back from: the same key must not register twice.
        await InvokeAsync("task/submit", new JsonObject { ["data"] = complete.DeepClone() }, conversation: conversation);

        Assert.Null(closed);
        var posted = _channel.Delivered.Where(c => c.Path.Contains(conversation, StringComparison.Ordinal)).Select(c => c.Text ?? "").ToList();
        Assert.Equal(2, posted.Count);
        Assert.Matches(@"^Registered as \*\*DR-\d+\*\*", posted[0]);
        Assert.Contains("already registered", posted[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterDialog_SalesRep_IsToldPartnersRegister()
    {
        var opened = await InvokeAsync("task/fetch", new JsonObject { ["data"] = new JsonObject { ["dialog"] = "deals.register" } }, from: "demo-sales");

        Assert.Equal("message", opened!["task"]!["type"]!.GetValue<string>());
        Assert.Contains("registered by partners", opened["task"]!["value"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<JsonObject?> InvokeAsync(string name, JsonNode value, string from = "demo-partner", string? conversation = null)
    {
        var invoke = Activities.Base("invoke", from: from, serviceUrl: _channel.ServiceUrl, conversation: conversation ?? "a:" + Guid.NewGuid().ToString("N"));
        invoke["name"] = name;
        invoke["value"] = value;
        using var response = await Activities.PostAsync(_client, invoke, _channel.ChannelToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject;
    }

    private static JsonObject Query(string query, bool initialRun = false) => new()
    {
        ["commandId"] = "search",
        ["parameters"] = new JsonArray(initialRun
            ? new JsonObject { ["name"] = "initialRun", ["value"] = "true" }
            : new JsonObject { ["name"] = "query", ["value"] = query }),
        ["queryOptions"] = new JsonObject { ["skip"] = 0, ["count"] = 25 },
    };

    private static List<string> Titles(JsonObject? body) =>
        body!["composeExtension"]!["attachments"]!.AsArray().Select(a => a!["preview"]!["content"]!["title"]!.GetValue<string>()).ToList();
}
