using Microsoft.EntityFrameworkCore;
using PartnerAssistant.Hosting;

namespace BotHost.DirectLine;

/// <summary>
/// The Direct Line endpoint's conversations, their activities (the log a client polls by watermark),
/// the files people uploaded into them, and the token signing key when no <c>DirectLine:Secret</c> is
/// set. Kept in the shared database so a page reopened later, or served by another host behind the same
/// load balancer, finds its conversation and what arrived while it was closed.
/// </summary>
public class DirectLineDbContext(DbContextOptions options) : DbContext(options)
{
    public const string HistoryTable = "__migrations_directline";

    public DbSet<DirectLineConversationRow> Conversations => Set<DirectLineConversationRow>();
    public DbSet<DirectLineActivityRow> Activities => Set<DirectLineActivityRow>();
    public DbSet<DirectLineAttachmentRow> Attachments => Set<DirectLineAttachmentRow>();
    public DbSet<DirectLineKeyRow> Keys => Set<DirectLineKeyRow>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<DirectLineConversationRow>(conversation =>
        {
            conversation.ToTable("directline_conversations");
            conversation.HasKey(c => c.Id);
            conversation.Property(c => c.Id).HasColumnName("id").HasMaxLength(64);
            conversation.Property(c => c.UserId).HasColumnName("user_id").HasMaxLength(256);
            conversation.Property(c => c.UserName).HasColumnName("user_name").HasMaxLength(256);
            conversation.Property(c => c.Started).HasColumnName("started");
            conversation.Property(c => c.LastSequence).HasColumnName("last_sequence");
            conversation.Property(c => c.CreatedAtMs).HasColumnName("created_at_ms");
            conversation.Property(c => c.LastActiveAtMs).HasColumnName("last_active_at_ms");
            conversation.HasIndex(c => new { c.UserId, c.LastActiveAtMs });
            conversation.HasIndex(c => c.LastActiveAtMs);
        });
        model.Entity<DirectLineActivityRow>(activity =>
        {
            activity.ToTable("directline_activities");
            activity.HasKey(a => new { a.ConversationId, a.Sequence });
            activity.Property(a => a.ConversationId).HasColumnName("conversation_id").HasMaxLength(64);
            activity.Property(a => a.Sequence).HasColumnName("sequence");
            activity.Property(a => a.ActivityId).HasColumnName("activity_id").HasMaxLength(100);
            activity.Property(a => a.Type).HasColumnName("type").HasMaxLength(32);
            activity.Property(a => a.Json).HasColumnName("json");
            activity.HasIndex(a => new { a.ConversationId, a.ActivityId });
        });
        model.Entity<DirectLineAttachmentRow>(attachment =>
        {
            attachment.ToTable("directline_attachments");
            attachment.HasKey(a => a.Id);
            attachment.Property(a => a.Id).HasColumnName("id").HasMaxLength(64);
            attachment.Property(a => a.ConversationId).HasColumnName("conversation_id").HasMaxLength(64);
            attachment.Property(a => a.Name).HasColumnName("name").HasMaxLength(260);
            attachment.Property(a => a.ContentType).HasColumnName("content_type").HasMaxLength(100);
            attachment.Property(a => a.Content).HasColumnName("content");
            attachment.Property(a => a.SizeBytes).HasColumnName("size_bytes");
            attachment.Property(a => a.CreatedAtMs).HasColumnName("created_at_ms");
            attachment.HasIndex(a => a.ConversationId);
        });
        model.Entity<DirectLineKeyRow>(key =>
        {
            key.ToTable("directline_keys");
            key.HasKey(k => k.Name);
            key.Property(k => k.Name).HasColumnName("name").HasMaxLength(64);
            key.Property(k => k.Key).HasColumnName("key");
        });
    }
}

public sealed class DirectLineConversationRow
{
    public required string Id { get; set; }
    public required string UserId { get; set; }
    public required string UserName { get; set; }

    /// <summary>The bot has been sent the conversation's conversationUpdate (it greeted the user).</summary>
    public bool Started { get; set; }

    /// <summary>The watermark of the newest activity: every append takes the next one.</summary>
    public long LastSequence { get; set; }

    public long CreatedAtMs { get; set; }
    public long LastActiveAtMs { get; set; }
}

/// <summary>One entry of a conversation's log. An updated activity is a new entry under its old id.</summary>
public sealed class DirectLineActivityRow
{
    public required string ConversationId { get; set; }
    public long Sequence { get; set; }
    public required string ActivityId { get; set; }
    public required string Type { get; set; }
    public required string Json { get; set; }
}

public sealed class DirectLineAttachmentRow
{
    public required string Id { get; set; }
    public required string ConversationId { get; set; }
    public required string Name { get; set; }
    public required string ContentType { get; set; }
    public required byte[] Content { get; set; }
    public long SizeBytes { get; set; }
    public long CreatedAtMs { get; set; }
}

public sealed class DirectLineKeyRow
{
    public required string Name { get; set; }
    public required byte[] Key { get; set; }
}

public sealed class SqliteDirectLineDbContext(DbContextOptions<SqliteDirectLineDbContext> options) : DirectLineDbContext(options);

public sealed class PostgresDirectLineDbContext(DbContextOptions<PostgresDirectLineDbContext> options) : DirectLineDbContext(options);

internal sealed class SqliteDirectLineDesignFactory() : DesignTimeFactory<SqliteDirectLineDbContext>(DatabaseProvider.Sqlite, DirectLineDbContext.HistoryTable);

internal sealed class PostgresDirectLineDesignFactory() : DesignTimeFactory<PostgresDirectLineDbContext>(DatabaseProvider.Postgres, DirectLineDbContext.HistoryTable);
