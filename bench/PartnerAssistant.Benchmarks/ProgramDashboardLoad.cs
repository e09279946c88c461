using System.Diagnostics;
using System.Globalization;
using Npgsql;
using PartnerAssistant.Hosting;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;

namespace PartnerAssistant.Benchmarks;

/// <summary>
/// <c>dashboard-load [--providers Sqlite,Postgres] [--years 1,5] [--warmup 3] [--requests 15]</c>: the dashboard requests of
/// <see cref="ProgramMetricsBenchmarks"/>, one at a time, with the wall time and the CPU time each costs. On a shared
/// machine the wall time mostly measures the wait for a core; the CPU time is the work done: this process's CPU
/// (<see cref="Process.TotalProcessorTime"/>, every thread, so JIT and GC included) and, on PostgreSQL, the CPU of the
/// server backends serving this database (their <c>/proc/PID/schedstat</c> run time, and the parallel workers the
/// postmaster reaped).
/// </summary>
public static class ProgramDashboardLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var providers = Option(args, "--providers", "Sqlite,Postgres").Split(',').Select(Enum.Parse<DatabaseProvider>).ToArray();
        var years = Option(args, "--years", "1,5").Split(',').Select(int.Parse).ToArray();
        var warmup = int.Parse(Option(args, "--warmup", "3"), CultureInfo.InvariantCulture);
        var requests = int.Parse(Option(args, "--requests", "15"), CultureInfo.InvariantCulture);
        Console.WriteLine("| database | years | request | n | p50 | p95 | min | max | process CPU / request | server CPU / request | load (1 min) before → after |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var provider in providers)
        {
            foreach (var y in years)
            {
                var database = await ProgramBenchmarkDatabase.GetAsync(provider, y);
                var server = provider == DatabaseProvider.Postgres ? await PostgresBackends.FindAsync(database.PostgresConnection!) : null;
                var year = ProgramBenchmarkDatabase.LastYear();
                var cases = new (string Name, Func<Task<ProgramMetrics>> Request)[]
                {
                    ("whole program", () => database.Metrics.ComputeAsync(database.Manager, year, CancellationToken.None)),
                    ("Gold in EMEA", () => database.Metrics.ComputeAsync(database.Manager, year with { Tier = Tier.Gold, Region = "EMEA" }, CancellationToken.None)),
                    ("one partner's view", () => database.Metrics.ComputeAsync(database.Partner, year, CancellationToken.None)),
                };
                foreach (var (name, request) in cases)
                {
                    for (var i = 0; i < warmup; i++)
                    {
                        await request();
                    }

                    var load = LoadAverage();
                    var process = Process.GetCurrentProcess();
                    var wall = new List<double>();
                    process.Refresh();
                    var cpuBefore = process.TotalProcessorTime;
                    var serverBefore = server?.CpuTime();
                    for (var i = 0; i < requests; i++)
                    {
                        var watch = Stopwatch.StartNew();
                        await request();
                        wall.Add(watch.Elapsed.TotalMilliseconds);
                    }

                    process.Refresh();
                    var cpu = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / requests;
                    var serverCpu = server is null ? "–" : $"{(server.CpuTime() - serverBefore!.Value).TotalMilliseconds / requests:0} ms";
                    wall.Sort();
                    Console.WriteLine($"| {provider} | {y} | {name} | {requests} | {Percentile(wall, 0.50):0} ms | {Percentile(wall, 0.95):0} ms | {wall[0]:0} ms | {wall[^1]:0} ms | " +
                        $"{cpu:0} ms | {serverCpu} | {load} → {LoadAverage()} |");
                }
            }
        }

        Console.WriteLine($"// {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; warm-up {warmup}, then {requests} requests per row, one at a time.");
        return 0;
    }

    /// <summary>Nearest-rank percentile of sorted values (with 15 requests, p95 is the largest but one).</summary>
    private static double Percentile(List<double> sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string Option(string[] args, string name, string fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    /// <summary>The server processes serving one database: the postmaster's children whose process title names it.</summary>
    private sealed class PostgresBackends(int postmaster, string database)
    {
        public static async Task<PostgresBackends> FindAsync(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
            var backend = (int)(await command.ExecuteScalarAsync())!;
            return new PostgresBackends(ParentOf(backend), connection.Database);
        }

        /// <summary>Run time of every live backend of the database (schedstat is in nanoseconds and exact for these
        /// single-threaded processes; pooled connections stay open, so the same backends serve the whole run), plus what
        /// the postmaster has reaped from children that ended — the parallel query workers a plan starts for one query.</summary>
        public TimeSpan CpuTime()
        {
            long nanoseconds = 0;
            foreach (var folder in System.IO.Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(folder), out var pid))
                {
                    continue;
                }

                try
                {
                    if (ParentOf(pid) != postmaster || !File.ReadAllText(Path.Combine(folder, "cmdline")).Contains($" {database} ", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    nanoseconds += long.Parse(File.ReadAllText(Path.Combine(folder, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // The process ended while being read.
                }
            }

            // cutime and cstime (fields 16 and 17) are in clock ticks, 100 a second on Linux.
            var postmasterStat = Stat(postmaster);
            var reapedTicks = long.Parse(postmasterStat[13], CultureInfo.InvariantCulture) + long.Parse(postmasterStat[14], CultureInfo.InvariantCulture);
            return TimeSpan.FromMilliseconds((nanoseconds / 1e6) + (reapedTicks * 10));
        }

        private static int ParentOf(int pid) => int.Parse(Stat(pid)[1], CultureInfo.InvariantCulture);

        /// <summary>The fields of /proc/PID/stat from the third (state) on: the second, comm, may hold spaces, so the
        /// split starts after its closing parenthesis.</summary>
        private static string[] Stat(int pid)
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
    }
}
