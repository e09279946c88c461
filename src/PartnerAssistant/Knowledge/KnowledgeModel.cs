using System.Text.Json.Serialization;
using Microsoft.Extensions.VectorData;
using PartnerAssistant.People;

namespace PartnerAssistant.Knowledge;

/// <summary>Who may be answered from a document. Partners see <c>All</c> and <c>Partner</c>; staff see everything.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<KnowledgeAudience>))]
public enum KnowledgeAudience
{
    All,
    Partner,
    Internal,
}

public static class KnowledgeAudiences
{
    /// <summary>The audiences a reader may see. Internal documents are only for vendor staff.</summary>
    public static IReadOnlyList<KnowledgeAudience> VisibleTo(bool isInternal) =>
        isInternal ? [KnowledgeAudience.All, KnowledgeAudience.Partner, KnowledgeAudience.Internal] : [KnowledgeAudience.All, KnowledgeAudience.Partner];

    public static IReadOnlyList<KnowledgeAudience> VisibleTo(Caller caller) => VisibleTo(caller.IsInternal);

    public static string Slug(this KnowledgeAudience audience) => audience.ToString().ToLowerInvariant();

    public static KnowledgeAudience? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "all" or "everyone" or "public" => KnowledgeAudience.All,
        "partner" or "partners" => KnowledgeAudience.Partner,
        "internal" or "staff" => KnowledgeAudience.Internal,
        _ => null,
    };

    /// <summary>The slug documents use for a partner type (<c>systems-integrator</c>), as in the corpus front matter.</summary>
    public static string Slug(this PartnerType type) => type switch
    {
        PartnerType.Reseller => "reseller",
        PartnerType.SystemsIntegrator => "systems-integrator",
        PartnerType.ManagedServiceProvider => "msp",
        PartnerType.SoftwareVendor => "isv",
        PartnerType.Influence => "influence",
        PartnerType.Marketplace => "marketplace",
        PartnerType.Distributor => "distributor",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>The slug documents use for a tier (<c>gold</c>).</summary>
    public static string Slug(this Tier tier) => tier.ToString().ToLowerInvariant();

    /// <summary>The slugs a document's <c>tiers</c> may name: <c>all</c> and every tier.</summary>
    public static IReadOnlySet<string> TierSlugs { get; } = Enum.GetValues<Tier>().Select(Slug).Append("all").ToHashSet();

    /// <summary>The slugs a document's <c>partner_types</c> may name: <c>all</c> and every partner type.</summary>
    public static IReadOnlySet<string> PartnerTypeSlugs { get; } = Enum.GetValues<PartnerType>().Select(Slug).Append("all").ToHashSet();
}

/// <summary>
/// A document ready to index: its text as Markdown (every supported format is converted to it so
/// one chunker serves all), and the front matter that filters and cites it.
/// </summary>
public sealed record KnowledgeDocument
{
    /// <summary>The document's path relative to the ingested folder, with '/' separators (e.g. <c>program/mdf.md</c>),
    /// or <c>uploads/name.docx</c> for documents an editor added.</summary>
    public required string Source { get; init; }

    public required string Title { get; init; }
    public KnowledgeAudience Audience { get; init; } = KnowledgeAudience.Internal;

    /// <summary>Tier slugs, or <c>all</c>.</summary>
    public IReadOnlyList<string> Tiers { get; init; } = ["all"];

    /// <summary>Partner type slugs, or <c>all</c>.</summary>
    public IReadOnlyList<string> PartnerTypes { get; init; } = ["all"];

