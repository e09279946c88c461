using System.Diagnostics;
using System.Text;

namespace BotHost.Tests.Infrastructure;

/// <summary>
/// Microsoft's JavaScript validators in <c>tests/validators</c> (the Adaptive Cards library and the
/// Teams app manifest library), installed by the build (<see cref="NpmFolders"/>), run with node
/// from the PATH.
/// </summary>
public static class NodeTools
{
    public static string ValidatorsFolder => NpmFolders.Validators;

    /// <summary>Why node cannot run here, or null.</summary>
    public static string? MissingNode() =>
        FindOnPath("node") is null ? "node is not on the PATH: validating with Microsoft's JavaScript libraries needs Node.js 20+ and npm."
        : null;

    public static string Node => FindOnPath("node") ?? throw new InvalidOperationException(MissingNode());

    /// <summary>Checks that the build installed <c>tests/validators</c> from its lock file.</summary>
    public static void EnsureInstalled() => NpmFolders.RequireInstalled(ValidatorsFolder);

    /// <summary>Runs a program in the validators folder; returns its exit code and standard output (with standard error after it).</summary>
    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = ValidatorsFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (stderr) { stderr.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} ran past {timeout}.\n{stderr}");
        }

        process.WaitForExit();
        return (process.ExitCode, stdout + (stderr.Length > 0 ? "\n" + stderr : ""));
    }

    public static string? FindOnPath(string tool)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
