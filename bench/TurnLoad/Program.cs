using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

// Usage: dotnet run -c Release --project bench/TurnLoad -- [seconds-per-run=15] [passages=10000] [help text="what can you do?"]
// Help turns and knowledge answer turns, each end to end over loopback against the real host in its own
// process. Knowledge questions are unique (never repeated, so no cache answers them) and the knowledge
// base holds [passages] passages: the shipped corpus, ingested by the host itself, grown with passages
// made of its real sentences (KnowledgeFill).
var seconds = args.Length > 0 ? int.Parse(args[0]) : 15;
var passages = args.Length > 1 ? int.Parse(args[1]) : 10_000;
var text = args.Length > 2 ? args[2] : "what can you do?";

await using var channel = await TestChannel.StartAsync();
var data = Path.Combine(Path.GetTempPath(), "pa-bench-" + Guid.NewGuid().ToString("N")[..8]);
Process? host = null;
try
{
    // 1. The host ingests the shipped corpus (passages, sentences, headings) at its first start.
    var port = FreePort();
    host = StartHost(channel, port, data, ingest: true);
    using (var first = Client(port))
    {
        await WaitHealthyAsync(first);
    }

    await StopAsync(host);
    var total = await KnowledgeFill.GrowAsync(data, passages, seed: 13);

    // 2. Served from the grown knowledge base; nothing is ingested again.
    port = FreePort();
    host = StartHost(channel, port, data, ingest: false);
    using var http = Client(port);
    await WaitHealthyAsync(http);
    var token = channel.ChannelToken();
    var questions = new QuestionSupply(KnowledgeQuestions.All(seed: 7));
    Console.WriteLine($"Turns with expectReplies over loopback, authenticated; host in its own process; {Environment.ProcessorCount} cores; {total:N0} passages in the knowledge base; load average {LoadAverage()}");
    await RunAsync(http, token, channel.ServiceUrl, _ => text, concurrency: 4, TimeSpan.FromSeconds(5), label: null);
    await RunAsync(http, token, channel.ServiceUrl, _ => questions.Next(), concurrency: 4, TimeSpan.FromSeconds(5), label: null);
    Console.WriteLine("| turn | concurrency | turns | turns/s | p50 ms | p95 ms | p99 ms | errors | answered | I don't know | other reply |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
    foreach (var concurrency in new[] { 1, 32 })
    {
        await RunAsync(http, token, channel.ServiceUrl, _ => text, concurrency, TimeSpan.FromSeconds(seconds), label: "help");
    }

    foreach (var concurrency in new[] { 1, 8, 32 })
    {
        await RunAsync(http, token, channel.ServiceUrl, _ => questions.Next(), concurrency, TimeSpan.FromSeconds(seconds), label: "knowledge answer");
    }

    Console.WriteLine($"{questions.Used:N0} distinct questions asked, none twice; load average at the end {LoadAverage()}");
}
finally
{
    if (host is not null)
    {
        await StopAsync(host);
    }

    try
    {
        Directory.Delete(data, recursive: true);
    }
    catch (IOException)
    {
    }
}

static HttpClient Client(int port) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
{
    BaseAddress = new Uri($"http://127.0.0.1:{port}"),
    Timeout = TimeSpan.FromMinutes(5),
};

static async Task StopAsync(Process host)
{
    if (!host.HasExited)
    {
        host.Kill(entireProcessTree: true);
    }

    await host.WaitForExitAsync();
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static async Task RunAsync(HttpClient http, string token, string serviceUrl, Func<int, string> next, int concurrency, TimeSpan duration, string? label)
{
    var latencies = new List<double>[concurrency];
    int errors = 0, answered = 0, abstained = 0, other = 0;
    var stop = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(async worker =>
    {
        var mine = latencies[worker] = new List<double>(100_000);
        var n = 0;
        while (stop.Elapsed < duration)
        {
            var activity = new JsonObject
            {
                ["type"] = "message",
                ["id"] = $"bench-{worker}-{n++}-{Guid.NewGuid():N}",
                ["channelId"] = "msteams",
                ["serviceUrl"] = serviceUrl,
                ["from"] = new JsonObject { ["id"] = "demo-partner", ["name"] = "Priya Patel" },
                ["recipient"] = new JsonObject { ["id"] = "28:bot", ["name"] = "Partner Assistant" },
                ["conversation"] = new JsonObject { ["id"] = $"bench-conversation-{worker}", ["conversationType"] = "personal" },
                ["text"] = next(worker),
                ["deliveryMode"] = "expectReplies",
            }.ToJsonString();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", token);
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref errors);
            }
            else if (body.Contains("Here is what the enablement documents say", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref answered);
            }
            else if (body.Contains("I don't know", StringComparison.Ordinal) || body.Contains("I don\\u0027t know", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref abstained);
            }
            else
            {
                Interlocked.Increment(ref other);
            }
        }
    }).ToArray();
    await Task.WhenAll(workers);
    var elapsed = stop.Elapsed.TotalSeconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    if (label is not null)
    {
        Console.WriteLine($"| {label} | {concurrency} | {all.Length} | {all.Length / elapsed:F0} | {Percentile(all, 0.50):F2} | {Percentile(all, 0.95):F2} | {Percentile(all, 0.99):F2} | {errors} | {answered} | {abstained} | {other} |");
    }
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static Process StartHost(TestChannel channel, int port, string data, bool ingest)
{
    var start = new ProcessStartInfo("dotnet", $"{Path.Combine(AppContext.BaseDirectory, "BotHost.dll")} --urls=http://127.0.0.1:{port}")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    foreach (var (key, value) in channel.BotSettings())
    {
        start.Environment[key.Replace(":", "__")] = value;
    }

    start.Environment["Data__Folder"] = data;
    start.Environment["Knowledge__IngestOnStart"] = ingest ? "true" : "false";
    start.Environment["Logging__LogLevel__Default"] = "Warning";
    start.Environment["DOTNET_gcServer"] = "1";
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("host: " + e.Data); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task WaitHealthyAsync(HttpClient http)
{
    // The first start ingests the corpus and trains the first deal model before it takes traffic.
    for (var i = 0; i < 6000; i++)
    {
        try
        {
            if ((await http.GetAsync("/health")).IsSuccessStatusCode)
            {
                return;
            }
        }
        catch (HttpRequestException)
        {
        }

        await Task.Delay(100);
    }

    throw new TimeoutException("The host did not become healthy.");
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
