using BenchmarkDotNet.Running;
using PartnerAssistant.Benchmarks;
using PartnerAssistant.Benchmarks.Edge;

// `edge-load` runs the edge gateway's overhead, throughput and real-time measurements; anything
// else goes to BenchmarkDotNet (e.g. --filter '*EdgeGatewayBenchmarks*').
if (args is ["edge-load", ..])
{
    return await EdgeGatewayLoad.RunAsync();
}

BenchmarkSwitcher.FromAssembly(typeof(LatencyConfig).Assembly).Run(args);
return 0;
