using System.Diagnostics;
using System.Reflection;
using BotFramework;
using Microsoft.Extensions.Options;
using PartnerAssistant.Edge;
using PartnerAssistant.Hosting;

namespace BotHost.Operations;

/// <summary>
/// In local development mode, starts the configured local edge gateway (the first with a loopback
/// URL) beside the host when nothing answers there, and stops it with the host. It runs the
/// gateway binary built with the host, with its models in <c>{Data:Folder}/edge-gateway/models</c>;
/// when there is no binary, it logs the one command that starts it.
/// </summary>
public sealed class LocalGatewayLauncher(
    IOptions<EdgeOptions> edge,
    IOptions<BotOptions> bot,
    IOptions<DataOptions> data,
    IHttpClientFactory clients,
    ILogger<LocalGatewayLauncher> logger) : IHostedService, IDisposable
{
    public const string StartCommand = "dotnet run --project src/EdgeGateway";
    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task? _starting;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = edge.Value;
        if (!(settings.StartLocalGateway ?? bot.Value.IsLocalDevelopmentMode) || settings.Gateways.FirstOrDefault(g => g.IsLoopback) is not { } gateway)
        {
            return Task.CompletedTask;
        }

        // In the background: the host serves at once, and the Edge plugin says "not answering" until the gateway is up.
        _starting = Task.Run(() => StartIfSilentAsync(gateway), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task StartIfSilentAsync(EdgeGatewayEndpoint gateway)
    {
        try
        {
            if (await AnswersAsync(gateway))
            {
                logger.LogInformation("The local edge gateway {Gateway} already answers at {Url}", gateway.Name, gateway.Url);
                return;
            }

            var binary = GatewayBinary();
            if (binary is null)
            {
                logger.LogWarning("The local edge gateway {Gateway} is not running and its binary was not found. Start it with: {Command} (listens on {Url})", gateway.Name, StartCommand, gateway.Url);
                return;
            }

            // The local gateway keeps its models in the assistant's data folder, so one folder holds a dev setup.
            var models = Path.Combine(data.Value.FullPath, "edge-gateway", "models");
            _process = StartGateway(binary, gateway.Url, gateway.ApiKey, new Dictionary<string, string> { ["EdgeGateway__ModelsFolder"] = models }, output: (line, error) => logger.Log(error ? LogLevel.Warning : LogLevel.Debug, "[edge gateway] {Line}", line));
            logger.LogInformation("Started the local edge gateway {Gateway} (process {Pid}) at {Url}; it copies or trains its models on first run", gateway.Name, _process.Id, gateway.Url);
            for (var waited = TimeSpan.Zero; waited < TimeSpan.FromMinutes(2) && !_process.HasExited; waited += TimeSpan.FromSeconds(1))
            {
                if (await AnswersAsync(gateway))
                {
                    logger.LogInformation("The local edge gateway {Gateway} is ready at {Url}", gateway.Name, gateway.Url);
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), _stopping.Token);
            }

            logger.LogWarning("The local edge gateway {Gateway} did not come up at {Url}; start it by hand to see why: {Command}", gateway.Name, gateway.Url, StartCommand);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            logger.LogWarning(ex, "Could not start the local edge gateway. Start it with: {Command}", StartCommand);
        }
    }

    /// <summary>Starts <c>dotnet EdgeGateway.dll</c> listening on <paramref name="url"/> with <paramref name="apiKey"/>,
    /// passing each line it prints to <paramref name="output"/> (true for standard error). The process is the caller's to stop.</summary>
    public static Process StartGateway(string binary, string url, string? apiKey, IReadOnlyDictionary<string, string>? environment = null, Action<string, bool>? output = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(binary)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(binary);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(url);
        start.Environment["EdgeGateway__ApiKey"] = apiKey ?? "";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        process.OutputDataReceived += (_, line) => Forward(line.Data, false);
        process.ErrorDataReceived += (_, line) => Forward(line.Data, true);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Forward(string? line, bool error)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                output?.Invoke(line, error);
            }
        }
    }

    /// <summary>The gateway's <c>EdgeGateway.dll</c>, built beside the host (its path is recorded at build time).</summary>
    public static string? GatewayBinary()
    {
        var recorded = typeof(LocalGatewayLauncher).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "EdgeGatewayAssembly")?.Value;
        return recorded is { Length: > 0 } && File.Exists(recorded) ? recorded : null;
    }

    private async Task<bool> AnswersAsync(EdgeGatewayEndpoint gateway)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            using var response = await clients.CreateClient(EdgeGatewayClient.HttpClientName).GetAsync(new Uri(gateway.BaseUri, "health"), timeout.Token);
            return true;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_starting is not null)
        {
            await _starting.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        Stop();
    }

    private void Stop()
    {
        if (_process is { HasExited: false } process)
        {
            logger.LogInformation("Stopping the local edge gateway (process {Pid})", process.Id);
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        Stop();
        _stopping.Dispose();
    }
}
