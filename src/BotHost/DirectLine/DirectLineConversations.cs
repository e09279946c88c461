using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using BotFramework.Connector;
using BotFramework.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BotHost.DirectLine;

/// <summary>A Direct Line conversation: whose it is. Its history is in <see cref="DirectLineConversations"/>.</summary>
public sealed record DirectLineConversation(string Id, string UserId, string UserName, bool Started);

/// <summary>A file someone uploaded into a conversation.</summary>
public sealed record DirectLineFile(string Id, string ConversationId, string Name, string ContentType, byte[] Content);

/// <summary>
/// The Direct Line conversations, kept in the database: who each belongs to, an append-only log of
/// activities read by watermark, and the files uploaded into them. Nothing lives in this process's
/// memory, so any host sharing the database serves any conversation, and a page reopened after a
/// restart finds everything that arrived while it was closed. An updated activity is appended again
/// under its old id (Web Chat replaces an activity it already shows when one with the same id arrives).
/// Conversations idle for <see cref="DirectLineOptions.ConversationIdleTimeout"/> are removed with
/// everything in them.
/// </summary>
public sealed class DirectLineConversations(IServiceScopeFactory scopes, IOptions<DirectLineOptions> options, TimeProvider time)
{
    private DirectLineOptions Settings => options.Value;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A new conversation for the user.</summary>
    public async Task<DirectLineConversation> CreateAsync(string userId, string userName, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
        var row = new DirectLineConversationRow
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)),
            UserId = userId,
            UserName = userName,
            CreatedAtMs = Now,
            LastActiveAtMs = Now,
        };
        db.Conversations.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return ToConversation(row);
    }

    /// <summary>The user's most recently active conversation that has not expired, or null.</summary>
    public async Task<DirectLineConversation?> LatestOfAsync(string userId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
        var since = Now - (long)Settings.ConversationIdleTimeout.TotalMilliseconds;
        var row = await db.Conversations.AsNoTracking()
            .Where(c => c.UserId == userId && c.LastActiveAtMs > since)
            .OrderByDescending(c => c.LastActiveAtMs)
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : ToConversation(row);
    }

    /// <summary>
    /// The conversation a valid token names; recreated empty under the same id if it was removed meanwhile
    /// (the token outlived it), so the client carries on. Reading does not count as activity: only what is
    /// written into a conversation does (see <see cref="AppendAsync"/>).
    /// </summary>
    public async Task<DirectLineConversation> OpenAsync(DirectLineGrant grant, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
        var now = Now;
        var row = await db.Conversations.FirstOrDefaultAsync(c => c.Id == grant.ConversationId, cancellationToken);
        if (row is null)
        {
            row = new DirectLineConversationRow { Id = grant.ConversationId, UserId = grant.UserId, UserName = grant.UserName, CreatedAtMs = now, LastActiveAtMs = now };
            db.Conversations.Add(row);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another request recreated it at the same moment.
                db.ChangeTracker.Clear();
                row = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == grant.ConversationId, cancellationToken);
            }

            return ToConversation(row);
        }

        return ToConversation(row);
    }

    /// <summary>Marks the conversation started; true for the one caller that did it (so the bot greets once, whichever host asks).</summary>
    public async Task<bool> TryStartAsync(string conversationId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
        return await db.Conversations.Where(c => c.Id == conversationId && !c.Started)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.Started, true), cancellationToken) == 1;
    }

    /// <summary>
    /// Appends an activity (a copy) to the conversation's log and returns its id: the one it has, or,
    /// when it has none, one made from its place in the log. The watermark is taken and the entry written
    /// in one transaction, so entries become visible in watermark order even when two hosts append to the
    /// same conversation at once. Each append marks the conversation active, so the person's latest
    /// conversation (the one a reopened page resumes) is also the one their last proactive message went to.
    /// <paramref name="prepare"/> sees the activity with its id before it is written. Throws
    /// <see cref="ConnectorException"/> (404) when the conversation is gone.
    /// </summary>
    public async Task<string> AppendAsync(string conversationId, Activity activity, CancellationToken cancellationToken, Action<Activity>? prepare = null)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The update locks the conversation's row until the commit: appends to one conversation queue here.
        var now = Now;
        var updated = await db.Conversations.Where(c => c.Id == conversationId)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.LastSequence, c => c.LastSequence + 1).SetProperty(c => c.LastActiveAtMs, now), cancellationToken);
        if (updated == 0)
        {
            throw new ConnectorException($"The Direct Line conversation {conversationId} no longer exists.", 404);
        }

        var sequence = await db.Conversations.Where(c => c.Id == conversationId).Select(c => c.LastSequence).FirstAsync(cancellationToken);
        activity.Id ??= $"{conversationId}|{sequence.ToString("D7", CultureInfo.InvariantCulture)}";
        prepare?.Invoke(activity);
        db.Activities.Add(new DirectLineActivityRow
        {
            ConversationId = conversationId,
            Sequence = sequence,
            ActivityId = activity.Id,
            Type = activity.Type ?? "",
            Json = JsonSerializer.Serialize(activity, BotJson.Options),
        });
        await db.SaveChangesAsync(cancellationToken);

        // The history is bounded: now and then, drop what fell out of it (a little more may be kept meanwhile).
        if (sequence % 50 == 0)
        {
            var oldest = sequence - Settings.MaxActivitiesPerConversation;
            await db.Activities.Where(a => a.ConversationId == conversationId && a.Sequence <= oldest).ExecuteDeleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return activity.Id;
    }

    /// <summary>The latest version of an activity by id, or null.</summary>
    public async Task<JsonObject?> FindActivityAsync(string conversationId, string activityId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
        var json = await db.Activities.AsNoTracking()
            .Where(a => a.ConversationId == conversationId && a.ActivityId == activityId)
            .OrderByDescending(a => a.Sequence)
            .Select(a => a.Json)
            .FirstOrDefaultAsync(cancellationToken);
        return json is null ? null : JsonNode.Parse(json)?.AsObject();
    }

    /// <summary>
    /// Activities after <paramref name="watermark"/>, and the new watermark. Without one (a client
    /// restoring the history, e.g. a page reopened) each activity of the last
    /// <see cref="DirectLineOptions.MaxActivitiesPerConversation"/> comes once, in its latest version,
    /// and typing indicators are left out.
    /// </summary>
    public async Task<(IReadOnlyList<JsonObject> Activities, long Watermark)> ReadAsync(string conversationId, long? watermark, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
        var last = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId).Select(c => (long?)c.LastSequence).FirstOrDefaultAsync(cancellationToken) ?? 0;
        if (watermark is { } from && from <= last)
        {
            var rows = await db.Activities.AsNoTracking()
                .Where(a => a.ConversationId == conversationId && a.Sequence > from)
                .OrderBy(a => a.Sequence)
                .Select(a => new { a.Sequence, a.Json })
                .ToListAsync(cancellationToken);
            return (rows.Select(r => JsonNode.Parse(r.Json)!.AsObject()).ToList(), rows.Count == 0 ? from : rows[^1].Sequence);
        }

        // No watermark, or one from before the conversation was recreated: the whole history.
        var oldest = last - Settings.MaxActivitiesPerConversation;
        var history = await db.Activities.AsNoTracking()
            .Where(a => a.ConversationId == conversationId && a.Sequence > oldest && a.Type != ActivityTypes.Typing)
            .OrderBy(a => a.Sequence)
            .Select(a => new { a.Sequence, a.ActivityId, a.Json })
            .ToListAsync(cancellationToken);
        var latest = new Dictionary<string, string>();
        var order = new List<string>();
        foreach (var row in history)
        {
            if (latest.TryAdd(row.ActivityId, row.Json))
            {
                order.Add(row.ActivityId);
            }
            else
            {
                latest[row.ActivityId] = row.Json;
            }
        }

        return (order.Select(id => JsonNode.Parse(latest[id])!.AsObject()).ToList(), history.Count == 0 ? last : Math.Max(last, history[^1].Sequence));
    }

    /// <summary>Keeps an uploaded file; returns its id, an unguessable name that is also what lets a client fetch it.</summary>
    public async Task<string> SaveFileAsync(string conversationId, string name, string contentType, byte[] content, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        db.Attachments.Add(new DirectLineAttachmentRow
        {
            Id = id,
            ConversationId = conversationId,
            Name = name.Length > 260 ? name[..260] : name,
            ContentType = contentType.Length > 100 ? contentType[..100] : contentType,
            Content = content,
            SizeBytes = content.Length,
            CreatedAtMs = Now,
        });
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }

    public async Task<DirectLineFile?> FindFileAsync(string id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
        var row = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken);
        return row is null ? null : new DirectLineFile(row.Id, row.ConversationId, row.Name, row.ContentType, row.Content);
    }

    /// <summary>
    /// Removes conversations idle for longer than <see cref="DirectLineOptions.ConversationIdleTimeout"/>,
    /// then the least recently active beyond <see cref="DirectLineOptions.MaxConversations"/> and beyond
    /// <see cref="DirectLineOptions.MaxConversationsPerPerson"/> per person, with their activities and files.
    /// Returns how many were removed.
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectLineDbContext>();
        var since = Now - (long)Settings.ConversationIdleTimeout.TotalMilliseconds;
        var doomed = await db.Conversations.Where(c => c.LastActiveAtMs <= since).Select(c => c.Id).ToListAsync(cancellationToken);
        var beyondTotal = await db.Conversations.Where(c => c.LastActiveAtMs > since)
            .OrderByDescending(c => c.LastActiveAtMs).ThenBy(c => c.Id)
            .Skip(Settings.MaxConversations).Select(c => c.Id).ToListAsync(cancellationToken);
        doomed.AddRange(beyondTotal);
        var crowded = await db.Conversations.GroupBy(c => c.UserId).Where(g => g.Count() > Settings.MaxConversationsPerPerson).Select(g => g.Key).ToListAsync(cancellationToken);
        foreach (var user in crowded)
        {
            doomed.AddRange(await db.Conversations.Where(c => c.UserId == user)
                .OrderByDescending(c => c.LastActiveAtMs).ThenBy(c => c.Id)
                .Skip(Settings.MaxConversationsPerPerson).Select(c => c.Id).ToListAsync(cancellationToken));
        }

        foreach (var batch in doomed.Distinct().Chunk(200))
        {
            await db.Activities.Where(a => batch.Contains(a.ConversationId)).ExecuteDeleteAsync(cancellationToken);
            await db.Attachments.Where(a => batch.Contains(a.ConversationId)).ExecuteDeleteAsync(cancellationToken);
            await db.Conversations.Where(c => batch.Contains(c.Id)).ExecuteDeleteAsync(cancellationToken);
        }

        return doomed.Distinct().Count();
    }

    private static DirectLineConversation ToConversation(DirectLineConversationRow row) => new(row.Id, row.UserId, row.UserName, row.Started);
}
