using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace BotHost.Tests.Infrastructure;

/// <summary>
/// The real host (<see cref="PartnerAssistantApp"/>) on a free loopback port with a fresh data
/// folder, configured by settings the test passes. Restartable over the same data folder.
/// </summary>
public sealed class BotHostInstance : IAsyncDisposable
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<WebApplicationBuilder>? _configure;
    private WebApplication? _app;

    private BotHostInstance(Dictionary<string, string?> settings, Action<WebApplicationBuilder>? configure)
    {
        _settings = settings;
        _configure = configure;
    }

    public string DataFolder => _settings["Data:Folder"]!;

    /// <summary>Where the test hosts share the ONNX model built from the MiniLM weights.</summary>
    public static string SharedModelCache { get; } = Path.Combine(Path.GetTempPath(), "pa-test-models");

    public Uri BaseAddress { get; private set; } = null!;

    public Uri MessagesEndpoint => new(BaseAddress, "/api/messages");

    public IServiceProvider Services => _app!.Services;

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Starts a host. Settings are configuration keys (e.g. <c>Bot:MicrosoftAppId</c>).</summary>
    public static async Task<BotHostInstance> StartAsync(IDictionary<string, string?>? settings = null, Action<WebApplicationBuilder>? configure = null, int? port = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Data:Folder"] = Path.Combine(Path.GetTempPath(), "pa-host-" + Guid.NewGuid().ToString("N")[..10]),
            ["Urls"] = $"http://127.0.0.1:{port ?? 0}",
            ["Logging:LogLevel:Default"] = "Warning",
            // Training the first-run deal model costs seconds; tests that need it turn it on.
            ["Prediction:TrainAtFirstRun"] = "false",
            ["Bot:TypingDelay"] = "00:00:05",
            ["Bot:ConnectorRetryBaseDelay"] = "00:00:00.010",
            // Embedding the enablement corpus takes tens of seconds; tests that need it ingest what they need.
            ["Knowledge:IngestOnStart"] = "false",
            // Tests that need an edge gateway start their own; no host spawns the local one.
            ["Edge:StartLocalGateway"] = "false",
            // Every host has its own data folder; the model built from the MiniLM weights is built once for all.
            ["Embeddings:CacheDirectory"] = SharedModelCache,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var instance = new BotHostInstance(values, configure);
        await instance.StartAsync();
        return instance;
    }

    /// <summary>Stops and starts the host again over the same data folder and database.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    private async Task StartAsync()
    {
        var args = _settings.Select(kv => $"--{kv.Key}={kv.Value}").ToArray();
        _app = PartnerAssistantApp.Create(args, _configure);
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First());
        // Keep the port across restarts, so conversation references stay valid.
        _settings["Urls"] = $"http://127.0.0.1:{BaseAddress.Port}";
    }

    private async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
