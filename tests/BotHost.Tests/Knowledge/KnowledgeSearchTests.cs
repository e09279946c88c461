using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Knowledge;

namespace BotHost.Tests.Knowledge;

/// <summary>
/// The search the editors' tools and the acceptance checks use, over the real host and the real
/// command line, with the real embedding model, over a small folder of documents.
/// </summary>
public sealed class KnowledgeSearchTests : IAsyncLifetime
{
    private static readonly string[] ResultFields = ["source", "title", "section", "score", "text"];
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pa-kdocs-" + Guid.NewGuid().ToString("N")[..10]);

    public ValueTask InitializeAsync()
    {
        Write("program/protection.md", """
            ---
            title: Registration protection
            audience: partner
            source_url: https://partners.northbeam.example/docs/registration-protection
            ---
            # Registration protection

            ## How long protection lasts

            An approved deal registration is protected for 90 days from approval, and can be extended once by 45 days.

            ## Reminders

            Reminders go out 14 and 3 days before the protection expires.
            """);
        Write("internal/comp.md", """
            ---
            title: Rep compensation on co-sell deals
            audience: internal
            ---
            # Rep compensation on co-sell deals

            ## Quota credit

            Co-sell deals count toward the account executive's quota at full value.
            """);
        Write("notes.txt", "The partner portal is at partners.northbeam.example and lists every enablement course.");
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task PostSearch_LocalDevelopmentMode_ReturnsRankedPassagesInTheDocumentedShape()
    {
        await using var host = await BotHostInstance.StartAsync();
        await host.Services.GetRequiredService<KnowledgeIngestor>().IngestFolderAsync(_folder, "enablement", false, null, TestContext.Current.CancellationToken);
        using var client = host.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/knowledge/search", new { query = "how long is a registration protected", top = 2, collection = "enablement" }, TestContext.Current.CancellationToken);
        var results = AssertShape(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, results.Count);
        Assert.Equal("program/protection.md", results[0]["source"]!.GetValue<string>());
        Assert.Equal("How long protection lasts", results[0]["section"]!.GetValue<string>());
        Assert.Contains("90 days", results[0]["text"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostSearch_BadTop_IsABadRequestThatSaysWhy()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/knowledge/search", new { query = "mdf", top = 0 }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'top' must be between 1 and 50.", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostSearch_AuthenticatedModeWithoutAToken_IsUnauthorized()
    {
        await using var host = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["Bot:MicrosoftAppId"] = "00000000-0000-0000-0000-000000000001", ["Bot:MicrosoftAppPassword"] = "not-used" });
        using var client = host.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/knowledge/search", new { query = "mdf" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CommandLine_IngestThenSearchJson_PrintsOnlyTheJsonArrayOnStandardOutput()
    {
        var data = Path.Combine(Path.GetTempPath(), "pa-kcli-" + Guid.NewGuid().ToString("N")[..10]);
        try
        {
            var ingest = await RunCliAsync(data, "knowledge", "ingest", _folder);
            Assert.True(ingest.ExitCode == 0, ingest.StandardError);
            Assert.Contains("3 added", ingest.StandardOutput, StringComparison.Ordinal);

            var search = await RunCliAsync(data, "knowledge", "search", "does a co-sell deal count toward quota", "--top", "3", "--json");
            Assert.True(search.ExitCode == 0, search.StandardError);
            var results = AssertShape(search.StandardOutput);
            Assert.Equal("internal/comp.md", results[0]["source"]!.GetValue<string>());

            var partnerView = await RunCliAsync(data, "knowledge", "search", "does a co-sell deal count toward quota", "--json", "--audience", "partner");
            Assert.DoesNotContain(AssertShape(partnerView.StandardOutput), r => r["source"]!.GetValue<string>() == "internal/comp.md");
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>A JSON array of objects with exactly the documented fields, ordered by score.</summary>
    private static List<JsonObject> AssertShape(string json)
    {
        var array = Assert.IsType<JsonArray>(JsonNode.Parse(json));
        var results = array.Select(r => Assert.IsType<JsonObject>(r)).ToList();
        Assert.NotEmpty(results);
        foreach (var result in results)
        {
            Assert.Equal(ResultFields.Order(), result.Select(p => p.Key).Order());
            Assert.Equal(JsonValueKind.String, result["source"]!.GetValueKind());
            Assert.Equal(JsonValueKind.Number, result["score"]!.GetValueKind());
            Assert.False(Path.IsPathRooted(result["source"]!.GetValue<string>()));
        }

        var scores = results.Select(r => r["score"]!.GetValue<double>()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
        return results;
    }

    private static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunCliAsync(string dataFolder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "BotHost.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Data__Folder"] = dataFolder;
        start.Environment["Knowledge__IngestOnStart"] = "false";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stdout, await stderr);
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
