using Microsoft.EntityFrameworkCore;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Knowledge;

/// <summary>
/// What the enablement team curates and learns, shared by every replica: the document registry
/// (each document's text and metadata, review date, retired flag), uploads waiting for an
/// editor's confirmation, the questions asked, and the feedback on answers. Passage vectors live
/// in the vector store; the sentence vectors extractive answers quote from live here, beside the
/// store rather than in it, so every store (and every replica) shares them unchanged.
/// </summary>
public class KnowledgeDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__migrations_knowledge";

    public DbSet<KnowledgeDocumentRow> Documents => Set<KnowledgeDocumentRow>();
    public DbSet<KnowledgeUploadRow> Uploads => Set<KnowledgeUploadRow>();
    public DbSet<KnowledgeQuestionRow> Questions => Set<KnowledgeQuestionRow>();
    public DbSet<KnowledgeFeedbackRow> Feedback => Set<KnowledgeFeedbackRow>();
    public DbSet<KnowledgeCollectionRow> Collections => Set<KnowledgeCollectionRow>();
    public DbSet<KnowledgeSentenceVectorsRow> SentenceVectors => Set<KnowledgeSentenceVectorsRow>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<KnowledgeCollectionRow>(collection =>
        {
            collection.ToTable("knowledge_collections");
            collection.HasKey(c => c.Collection);
            collection.Property(c => c.Collection).HasColumnName("collection").HasMaxLength(64);
            collection.Property(c => c.Folder).HasColumnName("folder").HasMaxLength(1000);
            collection.Property(c => c.IngestedAtMs).HasColumnName("ingested_at_ms");
        });
        model.Entity<KnowledgeDocumentRow>(document =>
        {
            document.ToTable("knowledge_documents");
            document.HasKey(d => new { d.Collection, d.Source });
            document.Property(d => d.Collection).HasColumnName("collection").HasMaxLength(64);
            document.Property(d => d.Source).HasColumnName("source").HasMaxLength(400);
            document.Property(d => d.Title).HasColumnName("title").HasMaxLength(400);
            document.Property(d => d.Audience).HasColumnName("audience").HasConversion<string>().HasMaxLength(16);
            document.Property(d => d.Tiers).HasColumnName("tiers").HasMaxLength(200);
            document.Property(d => d.PartnerTypes).HasColumnName("partner_types").HasMaxLength(400);
            document.Property(d => d.Tags).HasColumnName("tags").HasMaxLength(1000);
            document.Property(d => d.Owner).HasColumnName("owner").HasMaxLength(200);
            document.Property(d => d.LastReviewed).HasColumnName("last_reviewed");
            document.Property(d => d.SourceUrl).HasColumnName("source_url").HasMaxLength(1000);
            document.Property(d => d.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
            document.Property(d => d.Origin).HasColumnName("origin").HasConversion<string>().HasMaxLength(16);
            document.Property(d => d.Markdown).HasColumnName("markdown");
            document.Property(d => d.Chunks).HasColumnName("chunks");
            document.Property(d => d.Retired).HasColumnName("retired");
            document.Property(d => d.RetiredBy).HasColumnName("retired_by").HasMaxLength(64);
            document.Property(d => d.RetiredAtMs).HasColumnName("retired_at_ms");
            document.Property(d => d.UpdatedBy).HasColumnName("updated_by").HasMaxLength(64);
            document.Property(d => d.UpdatedAtMs).HasColumnName("updated_at_ms");
        });
        model.Entity<KnowledgeUploadRow>(upload =>
        {
            upload.ToTable("knowledge_uploads");
            upload.HasKey(u => u.Id);
            upload.Property(u => u.Id).HasColumnName("id").HasMaxLength(32);
            upload.Property(u => u.Collection).HasColumnName("collection").HasMaxLength(64);
            upload.Property(u => u.Source).HasColumnName("source").HasMaxLength(400);
            upload.Property(u => u.DocumentJson).HasColumnName("document_json");
            upload.Property(u => u.CreatedBy).HasColumnName("created_by").HasMaxLength(64);
            upload.Property(u => u.CreatedAtMs).HasColumnName("created_at_ms");
            upload.HasIndex(u => u.CreatedAtMs);
        });
        model.Entity<KnowledgeQuestionRow>(question =>
        {
            question.ToTable("knowledge_questions");
            question.HasKey(q => q.Id);
            question.Property(q => q.Id).HasColumnName("id").HasMaxLength(32);
            question.Property(q => q.Collection).HasColumnName("collection").HasMaxLength(64);
            question.Property(q => q.AskedAtMs).HasColumnName("asked_at_ms");
            question.Property(q => q.PersonId).HasColumnName("person_id").HasMaxLength(64);
            question.Property(q => q.OrganisationId).HasColumnName("organisation_id").HasMaxLength(64);
            question.Property(q => q.Internal).HasColumnName("internal");
            question.Property(q => q.Question).HasColumnName("question").HasMaxLength(2000);
            question.Property(q => q.Answered).HasColumnName("answered");
            question.Property(q => q.BestSimilarity).HasColumnName("best_similarity");
            question.Property(q => q.Sources).HasColumnName("sources").HasMaxLength(2000);
            question.HasIndex(q => q.AskedAtMs);
        });
        model.Entity<KnowledgeFeedbackRow>(feedback =>
        {
            feedback.ToTable("knowledge_feedback");
            feedback.HasKey(f => f.Id);
            feedback.Property(f => f.Id).HasColumnName("id").HasMaxLength(32);
            feedback.Property(f => f.QuestionId).HasColumnName("question_id").HasMaxLength(32);
            feedback.Property(f => f.PersonId).HasColumnName("person_id").HasMaxLength(64);
            feedback.Property(f => f.Helpful).HasColumnName("helpful");
            feedback.Property(f => f.Reason).HasColumnName("reason").HasMaxLength(2000);
            feedback.Property(f => f.CreatedAtMs).HasColumnName("created_at_ms");
            feedback.HasIndex(f => f.QuestionId);
            feedback.HasIndex(f => f.CreatedAtMs);
            feedback.HasOne<KnowledgeQuestionRow>().WithMany().HasForeignKey(f => f.QuestionId).OnDelete(DeleteBehavior.Cascade);
        });
        model.Entity<KnowledgeSentenceVectorsRow>(sentences =>
        {
            sentences.ToTable("knowledge_sentence_vectors");
            sentences.HasKey(s => s.ChunkId);
            sentences.Property(s => s.ChunkId).HasColumnName("chunk_id");
            sentences.Property(s => s.Collection).HasColumnName("collection").HasMaxLength(64);
            sentences.Property(s => s.Source).HasColumnName("source").HasMaxLength(400);
            sentences.Property(s => s.ContentHash).HasColumnName("content_hash").HasMaxLength(64);
            sentences.Property(s => s.Fingerprint).HasColumnName("fingerprint").HasMaxLength(32);
            sentences.Property(s => s.Count).HasColumnName("count");
            sentences.Property(s => s.Vectors).HasColumnName("vectors");
            sentences.HasIndex(s => new { s.Collection, s.Source });
        });
    }
}

