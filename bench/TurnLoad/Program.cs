using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

// Usage: dotnet run -c Release --project bench/TurnLoad -- [seconds-per-run=15] [text="what can you do?"]
var seconds = args.Length > 0 ? int.Parse(args[0]) : 15;
var text = args.Length > 1 ? args[1] : "what can you do?";

await using var channel = await TestChannel.StartAsync();
var port = FreePort();
var data = Path.Combine(Path.GetTempPath(), "pa-bench-" + Guid.NewGuid().ToString("N")[..8]);
var host = StartHost(channel, port, data);
try
{
    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}"),
    };
    await WaitHealthyAsync(http);
    var token = channel.ChannelToken();
    Console.WriteLine($"Help turns ('{text}') with expectReplies over loopback, authenticated; host in its own process; {Environment.ProcessorCount} cores");
    await RunAsync(http, token, channel.ServiceUrl, text, concurrency: 4, TimeSpan.FromSeconds(5), report: false);
    Console.WriteLine("| concurrency | turns | turns/s | p50 ms | p95 ms | p99 ms | errors |");
    Console.WriteLine("|---|---|---|---|---|---|---|");
    foreach (var concurrency in new[] { 1, 32 })
    {
        await RunAsync(http, token, channel.ServiceUrl, text, concurrency, TimeSpan.FromSeconds(seconds), report: true);
    }
}
finally
{
    host.Kill(entireProcessTree: true);
    await host.WaitForExitAsync();
    try
    {
        Directory.Delete(data, recursive: true);
    }
    catch (IOException)
    {
    }
}

static async Task RunAsync(HttpClient http, string token, string serviceUrl, string text, int concurrency, TimeSpan duration, bool report)
{
    var latencies = new List<double>[concurrency];
    var errors = 0;
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
                ["text"] = text,
                ["deliveryMode"] = "expectReplies",
            }.ToJsonString();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(activity, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", token);
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref errors);
            }
        }
    }).ToArray();
    await Task.WhenAll(workers);
    var elapsed = stop.Elapsed.TotalSeconds;
    var all = latencies.SelectMany(l => l).Order().ToArray();
    if (report)
    {
        Console.WriteLine($"| {concurrency} | {all.Length} | {all.Length / elapsed:F0} | {Percentile(all, 0.50):F2} | {Percentile(all, 0.95):F2} | {Percentile(all, 0.99):F2} | {errors} |");
    }
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static Process StartHost(TestChannel channel, int port, string data)
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
    for (var i = 0; i < 600; i++)
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
