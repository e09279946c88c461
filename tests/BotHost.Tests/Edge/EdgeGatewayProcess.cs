using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Operations;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Edge;

/// <summary>
/// The real edge gateway, run as its own process from the binary built with the host (as local
/// development runs it), on a free loopback port over a fresh models folder.
/// </summary>
public sealed class EdgeGatewayProcess : IAsyncDisposable
{
    public const string ApiKey = "edge-test-key-7731";
    private readonly Process _process;
    private readonly List<string> _output;

    private readonly bool _ownsModels;

    private EdgeGatewayProcess(Process process, string url, string modelsFolder, bool ownsModels, List<string> output)
    {
        _ownsModels = ownsModels;
        _process = process;
        Url = url;
        ModelsFolder = modelsFolder;
        _output = output;
    }

    public string Url { get; }

    public string ModelsFolder { get; }

    /// <summary>Starts a gateway providing <paramref name="models"/> (comma-separated built-in names) and waits until it serves.</summary>
    public static async Task<EdgeGatewayProcess> StartAsync(string models, int? port = null, string? modelsFolder = null)
    {
        var binary = LocalGatewayLauncher.GatewayBinary()
            ?? throw new InvalidOperationException("The edge gateway binary was not built with the host.");
        var url = $"http://127.0.0.1:{port ?? BotHostInstance.FreePort()}";
        var folder = modelsFolder ?? Path.Combine(Path.GetTempPath(), "edge-host-models-" + Guid.NewGuid().ToString("N")[..8]);
        var output = new List<string>();
        var process = LocalGatewayLauncher.StartGateway(binary, url, ApiKey, new Dictionary<string, string>
        {
            ["EdgeGateway__ModelsFolder"] = folder,
            ["EdgeGateway__BuiltInModels"] = models,
            ["Logging__LogLevel__Default"] = "Warning",
        }, (line, _) =>
        {
            lock (output)
            {
                output.Add(line);
            }
        });
        var gateway = new EdgeGatewayProcess(process, url, folder, modelsFolder is null, output);
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (process.HasExited)
            {
                break;
            }

            try
            {
                var health = await client.GetFromJsonAsync<JsonObject>("/health", TestContext.Current.CancellationToken);
                if (health?["status"]?.GetValue<string>() is "Healthy" or "Degraded")
                {
                    return gateway;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        await gateway.DisposeAsync();
        throw new InvalidOperationException("The edge gateway did not start:\n" + string.Join("\n", output));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (_ownsModels)
        {
            DeleteModels();
        }
    }

    private void DeleteModels()
    {
        try
        {
            System.IO.Directory.Delete(ModelsFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
