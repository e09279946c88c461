using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.Logging.Abstractions;
using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Benchmarks;

/// <summary>
/// What the first start-up after installing or changing the weights costs: hash, read, widen
/// fp16 to fp32, build the graph and write the model (cold), versus only checking the stamp (warm).
/// </summary>
[Config(typeof(Config))]
public class ModelBuildBenchmarks
{
    private MiniLmModelFiles _files = null!;
    private string _folder = null!;
    private MiniLmModelCache _cache = null!;

    [GlobalSetup]
    public void Setup()
    {
        _files = MiniLmModelFiles.Locate(null);
        _folder = Directory.CreateTempSubdirectory("minilm-build-bench-").FullName;
        _cache = new MiniLmModelCache(_folder, NullLogger.Instance);
    }

    [IterationSetup(Target = nameof(BuildModel))]
    public void RemoveStamp() => File.Delete(_cache.StampPath);

    [IterationSetup(Target = nameof(CheckCachedModel))]
    public void EnsureBuilt() => _cache.EnsureModel(_files);

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Description = "build model (cold cache)")]
    public CachedModel BuildModel() => _cache.EnsureModel(_files);

    [Benchmark(Description = "check cached model (warm)")]
    public CachedModel CheckCachedModel() => _cache.EnsureModel(_files);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(1)
                .WithIterationCount(10)
                .WithInvocationCount(1)
                .WithUnrollFactor(1));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95);
            AddColumnProvider(DefaultColumnProviders.Instance);
        }
    }
}
