using System.Diagnostics;
using EdgeGateway.Vad;

namespace PartnerAssistant.Benchmarks.Edge;

/// <summary>
/// What BenchmarkDotNet's per-call statistics do not give: the gateway's own overhead per request
/// (the client's latency minus the model's time the gateway reports in Server-Timing), throughput
/// with as many concurrent clients as cores, and the voice model's speed against real time on one
/// core. Run with <c>PartnerAssistant.Benchmarks edge-load</c>; prints Markdown tables.
/// </summary>
public static class EdgeGatewayLoad
{
    public static async Task<int> RunAsync()
    {
        await using var bench = await EdgeBench.StartAsync();
        var clients = Environment.ProcessorCount;
        Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, load average {LoadAverage()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine();
        Console.WriteLine("| model | calls | in process p50 / p95 | gateway p50 / p95 | gateway overhead p50 / p95 | of which body read p50 | in process req/s | gateway req/s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var model in EdgeBench.Models.Append(EdgeBench.ShortVoice))
        {
            var calls = model is "label-reader" or "voice-activity" ? 40 : 400;
            for (var i = 0; i < 5; i++)
            {
                bench.InProcess(model);
                await bench.ThroughGatewayAsync(model);
            }

            var local = new List<double>();
            for (var i = 0; i < calls; i++)
            {
                var started = Stopwatch.GetTimestamp();
                bench.InProcess(model);
                local.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var remote = new List<double>();
            var overhead = new List<double>();
            var reads = new List<double>();
            for (var i = 0; i < calls; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var (inference, read) = await bench.TimedThroughGatewayAsync(model);
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                remote.Add(elapsed);
                overhead.Add(elapsed - inference);
                reads.Add(read);
            }

            var localRate = await RateAsync(calls, clients, () => Task.Run(() => bench.InProcess(model)));
            var remoteRate = await RateAsync(calls, clients, () => bench.ThroughGatewayAsync(model));
            Console.WriteLine($"| {model} | {calls} | {P(local, 0.5):F2} / {P(local, 0.95):F2} ms | {P(remote, 0.5):F2} / {P(remote, 0.95):F2} ms | {P(overhead, 0.5):F3} / {P(overhead, 0.95):F3} ms | {P(reads, 0.5):F3} ms | {localRate:F1} | {remoteRate:F1} |");
        }

        Console.WriteLine();
        Console.WriteLine("Voice activity on one core (intra-op threads 1), in process:");
        var vad = bench.VoiceActivity;
        var clip = WavReader.Read(bench.Speech, 3600);
        foreach (var seconds in new[] { clip.Seconds, 60.0 })
        {
            var samples = Enumerable.Range(0, (int)(seconds * 16_000)).Select(i => clip.Samples[i % clip.Samples.Length]).ToArray();
            var audio = new Audio(samples, 16_000);
            vad.Detect(audio, CancellationToken.None, out _);
            var times = new List<double>();
            var cpu = new List<double>();
            using var process = Process.GetCurrentProcess();
            for (var i = 0; i < (seconds > 10 ? 5 : 20); i++)
            {
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                vad.Detect(audio, CancellationToken.None, out _);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                process.Refresh();
                cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            }

            // Wall time suffers when other work shares the cores; CPU time is what one core spends.
            Console.WriteLine($"- {seconds:F2} s of audio: wall median {P(times, 0.5):F1} ms (p95 {P(times, 0.95):F1} ms) → {seconds * 1000 / P(times, 0.5):F0}× real time (p95 {seconds * 1000 / P(times, 0.95):F0}×); " +
                $"CPU median {P(cpu, 0.5):F1} ms → {seconds * 1000 / P(cpu, 0.5):F0}× real time per core");
        }

        return 0;
    }

    /// <summary>Requests per second with <paramref name="clients"/> callers sending <paramref name="total"/> requests between them.</summary>
    private static async Task<double> RateAsync(int total, int clients, Func<Task> call)
    {
        var remaining = total;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await call();
            }
        }));
        return total / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }

    private static double P(List<double> values, double fraction)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
