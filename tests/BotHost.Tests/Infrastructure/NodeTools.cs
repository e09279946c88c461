using System.Diagnostics;
using System.Text;
using PartnerAssistant.Hosting;

namespace BotHost.Tests.Infrastructure;

/// <summary>
/// Microsoft's JavaScript validators in <c>tests/validators</c> (the Adaptive Cards library and the
/// Teams app manifest library), installed from the committed lock file with <c>npm ci</c> the first
/// time they are needed, run with node from the PATH.
/// </summary>
public static class NodeTools
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static bool _installed;

    public static string ValidatorsFolder { get; } = Path.GetDirectoryName(
        AssetLocator.Require(Path.Combine("tests", "validators", "package.json"), "The validators live in tests/validators of the repository."))!;

    /// <summary>Why node cannot run here, or null.</summary>
    public static string? MissingNode() =>
        FindOnPath("node") is null ? "node is not on the PATH: validating with Microsoft's JavaScript libraries needs Node.js 20+ and npm."
        : FindOnPath("npm") is null ? "npm is not on the PATH: the validators are installed with npm ci."
        : null;

    public static string Node => FindOnPath("node") ?? throw new InvalidOperationException(MissingNode());

    /// <summary>Installs <c>tests/validators</c> from its lock file unless it is installed.</summary>
    public static void EnsureInstalled()
    {
        InstallGate.Wait();
        try
        {
            if (_installed || File.Exists(Path.Combine(ValidatorsFolder, "node_modules", ".package-lock.json")))
            {
                _installed = true;
                return;
            }

            var (exitCode, output) = Run(FindOnPath("npm")!, ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], TimeSpan.FromMinutes(5));
            if (exitCode != 0)
            {
                // npm's shared cache can trip over another npm install running at the same moment (the
                // peers' folder is installed by other test classes): try once more before giving up.
                (exitCode, output) = Run(FindOnPath("npm")!, ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], TimeSpan.FromMinutes(5));
            }

            if (exitCode != 0)
            {
                throw new InvalidOperationException($"npm ci in {ValidatorsFolder} failed with exit code {exitCode}:\n{output}");
            }

            _installed = true;
        }
        finally
        {
            InstallGate.Release();
        }
    }

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

        // Nothing these tools do needs the network; a proxy to a closed port keeps it that way.
        start.Environment["HTTPS_PROXY"] = "http://127.0.0.1:9";
        start.Environment["HTTP_PROXY"] = "http://127.0.0.1:9";
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
