using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Peers;

/// <summary>
/// Runs the JavaScript peers in <c>tests/peers</c> (clients written by Microsoft, installed from npm
/// with the committed lock file by the build, see <see cref="NpmFolders"/>) with node from the PATH.
/// </summary>
internal static class NodePeers
{
    /// <summary>The <c>tests/peers</c> folder of the repository.</summary>
    public static string Folder => NpmFolders.Peers;

    /// <summary>Why the peers cannot run here, or null when node and npm are on the PATH.</summary>
    public static string? MissingTool() =>
        NodeTools.FindOnPath("node") is null ? "node is not on the PATH: the peer conformance tests need Node.js 20 or later." : null;

    /// <summary>Checks that the build installed the peers' packages from the lock file.</summary>
    public static Task EnsureInstalledAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        NpmFolders.RequireInstalled(Folder);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Runs a peer script, which writes its observations as JSON to the file named by <c>--out</c>,
    /// and returns them. Fails with the peer's own output when it crashed or ran past the timeout.
    /// </summary>
    public static async Task<JsonObject> RunScriptAsync(string script, IEnumerable<string> arguments, IDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var output = Path.Combine(Path.GetTempPath(), $"peer-{Path.GetFileNameWithoutExtension(script)}-{Guid.NewGuid():N}.json");
        try
        {
            var result = await RunAsync(NodeTools.Node, [Path.Combine(Folder, script), .. arguments, "--out", output], environment, timeout, cancellationToken);
            if (result.ExitCode != 0 || !File.Exists(output))
            {
                throw new InvalidOperationException(
                    $"The peer {script} failed (exit code {result.ExitCode}) and wrote no results.\nstderr:\n{result.StandardError}\nstdout:\n{result.StandardOutput}");
            }

            return JsonNode.Parse(await File.ReadAllTextAsync(output, cancellationToken))!.AsObject();
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, IDictionary<string, string> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}.");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // The peer starts its own children (the playground): end them all.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{Path.GetFileName(program)} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.\nstderr:\n{stderr}\nstdout:\n{stdout}");
        }

        // The asynchronous readers may still hold the last lines.
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    private sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError);
}

/// <summary>Reading a peer's results with failure messages that say what was observed.</summary>
internal static class PeerResults
{
    /// <summary>A scenario's observations; fails when the peer could not run it.</summary>
    public static JsonObject Scenario(this JsonObject results, string name)
    {
        var scenario = results["scenarios"]?[name] as JsonObject;
        Assert.True(scenario is not null, $"The peer reported nothing for the scenario '{name}'.");
        Assert.True(scenario!["error"] is null, $"The peer could not run the scenario '{name}': {scenario["error"]}");
        return scenario;
    }

    public static IReadOnlyList<JsonObject> Objects(this JsonNode? array) =>
        array is JsonArray items ? items.OfType<JsonObject>().ToList() : [];

    public static string? Text(this JsonNode? node, string property) =>
        node?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    public static string Describe(IEnumerable<JsonObject> messages) =>
        string.Join("\n---\n", messages.Select(m => m.Text("text") ?? m.ToJsonString()));
}
