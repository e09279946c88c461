using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Admin;
using BotHost.Tests.EndToEnd;
using BotHost.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using PartnerAssistant.Conversation;
using PartnerAssistant.Knowledge.Embeddings;

namespace BotHost.Tests.Operations;

/// <summary>Keeps every log line a host writes at Information and above, to read what an operator sees.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Starts a host (local development mode) whose logs at Information and above are kept here.</summary>
    public static async Task<(BotHostInstance Host, CapturedLogs Logs)> StartHostAsync(IDictionary<string, string?>? settings = null)
    {
        var logs = new CapturedLogs();
        var values = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
        };
        var host = await BotHostInstance.StartAsync(values, builder => builder.Logging.AddProvider(logs));
        return (host, logs);
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Lines.Enqueue((logLevel, category, formatter(state, exception)));
            }
        }
    }
}

/// <summary>
/// What a newcomer meets running the host: who the Agents Playground's user is, links that point at
/// this instance, files under the data folder, quiet and useful logs, and the admin API's description.
/// </summary>
public sealed class NewcomerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A message as the Agents Playground sends it from its built-in user.</summary>
    private static JsonObject FromPlayground(string text)
    {
        var message = Activities.Message(text, from: "user-id-0", conversation: "playground-" + Guid.NewGuid().ToString("N"), expectReplies: true);
        message["from"]!["aadObjectId"] = "00000000-0000-0000-0000-0000000000020";
        return message;
    }

    private static async Task<string> AskAsync(BotHostInstance host, JsonObject activity)
    {
        using var client = host.CreateClient();
        var replies = await Activities.RepliesAsync(await Activities.PostAsync(client, activity));
        return string.Join("\n", replies.Where(r => r!["type"]!.GetValue<string>() == "message").Select(r => r!["text"]?.GetValue<string>()));
    }

    [Fact]
    public async Task PlaygroundUser_ByDefault_SpeaksAsPriya_AndOneSettingMakesItSomeoneElse_OrNobody()
    {
        await using var byDefault = await BotHostInstance.StartAsync();
        await using var asManager = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["Directory:PlaygroundUser"] = "demo-manager" });
        await using var off = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["Directory:PlaygroundUser"] = "" });

        Assert.Contains("You are **Priya Patel**", await AskAsync(byDefault, FromPlayground("who am I?")));
        Assert.Contains("You are **Maya Chen**", await AskAsync(asManager, FromPlayground("who am I?")));
        Assert.Contains("I don't have you in the partner directory", await AskAsync(off, FromPlayground("who am I?")));
        // Anyone else the directory does not know stays a stranger.
        Assert.Contains("I don't have you in the partner directory", await AskAsync(byDefault, Activities.Message("who am I?", from: "someone-else", expectReplies: true)));
    }

    [Fact]
    public async Task PublicBaseUrl_IsWhereTheDashboardLinkPoints_AndWithoutItTheAddressTheHostListensOn()
    {
        await using var behindProxy = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["PublicBaseUrl"] = "https://assistant.northbeam.example" });
        await using var plain = await BotHostInstance.StartAsync();

        var proxied = await AskAsync(behindProxy, Activities.Message("how is the program doing this quarter?", from: "demo-manager", expectReplies: true));
        var direct = await AskAsync(plain, Activities.Message("how is the program doing this quarter?", from: "demo-manager", expectReplies: true));

        Assert.Contains("https://assistant.northbeam.example/dashboard", proxied);
        Assert.Contains($"http://127.0.0.1:{plain.BaseAddress.Port}/dashboard", direct);
        Assert.DoesNotContain("localhost:3978", direct);
    }

    [Fact]
    public async Task PublicBaseUrl_NotAnAddress_HostRefusesToStartSayingWhy()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => BotHostInstance.StartAsync(new Dictionary<string, string?> { ["PublicBaseUrl"] = "assistant.example" }));

        Assert.Contains("PublicBaseUrl must be empty or an absolute http(s) address", error.Message);
    }

    [Fact]
    public void EmbeddingModelCache_WithoutASetting_IsUnderTheDataFolder()
    {
        var data = Path.Combine(Path.GetTempPath(), "pa-cache-check-" + Guid.NewGuid().ToString("N")[..8]);
        var builder = PartnerAssistantApp.CreateBuilder([$"--Data:Folder={data}", "--Embeddings:CacheDirectory="]);
        using var services = builder.Services.BuildServiceProvider();

        Assert.Equal(Path.Combine(Path.GetFullPath(data), "models"), services.GetRequiredService<IOptions<EmbeddingOptions>>().Value.CacheDirectory);
    }

    [Fact]
    public async Task Logs_AtStart_NameTheChatPageAndDashboard_AndAPersonNobodyCanReachIsNoInformationLine()
    {
        var (host, logs) = await CapturedLogs.StartHostAsync();
        await using var _ = host;
        var messenger = host.Services.GetRequiredService<IProactiveMessenger>();

        var delivered = await messenger.SendToPersonAsync("ines-duarte", AssistantReply.Say("Your onboarding is overdue."), Ct);

        Assert.False(delivered);
        var lines = logs.Lines.ToList();
        var tryIt = Assert.Single(lines, l => l.Message.StartsWith("Try it:", StringComparison.Ordinal)).Message;
        Assert.Contains($"Web Chat at {host.BaseAddress}", tryIt);
        Assert.Contains($"the program dashboard at {host.BaseAddress}dashboard", tryIt);
        Assert.Contains($"{host.BaseAddress}api-reference", tryIt);
        Assert.Contains("its user speaks as demo-partner", tryIt);
        Assert.DoesNotContain(lines, l => l.Message.Contains("No conversation to reach", StringComparison.Ordinal) || l.Message.Contains("Could not reach", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_MetricsRequest_LogsNoEfCoreWarning()
    {
        var (host, logs) = await CapturedLogs.StartHostAsync();
        await using var _ = host;
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/api/program/metrics?from=2026-01-01&to=2026-12-31", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var warnings = logs.Lines.Where(l => l.Category.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal)).Select(l => l.Message).ToList();
        Assert.True(warnings.Count == 0, string.Join("\n", warnings));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheAdminApi_AndNotTheChannelOrThePages()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var client = host.CreateClient();

        var document = await client.GetFromJsonAsync<JsonObject>(AdminApiReference.DocumentPath, Ct);

        Assert.Equal("Partner Assistant admin API", document!["info"]!["title"]!.GetValue<string>());
        var paths = document["paths"]!.AsObject();
        Assert.NotNull(paths["/api/admin/knowledge/documents"]?["post"]);
        Assert.NotNull(paths["/api/admin/knowledge/documents/{source}"]?["delete"]);
        Assert.NotNull(paths["/api/admin/directory/people/{id}"]?["put"]);
        Assert.DoesNotContain(paths, p => p.Key.StartsWith("/api/messages", StringComparison.Ordinal) || p.Key.StartsWith("/v3/directline", StringComparison.Ordinal) || p.Key.StartsWith("/webchat", StringComparison.Ordinal));
        Assert.NotNull(document["components"]!["securitySchemes"]!["EntraId"]);
    }

    [Fact]
    public async Task ApiReferencePage_InLocalDevelopmentMode_ShowsTheKnowledgeEndpoints_LoadingNothingFromOutside()
    {
        if (HeadlessChromium.Missing() is { } missing)
        {
            Assert.Skip(missing);
        }

        await using var host = await BotHostInstance.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        var outside = new ConcurrentQueue<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(host.BaseAddress.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal) && !request.Url.StartsWith("blob:", StringComparison.Ordinal))
            {
                outside.Enqueue(request.Url);
            }
        };

        await page.GotoAsync(new Uri(host.BaseAddress, "/" + AdminApiReference.PagePath).ToString());
        await page.GetByText("Partner Assistant admin API").First.WaitForAsync(new() { Timeout = 60_000 });
        // The enablement team's endpoints, under their tag: adding and retiring articles.
        await page.GetByText("Knowledge", new() { Exact = true }).First.ClickAsync();
        await page.GetByText("/api/admin/knowledge/documents").First.WaitForAsync(new() { Timeout = 60_000 });
        await HeadlessChromium.ScreenshotAsync(page, "api-reference");

        Assert.True(outside.IsEmpty, "The reference page reached outside the host: " + string.Join(", ", outside));
    }
}