/// <summary>The folder a collection was last ingested from, so start-up does not overwrite a collection someone filled from elsewhere.</summary>
public sealed class KnowledgeCollectionRow
{
    public required string Collection { get; set; }
    public string? Folder { get; set; }
    public long IngestedAtMs { get; set; }
}

public enum DocumentOrigin
{
    /// <summary>Read from a folder (the shipped <c>knowledge/</c>, or one given to <c>knowledge ingest</c>).</summary>
    Folder,

    /// <summary>Added by an editor (Teams attachment, admin API).</summary>
    Upload,
}

/// <summary>A document of a collection as the editors see it; its text is kept so any replica can re-index.</summary>
public sealed class KnowledgeDocumentRow
{
    public required string Collection { get; set; }
    public required string Source { get; set; }
    public required string Title { get; set; }
    public KnowledgeAudience Audience { get; set; }
    public string Tiers { get; set; } = "all";
    public string PartnerTypes { get; set; } = "all";
    public string Tags { get; set; } = "";
    public string Owner { get; set; } = "";
    public DateOnly? LastReviewed { get; set; }
    public string SourceUrl { get; set; } = "";
    public string ContentHash { get; set; } = "";
    public DocumentOrigin Origin { get; set; }
    public string Markdown { get; set; } = "";
    public int Chunks { get; set; }
    public bool Retired { get; set; }
    public string? RetiredBy { get; set; }
    public long? RetiredAtMs { get; set; }
    public string? UpdatedBy { get; set; }
    public long UpdatedAtMs { get; set; }

