using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using BotHost.Tests.Infrastructure;
using BotHost.Tests.Peers;

namespace BotHost.Tests.EndToEnd;

/// <summary>
/// Microsoft 365 Agents Playground (from <c>tests/peers</c>), its Teams channel pointed at a host under
/// test, serving its web UI on a loopback port. Kept offline: no browser of its own, telemetry off,
/// and proxies to a closed port, as the peer driver runs it.
/// </summary>
public sealed partial class AgentsPlayground : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly string _workFolder;

    private AgentsPlayground(Process process, StringBuilder output, string workFolder, Uri address)
    {
        _process = process;
        _output = output;
        _workFolder = workFolder;
        Address = address;
    }

    public Uri Address { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<AgentsPlayground> StartAsync(Uri messagesEndpoint, CancellationToken cancellationToken)
    {
        await NodePeers.EnsureInstalledAsync(cancellationToken);
        var workFolder = Path.Combine(Path.GetTempPath(), "pa-playground-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workFolder);
        var start = new ProcessStartInfo(NodeTools.Node)
        {
            WorkingDirectory = workFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Path.Combine(NodePeers.Folder, "node_modules", "@microsoft", "m365agentsplayground", "cli.js"),
                     "-e", messagesEndpoint.ToString(), "-c", "msteams", "-p", BotHostInstance.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--disable-telemetry" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TEAMSAPPTESTER_BROWSER"] = "none";
        start.Environment["M365_AGENTS_PLAYGROUND_LOGFILE"] = Path.Combine(workFolder, "playground.log");
        start.Environment["APPLICATION_INSIGHTS_NO_STATSBEAT"] = "true";
        start.Environment["APPLICATION_INSIGHTS_NO_DIAGNOSTIC_CHANNEL"] = "true";
        start.Environment["APPLICATION_INSIGHTS_NO_PATCH_MODULES"] = "true";
        foreach (var proxy in new[] { "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy" })
        {
            start.Environment[proxy] = "http://127.0.0.1:9";
        }

        start.Environment["NO_PROXY"] = "127.0.0.1,localhost";
        start.Environment["no_proxy"] = "127.0.0.1,localhost";

        var output = new StringBuilder();
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start)!;
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            // It falls back to another port when the one asked for is taken, and says which.
            if (Listening().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("The Agents Playground exited:\n" + output));

        var port = await listening.Task.WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
        return new AgentsPlayground(process, output, workFolder, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_workFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"Listening on (\d+)")]
    private static partial Regex Listening();
}
