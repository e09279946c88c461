using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Embeddings;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Benchmarks;

/// <summary>
/// Hybrid search at 10k and 100k passages, in the embedded store and in the Qdrant store (official client, gRPC,
/// against the stand-in server on loopback): with the question's embedding
/// (what a chat turn pays: MiniLM on the question, the exact SIMD scan, FTS5, fusion, loading the
/// top passages) and without it (the store alone). Passages are synthetic filler of the size the
/// corpus has: random unit vectors (the scan costs the same whatever the values) and 220-word texts
/// drawn from the corpus's vocabulary, so keyword lists are as long as real ones.
/// </summary>
[Config(typeof(SearchConfig))]
public class KnowledgeSearchBenchmarks
{
    /// <summary>Like <see cref="LatencyConfig"/>, with time for filling 100,000 passages before measuring.</summary>
    private sealed class SearchConfig : ManualConfig
    {
        public SearchConfig()
        {
            AddJob(Job.Default
                .WithToolchain(new InProcessEmitToolchain(TimeSpan.FromMinutes(60), logOutput: true))
                .WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1)
                .WithWarmupCount(5)
                .WithIterationCount(60)
                .WithInvocationCount(1)
                .WithUnrollFactor(1));
            AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, BenchmarkDotNet.Columns.StatisticColumn.P95, BenchmarkDotNet.Columns.StatisticColumn.Min, BenchmarkDotNet.Columns.StatisticColumn.Max);
            AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance);
            WithOptions(ConfigOptions.DisableOptimizationsValidator);
        }
    }

    internal static readonly string[] Questions =
    [
        "how long is an approved deal registration protected?",
        "what do we need to reach gold tier",
        "how much MDF do silver partners get",
        "when do I have to submit my MDF claim",
        "how does co-sell work for platinum partners",
        "what happens when two partners register the same customer",
        "which certifications should my engineers take first",
        "can EU customer data stay in the EU region?",
        "what is the difference between partner-influenced and partner-sourced revenue",
        "how do marketplace private offers affect partner credit",
    ];

    private string _folder = null!;
    private IKnowledgeStore _store = null!;
    private MiniLmEmbeddingGenerator _generator = null!;
    private KnowledgeRetriever _retriever = null!;
    private ReadOnlyMemory<float>[] _queryVectors = null!;
    private QdrantStandIn.QdrantStandInServer? _standIn;
    private Qdrant.Client.Grpc.QdrantChannel? _channel;
    private int _next;
    private int _searches;
    private TimeSpan _handlerBefore;

    [Params(10_000, 100_000)]
    public int Passages { get; set; }

    /// <summary>The embedded SQLite store, or the Qdrant store through the official client against the stand-in on
    /// loopback (its figures are the client, gRPC and the stand-in's exact scans: protocol overhead, not Qdrant's speed).</summary>
    [Params("Embedded", "Qdrant")]
    public string Store { get; set; } = "Embedded";

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "pa-bench-search-" + Guid.NewGuid().ToString("N")[..8]);
        if (Store == "Qdrant")
        {
            _standIn = QdrantStandIn.QdrantStandInServer.StartAsync().GetAwaiter().GetResult();
            var settings = new QdrantOptions { Url = _standIn.Address.ToString() };
            _channel = QdrantKnowledgeStore.CreateChannel(settings);
            var client = new Qdrant.Client.QdrantClient(new Qdrant.Client.Grpc.QdrantGrpcClient(_channel), settings.Timeout, NullLoggerFactory.Instance);
            _store = new QdrantKnowledgeStore(client, Options.Create(new KnowledgeOptions { Store = KnowledgeStoreKind.Qdrant, Qdrant = settings }), TimeProvider.System, NullLogger<QdrantKnowledgeStore>.Instance);
        }
        else
        {
            _store = new SqliteKnowledgeStore(Options.Create(new DataOptions { Folder = _folder }), NullLogger<SqliteKnowledgeStore>.Instance);
        }

        _generator = new MiniLmEmbeddingGenerator(Options.Create(new EmbeddingOptions { IntraOpThreads = 1 }), NullLogger<MiniLmEmbeddingGenerator>.Instance);
        _retriever = new KnowledgeRetriever(_store, _generator, Options.Create(new KnowledgeOptions()));
        SyntheticPassages.FillAsync(_store, "bench", Passages, MiniLmEmbeddingGenerator.Dimensions).GetAwaiter().GetResult();
        _queryVectors = _generator.GenerateAsync(Questions).GetAwaiter().GetResult().Select(e => e.Vector).ToArray();

        // Load the collection's matrix and the model before measuring.
        _retriever.RetrieveAsync(Questions[0], KnowledgeFilter.Partner, 5, "bench", CancellationToken.None).GetAwaiter().GetResult();
        _handlerBefore = _standIn?.HandlerTime ?? TimeSpan.Zero;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_standIn is not null)
        {
            // What the stand-in itself spent per search (its exact scans), to subtract from the measured time.
            Console.WriteLine($"// Qdrant stand-in, {Passages} passages: {(_standIn.HandlerTime - _handlerBefore).TotalMilliseconds / Math.Max(1, _searches):0.00} ms per search inside the server's handlers ({_searches} searches)");
            _channel?.Dispose();
            _standIn.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        _generator.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Benchmark(Description = "search incl. query embedding")]
    public async Task<int> SearchWithEmbedding()
    {
        var question = Questions[_next++ % Questions.Length];
        _searches++;
        var retrieval = await _retriever.RetrieveAsync(question, KnowledgeFilter.Partner, 5, "bench", CancellationToken.None);
        return retrieval.Hits.Count;
    }

    [Benchmark(Description = "search, store only")]
    public async Task<int> SearchStoreOnly()
    {
        var i = _next++ % Questions.Length;
        _searches++;
        var hits = await _store.SearchAsync("bench", new HybridQuery(_queryVectors[i], KeywordTerms.Words(Questions[i]), KnowledgeFilter.Partner, 5), CancellationToken.None);
        return hits.Count;
    }
}

