using Microsoft.EntityFrameworkCore;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Conversation;

/// <summary>Conversation and user state, conversation references for proactive messages, and
/// the ids of activities already processed (so a channel's re-delivery is not answered twice).</summary>
public class ConversationDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__migrations_conversation";

    public DbSet<StateRow> States => Set<StateRow>();
    public DbSet<ConversationReferenceRow> References => Set<ConversationReferenceRow>();
    public DbSet<ProcessedActivityRow> ProcessedActivities => Set<ProcessedActivityRow>();

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

public sealed class SqliteConversationDbContext(DbContextOptions<SqliteConversationDbContext> options) : ConversationDbContext(options);

public sealed class PostgresConversationDbContext(DbContextOptions<PostgresConversationDbContext> options) : ConversationDbContext(options);

internal sealed class SqliteConversationDesignFactory() : DesignTimeFactory<SqliteConversationDbContext>(DatabaseProvider.Sqlite, ConversationDbContext.HistoryTable);

internal sealed class PostgresConversationDesignFactory() : DesignTimeFactory<PostgresConversationDbContext>(DatabaseProvider.Postgres, ConversationDbContext.HistoryTable);
