using BenchmarkDotNet.Running;
using PartnerAssistant.Benchmarks;
using PartnerAssistant.Benchmarks.Edge;

// `edge-load` runs the edge gateway's overhead, throughput and real-time measurements; anything
// else goes to BenchmarkDotNet (e.g. --filter '*EdgeGatewayBenchmarks*').
if (args is ["edge-load", ..])
{
    return await EdgeGatewayLoad.RunAsync();
}

// `dashboard-load` runs the program dashboard with wall and CPU time per request, on SQLite and PostgreSQL.
if (args is ["dashboard-load", .. var rest])
{
    return await ProgramDashboardLoad.RunAsync(rest);
}

BenchmarkSwitcher.FromAssembly(typeof(LatencyConfig).Assembly).Run(args);
return 0;