    public KnowledgeDocument ToDocument() => new()
    {
        Source = Source,
        Title = Title,
        Audience = Audience,
        Tiers = Split(Tiers),
        PartnerTypes = Split(PartnerTypes),
        Tags = Tags.Split(',', StringSplitOptions.RemoveEmptyEntries),
        Owner = Owner,
        LastReviewed = LastReviewed,
        SourceUrl = SourceUrl,
        Markdown = Markdown,
    };

    public void CopyFrom(KnowledgeDocument document)
    {
        Title = document.Title;
        Audience = document.Audience;
        Tiers = string.Join(',', document.Tiers);
        PartnerTypes = string.Join(',', document.PartnerTypes);
        Tags = string.Join(',', document.Tags);
        Owner = document.Owner;
        LastReviewed = document.LastReviewed;
        SourceUrl = document.SourceUrl;
        Markdown = document.Markdown;
    }

    private static string[] Split(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries) is { Length: > 0 } values ? values : ["all"];
}

/// <summary>A document an editor sent, parsed and waiting for their "yes".</summary>
public sealed class KnowledgeUploadRow
{
    public required string Id { get; set; }
    public required string Collection { get; set; }
    public required string Source { get; set; }
    public required string DocumentJson { get; set; }
    public string? CreatedBy { get; set; }
    public long CreatedAtMs { get; set; }
}

/// <summary>A question put to the knowledge base, and whether it was answered.</summary>
public sealed class KnowledgeQuestionRow
{
    public required string Id { get; set; }
    public required string Collection { get; set; }
    public long AskedAtMs { get; set; }
    public string? PersonId { get; set; }
    public string? OrganisationId { get; set; }
    public bool Internal { get; set; }
    public required string Question { get; set; }
    public bool Answered { get; set; }
    public double BestSimilarity { get; set; }

    /// <summary>The sources of the passages the answer cited, '|'-separated.</summary>
    public string Sources { get; set; } = "";
}

/// <summary>A thumbs up or down on an answer, with the optional reason.</summary>
public sealed class KnowledgeFeedbackRow
{
    public required string Id { get; set; }
    public required string QuestionId { get; set; }
    public string? PersonId { get; set; }
    public bool Helpful { get; set; }
    public string? Reason { get; set; }
    public long CreatedAtMs { get; set; }
}

/// <summary>
/// The vectors of one passage's sentences (<see cref="Answering.PassageSentences"/>), computed at
/// ingest so an answer only embeds the question. Keyed by the passage id, which already encodes the
/// collection, the document, its content hash and the passage's position.
/// </summary>
public sealed class KnowledgeSentenceVectorsRow
{
    public Guid ChunkId { get; set; }
    public required string Collection { get; set; }
    public required string Source { get; set; }
    public required string ContentHash { get; set; }

    /// <summary>The cut the vectors belong to (<see cref="Answering.PassageSentences.Fingerprint"/>).</summary>
    public required string Fingerprint { get; set; }

    /// <summary>How many sentences; <see cref="Vectors"/> holds that many vectors one after another.</summary>
    public int Count { get; set; }

    /// <summary>The vectors as IEEE half-precision floats, little-endian: half the bytes of single
    /// precision, and the cosine of unit vectors changes in the third decimal at most.</summary>
    public byte[] Vectors { get; set; } = [];
}

public sealed class SqliteKnowledgeDbContext(DbContextOptions<SqliteKnowledgeDbContext> options) : KnowledgeDbContext(options);

public sealed class PostgresKnowledgeDbContext(DbContextOptions<PostgresKnowledgeDbContext> options) : KnowledgeDbContext(options);

internal sealed class SqliteKnowledgeDesignFactory() : DesignTimeFactory<SqliteKnowledgeDbContext>(DatabaseProvider.Sqlite, KnowledgeDbContext.HistoryTable);

internal sealed class PostgresKnowledgeDesignFactory() : DesignTimeFactory<PostgresKnowledgeDbContext>(DatabaseProvider.Postgres, KnowledgeDbContext.HistoryTable);
