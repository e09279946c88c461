using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;
using PartnerAssistant.Prediction;

namespace PartnerAssistant.Benchmarks;

/// <summary>Single calls of well under a millisecond: many measured calls so the p95 means something.</summary>
public sealed class ScoringLatencyConfig : ManualConfig
{
    public ScoringLatencyConfig()
    {
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(200)
            .WithIterationCount(2000)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);
        AddColumnProvider(DefaultColumnProviders.Instance);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}

/// <summary>Runs of several seconds: one warm-up and five measured runs, with a generous in-process
/// time limit (the default one stops runs that take minutes on a busy shared machine).</summary>
public sealed class TrainingRunConfig : ManualConfig
{
    public TrainingRunConfig()
    {
        AddJob(Job.Default
            .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(30), logOutput: false))
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5)
            .WithInvocationCount(1)
            .WithUnrollFactor(1));
        AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Min, StatisticColumn.Max);
        AddColumnProvider(DefaultColumnProviders.Instance);
        WithOptions(ConfigOptions.DisableOptimizationsValidator);
    }
}

/// <summary>
/// Deal scoring with the model the host trains at first run (8,000 generated deals, seed 7):
/// one probability (what a list of deals costs per row), one probability with feature
/// contributions mapped to columns (an explanation), and a full assessment as the plugin gives
/// it (explanation, top factors and every what-if lever re-scored). Each call scores the next of
/// 64 different deals, through the pooled prediction engines.
/// </summary>
[Config(typeof(ScoringLatencyConfig))]
public class DealScoringBenchmarks
{
    private string _folder = null!;
    private DealModelStore _store = null!;
    private DealScorer _scorer = null!;
    private DealAdvisor _advisor = null!;
    private List<DealFacts> _deals = null!;
    private List<IReadOnlyDictionary<string, string?>> _records = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "pa-bench-deals-" + Guid.NewGuid().ToString("N")[..8]);
        _store = new DealModelStore(Options.Create(new DataOptions { Folder = _folder }), Options.Create(new PredictionOptions()), TimeProvider.System, NullLogger<DealModelStore>.Instance);
        var history = DealHistoryGenerator.ToTable(DealHistoryGenerator.Generate(8000, 7));
        _store.Deploy(new TabularTrainer().Train(history, DealHistoryGenerator.TrainingSettings("generated history")));
        _scorer = new DealScorer(_store);
        _advisor = new DealAdvisor(_scorer, []);
        _deals = DealHistoryGenerator.Generate(64, 123).Select(d => d.Facts).ToList();
        _records = _deals.Select(d => d.ToRecord()).ToList();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "score one deal (probability)")]
    public double Score() => _scorer.Score(_records[_next++ & 63]);

    [Benchmark(Description = "explain one deal (probability + contributions)")]
    public double Explain() => _scorer.Explain(_records[_next++ & 63]).Probability;

    [Benchmark(Description = "assess one deal (explanation + what-ifs)")]
    public int Assess() => _advisor.Assess(_deals[_next++ & 63]).WhatIfs.Count;
}

/// <summary>What the host's first run costs: generate 8,000 deals, train FastTree and LightGbm,
/// calibrate, evaluate (importance, leakage, segments) and deploy.</summary>
[Config(typeof(TrainingRunConfig))]
public class DealModelTrainingBenchmarks
{
    private string _folder = null!;
    private DealModelTraining _training = null!;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "pa-bench-train-" + Guid.NewGuid().ToString("N")[..8]);
        var data = Options.Create(new DataOptions { Folder = _folder });
        var options = Options.Create(new PredictionOptions());
        var store = new DealModelStore(data, options, TimeProvider.System, NullLogger<DealModelStore>.Instance);
        _training = new DealModelTraining(store, new TabularTrainer(), options, data, TimeProvider.System, [], NullLogger<DealModelTraining>.Instance);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _training.Store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "first-run model (8,000 generated deals)")]
    public double TrainFromHistory() => _training.TrainFromHistory().Card.Auc;
}
