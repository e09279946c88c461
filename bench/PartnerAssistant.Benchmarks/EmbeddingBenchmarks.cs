using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Benchmarks;

/// <summary>
/// all-MiniLM-L6-v2 on ONNX Runtime: one short question (the latency a chat turn pays to embed
/// its query) and a batch of 32 typical knowledge-base sentences (ingestion throughput).
/// </summary>
[Config(typeof(LatencyConfig))]
public class EmbeddingBenchmarks
{
    // Thirty-two sentences of 10–13 words (14–22 tokens), the kind the knowledge base is made of.
    private static readonly string[] Sentences =
    [
        "Approved deal registrations are protected for ninety days from the approval date.",
        "A partner can request one extension of forty-five days before protection expires.",
        "Silver partners need two certified individuals and a quarter million in revenue.",
        "Gold partners receive a named channel manager and become eligible for co-selling.",
        "Platinum partners can use the co-innovation lab for joint solution projects.",
        "The review decision on a new registration is due within two business days.",
        "Marketplace private offers keep credit with the registered partner of record.",
        "Influence partners are recorded as touches and share attribution on won deals.",
        "Tier evaluation happens every quarter on trailing twelve-month partner figures.",
        "Compliance screening requires ESG and anti-corruption attestations from every partner.",
        "Market development funds accrue as a percentage of prior-year attributed revenue.",
        "Reminders go out fourteen days and three days before a registration expires.",
        "The first approved registration for the same customer and products wins protection.",
        "Direct sales representatives co-sell with the registered partner instead of competing.",
        "An incumbent managed service provider is preferred for expansion deals it registers.",
        "Channel managers decide ties using documented customer meetings and written proposals.",
        "Onboarding aims for a first won deal within ninety days of the invitation.",
        "Partner users complete enablement courses assigned by their partner type by day thirty.",
        "The first certification is expected within forty-five days of joining the program.",
        "Edge gateways serve anomaly detection models at factory lines and retail stores.",
        "Data Fabric connects hybrid cloud sources without copying data between regions.",
        "AI Studio lets partners train and deploy models for their own customers.",
        "Cloud Migration Services help systems integrators move legacy workloads safely.",
        "Partner-sourced revenue counts won deals that a partner registered or referred first.",
        "Time-decay attribution halves the weight of a touch every seven days by default.",
        "Position-based attribution gives forty percent each to the first and last touch.",
        "The partner portal shows registrations, tier progress, onboarding steps and funds.",
        "Expired registrations lose protection and can be registered again by any partner.",
        "Resellers, systems integrators and ISVs can all hold roles on one opportunity.",
        "Shapley value attribution splits credit by each partner's marginal contribution.",
        "Distributors supply resellers and are recorded on deals as a separate touch.",
        "Quarterly business reviews cover pipeline, certifications, satisfaction and planned campaigns.",
    ];

    private MiniLmEmbeddingGenerator _generator = null!;
    private string _cacheDirectory = null!;

    /// <summary>ONNX Runtime intra-op threads (the machine has two cores).</summary>
    [Params(1, 2)]
    public int IntraOpThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cacheDirectory = Directory.CreateTempSubdirectory("minilm-bench-").FullName;
        _generator = new MiniLmEmbeddingGenerator(
            Options.Create(new EmbeddingOptions { CacheDirectory = _cacheDirectory, IntraOpThreads = IntraOpThreads, BatchSize = 32 }),
            NullLogger<MiniLmEmbeddingGenerator>.Instance);
        _generator.WarmUpAsync().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _generator.Dispose();
        Directory.Delete(_cacheDirectory, recursive: true);
    }

    [Benchmark(Description = "single sentence")]
    public Task<Embedding<float>> SingleSentence() => _generator.GenerateAsync("How long is an approved deal registration protected?");

    [Benchmark(Description = "batch of 32 sentences")]
    public Task<GeneratedEmbeddings<Embedding<float>>> BatchOf32() => _generator.GenerateAsync(Sentences);
}
