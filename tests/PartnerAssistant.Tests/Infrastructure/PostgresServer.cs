using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace PartnerAssistant.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for the test run: initdb in a temporary folder, pg_ctl start on
/// a free loopback port, removed at the end. Where PostgreSQL is not installed, <see cref="Unavailable"/>
/// says why and PostgreSQL variants of tests skip with that message.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);
    private readonly string? _folder;
    private readonly string? _binaries;
    private int _databases;

    private PostgresServer(string? folder, string? binaries, int port, string? unavailable)
    {
        _folder = folder;
        _binaries = binaries;
        Port = port;
        Unavailable = unavailable;
    }

    public int Port { get; }

    /// <summary>Why there is no server here (null when it runs).</summary>
    public string? Unavailable { get; }

    /// <summary>The one server of this test run, started on first use.</summary>
    public static Task<PostgresServer> GetAsync() => Shared.Value;

    /// <summary>A connection string to a new, empty database on the shared server.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        if (Unavailable is not null)
        {
            throw new InvalidOperationException(Unavailable);
        }

        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}".ToLowerInvariant();
        name = name[..Math.Min(name.Length, 40)];
        await RunAsync(Path.Combine(_binaries!, "createdb"), $"-h 127.0.0.1 -p {Port} -U postgres {name}");
        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name};Pooling=true;Maximum Pool Size=40;Connection Idle Lifetime=2;Connection Pruning Interval=1";
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var binaries = FindBinaries();
        if (binaries is null)
        {
            return new PostgresServer(null, null, 0, "PostgreSQL is not installed here (no initdb/pg_ctl on PATH or under /usr/lib/postgresql); .ci/run installs it.");
        }

        var folder = Path.Combine(Path.GetTempPath(), "pa-pg-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(folder);
        var port = FreePort();
        try
        {
            // initdb refuses to run as root; run the server as the 'postgres' user when we are root.
            var runAs = Environment.UserName == "root" ? "postgres" : null;
            if (runAs is not null)
            {
                await RunAsync("chown", $"-R {runAs} {folder}");
            }

            await RunAsync(Path.Combine(binaries, "initdb"), $"-D {folder}/data -U postgres -A trust --no-sync -E UTF8", runAs);
            await RunAsync(Path.Combine(binaries, "pg_ctl"),
                $"-D {folder}/data -l {folder}/log.txt -w -t 60 -o \"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500\" start", runAs);
            var server = new PostgresServer(folder, binaries, port, null);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopAsync(runAs).GetAwaiter().GetResult();
            return server;
        }
        catch (Exception ex)
        {
            return new PostgresServer(null, null, 0, $"PostgreSQL is installed but did not start: {ex.Message}");
        }
    }

    private async Task StopAsync(string? runAs)
    {
        if (_folder is null)
        {
            return;
        }

        try
        {
            await RunAsync(Path.Combine(_binaries!, "pg_ctl"), $"-D {_folder}/data -m immediate stop", runAs);
        }
        catch (Exception)
        {
            // The run is ending; a server that is already gone is fine.
        }

        try
        {
            System.IO.Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (System.IO.Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(System.IO.Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "createdb")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string arguments, string? runAs = null)
    {
        var start = runAs is null
            ? new ProcessStartInfo(file, arguments)
            : new ProcessStartInfo("runuser", $"-u {runAs} -- {file} {arguments}");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} failed ({process.ExitCode}): {await stderr}{await stdout}");
        }
    }
}
