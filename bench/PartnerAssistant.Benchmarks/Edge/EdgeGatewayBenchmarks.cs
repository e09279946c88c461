using BenchmarkDotNet.Attributes;

namespace PartnerAssistant.Benchmarks.Edge;

/// <summary>
/// Each built-in model, one request at a time: through the gateway (HTTP on loopback, multipart or
/// JSON, API key, queue, JSON answer) and the same runner called in process. The difference of
/// the medians is what the gateway adds to a request.
/// </summary>
[Config(typeof(LatencyConfig))]
public class EdgeGatewayBenchmarks
{
    private EdgeBench _bench = null!;

    [ParamsSource(nameof(AllModels))]
    public string Model { get; set; } = "";

    public static IEnumerable<string> AllModels => EdgeBench.Models;

    [GlobalSetup]
    public void Setup() => _bench = EdgeBench.StartAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _bench.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "in process")]
    public object InProcess() => _bench.InProcess(Model);

    [Benchmark(Description = "through gateway")]
    public Task<double> ThroughGateway() => _bench.ThroughGatewayAsync(Model);
}
