using System.Diagnostics;
using System.Text;

namespace BotHost.Tests.Cli;

/// <summary>The host binary as an administrator runs it from a shell: its own process, over a data folder of the test's.</summary>
public static class CliProcess
{
    public static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(string dataFolder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(PartnerAssistantApp).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["Data__Folder"] = dataFolder;
        start.Environment["Prediction__TrainAtFirstRun"] = "false";
        // Embedding the whole enablement corpus on the first run takes minutes on a loaded machine; no command here needs it.
        start.Environment["Knowledge__IngestOnStart"] = "false";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the host.");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.WaitForExit();
        return (process.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
