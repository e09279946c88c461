using Microsoft.EntityFrameworkCore;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Conversation;

/// <summary>Conversation and user state, conversation references for proactive messages, the
/// ids of activities already processed (so a channel's re-delivery is not answered twice), and the
/// writes waiting for a person's yes (<see cref="PendingConfirmationStore"/>).</summary>
public class ConversationDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__migrations_conversation";

    public DbSet<StateRow> States => Set<StateRow>();
    public DbSet<ConversationReferenceRow> References => Set<ConversationReferenceRow>();
    public DbSet<ProcessedActivityRow> ProcessedActivities => Set<ProcessedActivityRow>();
    public DbSet<PendingConfirmationRow> PendingConfirmations => Set<PendingConfirmationRow>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<StateRow>(state =>
        {
            state.ToTable("turn_state");
            state.HasKey(s => new { s.Scope, s.Key });
            state.Property(s => s.Scope).HasColumnName("scope").HasMaxLength(16);
            state.Property(s => s.Key).HasColumnName("key").HasMaxLength(400);
            state.Property(s => s.Json).HasColumnName("json");
            state.Property(s => s.UpdatedAtMs).HasColumnName("updated_at_ms");
        });
        model.Entity<ConversationReferenceRow>(reference =>
        {
            reference.ToTable("conversation_references");
            reference.HasKey(r => new { r.ChannelId, r.ConversationId, r.ChannelUserId });
            reference.Property(r => r.ChannelId).HasColumnName("channel_id").HasMaxLength(64);
            reference.Property(r => r.ConversationId).HasColumnName("conversation_id").HasMaxLength(400);
            reference.Property(r => r.ChannelUserId).HasColumnName("channel_user_id").HasMaxLength(200);
            reference.Property(r => r.PersonId).HasColumnName("person_id").HasMaxLength(64);
            reference.Property(r => r.ConversationType).HasColumnName("conversation_type").HasMaxLength(32);
            reference.Property(r => r.ServiceUrl).HasColumnName("service_url").HasMaxLength(400);
            reference.Property(r => r.TenantId).HasColumnName("tenant_id").HasMaxLength(64);
            reference.Property(r => r.Json).HasColumnName("json");
            reference.Property(r => r.UpdatedAtMs).HasColumnName("updated_at_ms");
            reference.HasIndex(r => r.PersonId);
        });
        model.Entity<ProcessedActivityRow>(processed =>
        {
            processed.ToTable("processed_activities");
            processed.HasKey(p => p.Key);
            processed.Property(p => p.Key).HasColumnName("key").HasMaxLength(700);
            processed.Property(p => p.ExpiresAtMs).HasColumnName("expires_at_ms");
            processed.HasIndex(p => p.ExpiresAtMs);
        });
        model.Entity<PendingConfirmationRow>(pending =>
        {
            pending.ToTable("pending_confirmations");
            pending.HasKey(p => p.Id);
            pending.Property(p => p.Id).HasColumnName("id").HasMaxLength(32);
            pending.Property(p => p.ConversationKey).HasColumnName("conversation_key").HasMaxLength(500);
            pending.Property(p => p.PersonId).HasColumnName("person_id").HasMaxLength(64);
            pending.Property(p => p.Intent).HasColumnName("intent").HasMaxLength(200);
            pending.Property(p => p.ArgumentsJson).HasColumnName("arguments_json");
            pending.Property(p => p.Summary).HasColumnName("summary");
            pending.Property(p => p.FactsJson).HasColumnName("facts_json");
            pending.Property(p => p.CreatedAtMs).HasColumnName("created_at_ms");
            pending.Property(p => p.ExpiresAtMs).HasColumnName("expires_at_ms");
            pending.Property(p => p.ConsumedAtMs).HasColumnName("consumed_at_ms");
            pending.Property(p => p.Outcome).HasColumnName("outcome").HasMaxLength(16);
            pending.HasIndex(p => new { p.ConversationKey, p.PersonId, p.CreatedAtMs });
            pending.HasIndex(p => p.CreatedAtMs);
        });
    }
}

public sealed class StateRow
{
    public required string Scope { get; set; }
    public required string Key { get; set; }
    public required string Json { get; set; }
    public long UpdatedAtMs { get; set; }
}

public sealed class ConversationReferenceRow
{
    public required string ChannelId { get; set; }
    public required string ConversationId { get; set; }
    public required string ChannelUserId { get; set; }
    public string? PersonId { get; set; }
    public string? ConversationType { get; set; }
    public required string ServiceUrl { get; set; }
    public string? TenantId { get; set; }
    public required string Json { get; set; }
    public long UpdatedAtMs { get; set; }
}

public sealed class ProcessedActivityRow
{
    public required string Key { get; set; }
    public long ExpiresAtMs { get; set; }
}

/// <summary>One write waiting for one person's answer: exactly the arguments that run on yes, and the fields the card showed.</summary>
public sealed class PendingConfirmationRow
{
    public required string Id { get; set; }
    public required string ConversationKey { get; set; }
    public required string PersonId { get; set; }
    public required string Intent { get; set; }
    public required string ArgumentsJson { get; set; }
    public required string Summary { get; set; }
    public required string FactsJson { get; set; }
    public long CreatedAtMs { get; set; }
    public long ExpiresAtMs { get; set; }

    /// <summary>Null while it waits; set once, by the one answer (or supersession) that takes it.</summary>
    public long? ConsumedAtMs { get; set; }

    /// <summary>A <see cref="ConfirmationOutcome"/> name once consumed.</summary>
    public string? Outcome { get; set; }
}

public sealed class SqliteConversationDbContext(DbContextOptions<SqliteConversationDbContext> options) : ConversationDbContext(options);

public sealed class PostgresConversationDbContext(DbContextOptions<PostgresConversationDbContext> options) : ConversationDbContext(options);

internal sealed class SqliteConversationDesignFactory() : DesignTimeFactory<SqliteConversationDbContext>(DatabaseProvider.Sqlite, ConversationDbContext.HistoryTable);

internal sealed class PostgresConversationDesignFactory() : DesignTimeFactory<PostgresConversationDbContext>(DatabaseProvider.Postgres, ConversationDbContext.HistoryTable);