    public string Owner { get; init; } = "";
    public DateOnly? LastReviewed { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Where a reader can open the document; citations link here with a section anchor.</summary>
    public string SourceUrl { get; init; } = "";

    /// <summary>The body as Markdown, front matter removed.</summary>
    public required string Markdown { get; init; }
}

/// <summary>
/// One passage of a document as the vector store keeps it. The attributes describe the record the
/// way Microsoft.Extensions.VectorData does, so an official connector could store the same type.
/// </summary>
public sealed class KnowledgeChunk
{
    /// <summary>A stable id derived from collection, source, generation and position.</summary>
    [VectorStoreKey]
    public Guid Id { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string Source { get; set; } = "";

    [VectorStoreData]
    public string Title { get; set; } = "";

    /// <summary>The heading path inside the document, e.g. <c>Gold tier</c>.</summary>
    [VectorStoreData]
    public string Section { get; set; } = "";

    /// <summary>The section's URL anchor, GitHub style (<c>gold-tier</c>).</summary>
    [VectorStoreData]
    public string Anchor { get; set; } = "";

    [VectorStoreData]
    public string SourceUrl { get; set; } = "";

    [VectorStoreData(IsFullTextIndexed = true)]
    public string Text { get; set; } = "";

    [VectorStoreData(IsIndexed = true)]
    public KnowledgeAudience Audience { get; set; }

    [VectorStoreData(IsIndexed = true)]
    public string[] Tiers { get; set; } = ["all"];

    [VectorStoreData(IsIndexed = true)]
    public string[] PartnerTypes { get; set; } = ["all"];

    /// <summary>Position of the passage in its document, from 0.</summary>
    [VectorStoreData]
    public int Ordinal { get; set; }

    /// <summary>Hash of the document's content (and of the chunking and model settings) it was cut from.</summary>
    [VectorStoreData(IsIndexed = true)]
    public string ContentHash { get; set; } = "";

    [VectorStoreVector(384, DistanceFunction = DistanceFunction.CosineSimilarity)]
    public ReadOnlyMemory<float> Vector { get; set; }
}

/// <summary>
/// Which passages a search may return, applied inside the search by every store. The audience
/// list is the access rule; tiers, partner types and documents narrow further when given.
/// </summary>
public sealed record KnowledgeFilter
{
    public required IReadOnlyList<KnowledgeAudience> Audiences { get; init; }

    /// <summary>Only passages written for this tier slug (or for all tiers). Null: any.</summary>
    public string? Tier { get; init; }

    /// <summary>Only passages written for this partner type slug (or for all types). Null: any.</summary>
    public string? PartnerType { get; init; }

    /// <summary>Only passages of these documents (sources). Null or empty: any.</summary>
    public IReadOnlyList<string>? Sources { get; init; }

    /// <summary>
    /// What <paramref name="caller"/> may read: staff every audience, tier and partner type; a partner the
    /// documents for all tiers and types and those naming its own tier and partner type in their front
    /// matter (a Silver reseller never reads a Gold-only page). A partner without a tier reads as Registered.
    /// </summary>
    public static KnowledgeFilter For(Caller caller) => caller.IsInternal
        ? new() { Audiences = KnowledgeAudiences.VisibleTo(caller) }
        : new()
        {
            Audiences = KnowledgeAudiences.VisibleTo(caller),
            Tier = (caller.Organisation.Tier ?? People.Tier.Registered).Slug(),
            // A partner organisation always has a type; one without reads only what is written for all.
            PartnerType = caller.Organisation.PartnerType?.Slug() ?? "unknown",
        };

    public static KnowledgeFilter Partner { get; } = new() { Audiences = KnowledgeAudiences.VisibleTo(false) };

    public static KnowledgeFilter Internal { get; } = new() { Audiences = KnowledgeAudiences.VisibleTo(true) };

    public bool Allows(KnowledgeChunk chunk) =>
        Audiences.Contains(chunk.Audience)
        && (Tier is null || chunk.Tiers.Contains("all") || chunk.Tiers.Contains(Tier))
        && (PartnerType is null || chunk.PartnerTypes.Contains("all") || chunk.PartnerTypes.Contains(PartnerType))
        && (Sources is not { Count: > 0 } || Sources.Contains(chunk.Source));
}

/// <summary>A hybrid query: the question's embedding, its keyword terms, and the filter.</summary>
public sealed record HybridQuery(ReadOnlyMemory<float> Vector, IReadOnlyList<string> Keywords, KnowledgeFilter Filter, int Top)
{
    /// <summary>How many candidates each side (dense and keyword) contributes before fusion.</summary>
    public int Candidates { get; init; } = 50;

    /// <summary>The k of reciprocal rank fusion (1/(k + rank)).</summary>
    public int RrfK { get; init; } = 60;
}

/// <summary>A passage found by a search. <see cref="Score"/> is the fused (RRF) score that orders
/// results; <see cref="Similarity"/> is the cosine between question and passage, which decides
/// whether the passage is relevant enough to answer from.</summary>
public sealed record KnowledgeHit(KnowledgeChunk Chunk, double Score, double Similarity, int? DenseRank, int? KeywordRank);
