using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using BotHost.Tests.DirectLine;
using BotHost.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BotHost.Tests.Robustness;

/// <summary>
/// Issue 14: fuzzing found 453 HTTP 500s. Ten thousand generated requests (seeded, so a failure
/// reproduces) against the real host: activities and invokes on <c>/api/messages</c>, Direct Line
/// token and activity bodies. None may be answered 5xx, the host must still answer its health check
/// and a plain question afterwards, and its managed memory must not grow with the number of requests.
/// </summary>
public sealed class FuzzTests
{
    private const int Seed = 20261214;
    private const int Requests = 10_000;

    [Fact]
    public async Task GeneratedRequests_NeverAnswer5xx_AndTheHostStaysHealthy()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var sink = await ConnectorSink.StartAsync();
        await using var host = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "None" });
        using var client = host.CreateClient();
        var fuzzer = new ActivityFuzzer(Seed, sink.ServiceUrl);
        var conversations = new List<DirectLineClient>();
        foreach (var user in new[] { "demo-partner", "demo-partner-2", "demo-manager", "demo-partner-admin" })
        {
            conversations.Add(await DirectLineClient.StartAsync(client, user));
        }

        // The whole list first, from the seed alone: which worker sends what cannot change it.
        var requests = Enumerable.Range(0, Requests).Select(_ => fuzzer.Next(10) switch
        {
            < 6 => new FuzzRequest("/api/messages", fuzzer.NextActivityBody(), null),
            6 => new FuzzRequest("/v3/directline/tokens/generate", fuzzer.NextTokenBody(), null),
            _ => new FuzzRequest("/v3/directline/conversations/{0}/activities", fuzzer.NextDirectLineActivityBody(), fuzzer.Next(conversations.Count)),
        }).ToList();

        var serverErrors = new ConcurrentQueue<string>();
        var apologies = 0;
        var apologised = new ConcurrentQueue<string>();
        long memoryAfterWarmUp = 0;
        var next = -1;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests.Count)
            {
                if (index == 1_000)
                {
                    Interlocked.Exchange(ref memoryAfterWarmUp, GC.GetTotalMemory(forceFullCollection: true));
                }

                var request = requests[index];
                var conversation = request.Conversation is { } c ? conversations[c] : null;
                using var message = new HttpRequestMessage(HttpMethod.Post, conversation is null ? request.Path : string.Format(request.Path, conversation.ConversationId))
                {
                    Content = new StringContent(request.Body, Encoding.UTF8, "application/json"),
                };
                if (conversation is not null)
                {
                    message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", conversation.Token);
                }

                using var response = await client.SendAsync(message, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if ((int)response.StatusCode >= 500 && !(response.StatusCode == HttpStatusCode.NotImplemented && IsUnhandledInvoke(request.Body)))
                {
                    serverErrors.Enqueue($"#{index} {(int)response.StatusCode} {request.Path}: {request.Body[..Math.Min(400, request.Body.Length)]}");
                }

                if (text.Contains("something went wrong", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref apologies);
                    apologised.Enqueue($"#{index} {request.Path}: {request.Body[..Math.Min(600, request.Body.Length)]}");
                }
            }
        }, ct)));
        var elapsed = started.Elapsed;
        var memoryAtEnd = GC.GetTotalMemory(forceFullCollection: true);

        var health = await client.GetAsync("/health/ready", ct);
        var control = await Activities.RepliesAsync(await Activities.PostAsync(client, Activities.Message("who am I?", serviceUrl: sink.ServiceUrl, expectReplies: true)));
        var growthMb = (memoryAtEnd - memoryAfterWarmUp) / (1024.0 * 1024.0);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{Requests} requests in {elapsed.TotalSeconds:F0} s; apologies {apologies + sink.Apologies}; managed memory {memoryAfterWarmUp / 1048576.0:F0} MB after 1,000, {memoryAtEnd / 1048576.0:F0} MB at the end\n"
            + string.Join("\n", apologised.Take(10)));

        Assert.True(serverErrors.IsEmpty, $"{serverErrors.Count} answers were 5xx, for example:\n{string.Join("\n", serverErrors.Take(10))}");
        // A turn that crashed answers 200 with an apology: not a 5xx, but the same bug.
        Assert.True(apologies + sink.Apologies == 0, $"{apologies + sink.Apologies} turns crashed, for example:\n{string.Join("\n", apologised.Take(10))}");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("Priya Patel", control[0]!["text"]!.GetValue<string>());
        Assert.True(growthMb < 200, $"Managed memory grew by {growthMb:F0} MB between request 1,000 and {Requests}.");
    }

    /// <summary>The invokes the assistant answers; any other name is answered 501, as the Bot Framework SDK does.</summary>
    private static readonly HashSet<string> HandledInvokes =
        ["adaptiveCard/action", "composeExtension/query", "task/fetch", "task/submit", "signin/tokenExchange", "signin/verifyState"];

    /// <summary>A well-formed invoke whose name the assistant does not handle: 501 is the protocol's answer, not a failure.</summary>
    private static bool IsUnhandledInvoke(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject activity && activity["type"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
                && (string)activity["type"]! == "invoke" && activity["name"]?.GetValueKind() == System.Text.Json.JsonValueKind.String
                && !HandledInvokes.Contains((string)activity["name"]!);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private sealed record FuzzRequest(string Path, string Body, int? Conversation);

    /// <summary>Stands in for the Bot Connector: takes every reply and counts the apologies among them.</summary>
    private sealed class ConnectorSink : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _apologies;

        private ConnectorSink(WebApplication app) => _app = app;

        public string ServiceUrl { get; private set; } = "";

        public int Apologies => _apologies;

        public static async Task<ConnectorSink> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var sink = new ConnectorSink(app);
            app.MapMethods("/v3/conversations/{**path}", ["POST", "PUT", "DELETE"], async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                if ((await reader.ReadToEndAsync()).Contains("something went wrong", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref sink._apologies);
                }

                return Results.Json(new { id = "sent" });
            });
            await app.StartAsync();
            sink.ServiceUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
            return sink;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