/// <summary>
/// Writing to the embedded store: staging 1,000 passages (vectors already computed) and committing,
/// i.e. ingestion throughput without the model. The model's own throughput is EmbeddingBenchmarks.
/// </summary>
[Config(typeof(IngestConfig))]
public class KnowledgeIngestBenchmarks
{
    private const int Batch = 1_000;
    private string _folder = null!;
    private SqliteKnowledgeStore _store = null!;
    private List<KnowledgeChunk> _chunks = null!;
    private int _run;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "pa-bench-ingest-" + Guid.NewGuid().ToString("N")[..8]);
        _store = new SqliteKnowledgeStore(Options.Create(new DataOptions { Folder = _folder }), NullLogger<SqliteKnowledgeStore>.Instance);
        _chunks = SyntheticPassages.Create(Batch, MiniLmEmbeddingGenerator.Dimensions, seed: 7).ToList();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "stage and commit 1,000 passages (20 documents)", OperationsPerInvoke = Batch)]
    public async Task StageAndCommit()
    {
        // Each run replaces the same 20 documents, as a re-ingestion of changed documents does.
        await using var batch = await _store.BeginWriteAsync("ingest", MiniLmEmbeddingGenerator.Dimensions, CancellationToken.None);
        var run = _run++;
        foreach (var document in _chunks.GroupBy(c => c.Source))
        {
            var chunks = document.Select(c => new KnowledgeChunk
            {
                Id = Guid.NewGuid(), Source = c.Source, Title = c.Title, Section = c.Section, Anchor = c.Anchor, SourceUrl = c.SourceUrl,
                Text = c.Text, Audience = c.Audience, Tiers = c.Tiers, PartnerTypes = c.PartnerTypes, Ordinal = c.Ordinal,
                ContentHash = $"run-{run}", Vector = c.Vector,
            }).ToList();
            await batch.StageAsync(new IndexedDocument(document.Key, document.First().Title, KnowledgeAudience.Partner, $"run-{run}", chunks.Count), chunks, CancellationToken.None);
        }

        await batch.CommitAsync([], CancellationToken.None);
    }

    private sealed class IngestConfig : ManualConfig
    {
        public IngestConfig()
        {
            AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithStrategy(RunStrategy.Monitoring)
                .WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(10).WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(BenchmarkDotNet.Columns.StatisticColumn.Median, BenchmarkDotNet.Columns.StatisticColumn.P95);
            AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance);
            WithOptions(ConfigOptions.DisableOptimizationsValidator);
        }
    }
}

/// <summary>Filler passages: 220 words from the corpus's vocabulary, a random unit vector, spread over documents of 50 passages.</summary>
internal static class SyntheticPassages
{
    private static string[]? _vocabulary;

    public static IEnumerable<KnowledgeChunk> Create(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        var vocabulary = Vocabulary();
        for (var i = 0; i < count; i++)
        {
            var vector = new float[dimensions];
            var norm = 0f;
            for (var d = 0; d < dimensions; d++)
            {
                // Box–Muller: Gaussian coordinates give directions uniform on the sphere.
                var value = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
                vector[d] = value;
                norm += value * value;
            }

            norm = MathF.Sqrt(norm);
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] /= norm;
            }

            var words = Enumerable.Range(0, 220).Select(_ => vocabulary[random.Next(vocabulary.Length)]);
            yield return new KnowledgeChunk
            {
                Id = Guid.NewGuid(),
                Source = $"filler/doc-{i / 50}.md",
                Title = $"Filler document {i / 50}",
                Section = $"Section {i % 50}",
                Anchor = $"section-{i % 50}",
                SourceUrl = "https://partners.northbeam.example/docs/filler",
                Text = string.Join(' ', words),
                Audience = i % 10 == 0 ? KnowledgeAudience.Internal : KnowledgeAudience.Partner,
                Ordinal = i % 50,
                ContentHash = "filler",
                Vector = vector,
            };
        }
    }

    public static async Task FillAsync(IKnowledgeStore store, string collection, int count, int dimensions)
    {
        await using var batch = await store.BeginWriteAsync(collection, dimensions, CancellationToken.None);
        foreach (var document in Create(count, dimensions, seed: 1).GroupBy(c => c.Source))
        {
            var chunks = document.ToList();
            await batch.StageAsync(new IndexedDocument(document.Key, chunks[0].Title, KnowledgeAudience.Partner, "filler", chunks.Count), chunks, CancellationToken.None);
        }

        await batch.CommitAsync([], CancellationToken.None);
    }

    private static string[] Vocabulary()
    {
        if (_vocabulary is not null)
        {
            return _vocabulary;
        }

        var folder = AssetLocator.Require("knowledge", "The benchmark draws its filler words from the knowledge/ corpus.");
        var words = Directory.EnumerateFiles(folder, "*.md", SearchOption.AllDirectories)
            .SelectMany(f => File.ReadAllText(f).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Select(w => w.Trim('.', ',', ';', ':', '(', ')', '*', '"', '#', '-', '|').ToLowerInvariant())
            .Where(w => w.Length > 1)
            .ToArray();
        return _vocabulary = words;
    }
}
