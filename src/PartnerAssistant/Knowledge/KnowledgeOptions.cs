using System.ComponentModel.DataAnnotations;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Knowledge;

public enum KnowledgeStoreKind
{
    /// <summary>A SQLite file per collection in the data folder, exact SIMD cosine search and FTS5 keywords.</summary>
    Embedded,

    /// <summary>A Qdrant server (v1.19 or later) through the official client over gRPC, shared by every replica.</summary>
    Qdrant,
}

/// <summary>The enablement knowledge base, under the section <c>Knowledge</c>.</summary>
public sealed class KnowledgeOptions
{
    public const string SectionName = "Knowledge";

    /// <summary>Where vectors and passages live: <c>Embedded</c> (default) or <c>Qdrant</c>.</summary>
    public KnowledgeStoreKind Store { get; set; } = KnowledgeStoreKind.Embedded;

    /// <summary>The collection questions are answered from. Default: <c>enablement</c>.</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9_-]{0,62}$", ErrorMessage = "Knowledge:DefaultCollection must be 1–63 lower-case letters, digits, '-' or '_'.")]
    public string DefaultCollection { get; set; } = "enablement";

    /// <summary>The shipped <c>knowledge/</c> folder ingested at start-up. Default: empty, which finds
    /// the folder beside the application or in the repository above it.</summary>
    public string? Folder { get; set; }

    /// <summary>Ingest <see cref="Folder"/> into the default collection when the assistant starts
    /// (incremental: unchanged documents are skipped). Default: true.</summary>
    public bool IngestOnStart { get; set; } = true;

    /// <summary>Longest passage in words; longer sections are split. Default: 220. Range 40–2000.</summary>
    [Range(40, 2000)]
    public int ChunkWords { get; set; } = 220;

    /// <summary>Words repeated from the end of one passage at the start of the next when a section is split. Default: 40. Range 0–500.</summary>
    [Range(0, 500)]
    public int OverlapWords { get; set; } = 40;

    /// <summary>Passages embedded in one call to the model while ingesting. Default: 32. Range 1–1024.</summary>
    [Range(1, 1024)]
    public int EmbeddingBatchSize { get; set; } = 32;

    /// <summary>Candidates each side of the hybrid search (dense, keyword) brings to the fusion. Default: 50. Range 1–1000.</summary>
    [Range(1, 1000)]
    public int Candidates { get; set; } = 50;

    /// <summary>The k of reciprocal rank fusion, 1/(k + rank). Default: 60. Range 1–1000.</summary>
    [Range(1, 1000)]
    public int RrfK { get; set; } = 60;

    /// <summary>Passages an answer is composed from. Default: 5. Range 1–20.</summary>
    [Range(1, 20)]
    public int AnswerPassages { get; set; } = 5;

    /// <summary>Below this cosine similarity between the question and its best passage the assistant
    /// says it does not know rather than answer. Calibrated on tests/Evaluation/knowledge-questions.json
    /// (see docs/benchmarks.md). Default: 0.34. Range 0–1.</summary>
    [Range(0.0, 1.0)]
    public double AbstainBelow { get; set; } = 0.34;

    /// <summary>Who to ask when the corpus has no answer. Default: the NPN Enablement team.</summary>
    [Required]
    public string EnablementContact { get; set; } = "the NPN Enablement team (enablement@northbeam.example, or the Teams channel \"NPN Enablement\")";

    /// <summary>Largest document an editor may upload, in bytes. Default: 10 MiB. Range 1 KiB–100 MiB.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>The Qdrant server, used when <see cref="Store"/> is <c>Qdrant</c>.</summary>
    public QdrantOptions Qdrant { get; set; } = new();

    public string ResolveFolder() =>
        string.IsNullOrWhiteSpace(Folder)
            ? AssetLocator.Require("knowledge", "Set Knowledge:Folder to the enablement documents folder.")
            : Path.GetFullPath(Folder);
}

/// <summary>The Qdrant server, under <c>Knowledge:Qdrant</c>.</summary>
public sealed class QdrantOptions
{
    /// <summary>The gRPC endpoint: <c>http://qdrant:6334</c>, or <c>https://…:6334</c> for TLS (Qdrant Cloud serves
    /// gRPC on 6334 over TLS). Default: empty (required when the store is Qdrant).</summary>
    public string? Url { get; set; }

    /// <summary>The API key, sent as the <c>api-key</c> header of every call. Set <c>Knowledge__Qdrant__ApiKey</c>
    /// or user-secrets, never the settings file. Default: empty (no key).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The SHA-256 thumbprint (hex) of the server's certificate, for a TLS endpoint whose certificate no
    /// trusted authority signed (self-signed). Default: empty (the system's trust store decides).</summary>
    public string? CertificateThumbprint { get; set; }

    /// <summary>Prefix of the Qdrant collection and alias names, so several deployments can share a server. Default: <c>npn_</c>.</summary>
    [RegularExpression("^[a-zA-Z0-9_-]{0,40}$", ErrorMessage = "Knowledge:Qdrant:CollectionPrefix may hold up to 40 letters, digits, '-' and '_'.")]
    public string CollectionPrefix { get; set; } = "npn_";

    /// <summary>The deadline of each call. Default: 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Points per upsert and per scroll page. Default: 256. Range 1–10000.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>A staging collection this old that never became live belongs to an ingestion run that died; the next
    /// run deletes it. Younger ones are left alone: they may be another replica's run in progress. Default: 1 hour.</summary>
    public TimeSpan AbandonedStagingAfter { get; set; } = TimeSpan.FromHours(1);
}
