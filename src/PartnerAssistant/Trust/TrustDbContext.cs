using Microsoft.EntityFrameworkCore;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Trust;

/// <summary>
/// What the product keeps to practise trusted data on itself: the register of erasures (the audit entry of
/// each: what was erased, when and by whom, never the erased data) and the provenance of answers (which
/// document versions a knowledge answer cited, which model version and training data a deal score came
/// from). Neither holds personal data once an erasure is complete.
/// </summary>
public class TrustDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__migrations_trust";

    public DbSet<ErasureRow> Erasures => Set<ErasureRow>();
    public DbSet<ProvenanceRow> Provenance => Set<ProvenanceRow>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<ErasureRow>(erasure =>
        {
            erasure.ToTable(ErasureRow.Table);
            erasure.HasKey(e => e.Id);
            erasure.Property(e => e.Id).HasColumnName("id");
            erasure.Property(e => e.State).HasColumnName("state").HasMaxLength(16);
            erasure.Property(e => e.Pseudonym).HasColumnName("pseudonym").HasMaxLength(64);
            erasure.Property(e => e.SubjectRole).HasColumnName("subject_role").HasMaxLength(32);
            erasure.Property(e => e.SubjectOrganisationId).HasColumnName("subject_organisation_id").HasMaxLength(64);
            erasure.Property(e => e.Fingerprint).HasColumnName("fingerprint").HasMaxLength(64);
            erasure.Property(e => e.Salt).HasColumnName("salt").HasMaxLength(32);
            erasure.Property(e => e.RequestedBy).HasColumnName("requested_by").HasMaxLength(100);
            erasure.Property(e => e.RequestedByRole).HasColumnName("requested_by_role").HasMaxLength(32);
            erasure.Property(e => e.RequestedAtMs).HasColumnName("requested_at_ms");
            erasure.Property(e => e.ErasedAtMs).HasColumnName("erased_at_ms");
            erasure.Property(e => e.FinalPassDueMs).HasColumnName("final_pass_due_ms");
            erasure.Property(e => e.CompletedAtMs).HasColumnName("completed_at_ms");
            erasure.Property(e => e.SummaryJson).HasColumnName("summary_json");
            erasure.Property(e => e.PendingSubjectJson).HasColumnName("pending_subject_json");
            erasure.Property(e => e.PendingFilesJson).HasColumnName("pending_files_json");
            erasure.HasIndex(e => e.State);
        });
        model.Entity<ProvenanceRow>(provenance =>
        {
            provenance.ToTable("answer_provenance");
            provenance.HasKey(p => p.Id);
            provenance.Property(p => p.Id).HasColumnName("id").HasMaxLength(32);
            provenance.Property(p => p.AtMs).HasColumnName("at_ms");
            provenance.Property(p => p.Kind).HasColumnName("kind").HasMaxLength(32);
            provenance.Property(p => p.Reference).HasColumnName("reference").HasMaxLength(64);
            provenance.Property(p => p.DetailsJson).HasColumnName("details_json");
            provenance.HasIndex(p => p.AtMs);
        });
    }
}

/// <summary>
/// One erasure: its number (the n of "former partner user #n"), who asked for it and when, how far it got,
/// and a summary of what it removed. <see cref="PendingSubjectJson"/> and <see cref="PendingFilesJson"/> hold
/// the identifiers and file paths only until the final pass (see <c>docs/privacy.md</c>), then are cleared.
/// </summary>
public sealed class ErasureRow
{
    public const string Table = "privacy_erasures";

    /// <summary>Only inside the erasure's own database transaction; the audit-log triggers allow the
    /// pseudonymisation of their rows only while a row in this state is visible, i.e. inside that transaction.</summary>
    public const string Erasing = "erasing";

    /// <summary>Committed; files and the final pass may still be due.</summary>
    public const string Erased = "erased";

    /// <summary>Final pass done, identifiers dropped from this row.</summary>
    public const string Completed = "completed";

    public long Id { get; set; }
    public required string State { get; set; }
    public string Pseudonym { get; set; } = "";
    public required string SubjectRole { get; set; }
    public required string SubjectOrganisationId { get; set; }

    /// <summary>SHA-256 of <see cref="Salt"/> and the person id, so a second request for the same person is
    /// recognised without keeping the id itself.</summary>
    public required string Fingerprint { get; set; }

    public required string Salt { get; set; }
    public required string RequestedBy { get; set; }
    public required string RequestedByRole { get; set; }
    public long RequestedAtMs { get; set; }
    public long? ErasedAtMs { get; set; }
    public long? FinalPassDueMs { get; set; }
    public long? CompletedAtMs { get; set; }

    /// <summary>Per table and column: rows deleted, values pseudonymised, mentions replaced; files deleted.</summary>
    public string? SummaryJson { get; set; }

    public string? PendingSubjectJson { get; set; }
    public string? PendingFilesJson { get; set; }
}

/// <summary>Why an answer said what it said: the document versions it cited, or the model and data behind a score.</summary>
public sealed class ProvenanceRow
{
    public required string Id { get; set; }
    public long AtMs { get; set; }

    /// <summary><see cref="ProvenanceKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>The knowledge question id, or the registration number a score was for (null for a described deal).</summary>
    public string? Reference { get; set; }

    public required string DetailsJson { get; set; }
}

public sealed class SqliteTrustDbContext(DbContextOptions<SqliteTrustDbContext> options) : TrustDbContext(options);

public sealed class PostgresTrustDbContext(DbContextOptions<PostgresTrustDbContext> options) : TrustDbContext(options);

internal sealed class SqliteTrustDesignFactory() : DesignTimeFactory<SqliteTrustDbContext>(DatabaseProvider.Sqlite, TrustDbContext.HistoryTable);

internal sealed class PostgresTrustDesignFactory() : DesignTimeFactory<PostgresTrustDbContext>(DatabaseProvider.Postgres, TrustDbContext.HistoryTable);
