using System.Collections.Concurrent;
using System.Text.Json;
using BotFramework.Adapter;
using BotFramework.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;
using BotFramework;

namespace PartnerAssistant.Conversation;

/// <summary>
/// Conversation state, user state and conversation references in the relational store, so a
/// multi-turn exchange survives a restart and several hosts can share one database.
/// </summary>
public sealed class ConversationStore(IServiceScopeFactory scopes, TimeProvider time)
{
    private const string ConversationScope = "conversation";
    private const string UserScope = "user";
    private const string PersonalScope = "personal";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // References already stored by this process: most turns need no write.
    private readonly ConcurrentDictionary<string, string> _knownReferences = new();

    public Task<ConversationState> LoadConversationAsync(string key, CancellationToken cancellationToken) =>
        LoadAsync<ConversationState>(ConversationScope, key, cancellationToken);

    public Task SaveConversationAsync(string key, ConversationState state, CancellationToken cancellationToken) =>
        state.IsEmpty ? DeleteAsync(ConversationScope, key, cancellationToken) : SaveAsync(ConversationScope, key, state, cancellationToken);

    public Task ResetConversationAsync(string key, CancellationToken cancellationToken) => DeleteAsync(ConversationScope, key, cancellationToken);

    public Task<T> LoadUserAsync<T>(string personId, CancellationToken cancellationToken) where T : new() =>
        LoadAsync<T>(UserScope, personId, cancellationToken);

    public Task SaveUserAsync<T>(string personId, T state, CancellationToken cancellationToken) =>
        SaveAsync(UserScope, personId, state, cancellationToken);

    /// <summary>What one person keeps in one conversation (the language model's history of their turns): in a group
    /// chat every person has their own, so nothing one person was shown reaches another's context.</summary>
    public Task<T> LoadPersonalAsync<T>(string conversationKey, string personId, CancellationToken cancellationToken) where T : new() =>
        LoadAsync<T>(PersonalScope, PersonalKey(conversationKey, personId), cancellationToken);

    public Task SavePersonalAsync<T>(string conversationKey, string personId, T state, CancellationToken cancellationToken) =>
        SaveAsync(PersonalScope, PersonalKey(conversationKey, personId), state, cancellationToken);

    // A conversation id can be long; its hash keeps the key within the column.
    private static string PersonalKey(string conversationKey, string personId) =>
        $"{personId}\n{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(conversationKey)))}";

    /// <summary>Every turn reads its state.</summary>
    private static readonly CompiledPerModel<Func<ConversationDbContext, string, string, CancellationToken, Task<string?>>> StateJson =
        new(() => EF.CompileAsyncQuery((ConversationDbContext context, string scope, string key, CancellationToken _) =>
            context.States.AsNoTracking().Where(row => row.Scope == scope && row.Key == key).Select(row => row.Json).FirstOrDefault()));

    private async Task<T> LoadAsync<T>(string scope, string key, CancellationToken cancellationToken) where T : new()
    {
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        var json = await StateJson.For(db)(db, scope, key, cancellationToken);
        return json is null ? new T() : JsonSerializer.Deserialize<T>(json, Json) ?? new T();
    }

    private async Task SaveAsync<T>(string scope, string key, T state, CancellationToken cancellationToken)
    {
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        var json = JsonSerializer.Serialize(state, Json);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // Every turn writes its state: one statement (SQLite and PostgreSQL alike, as the deduplicator's insert below), which
        // also settles two turns writing the same state at once (the later one wins), instead of LINQ translated each turn.
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO turn_state (scope, key, json, updated_at_ms) VALUES ({scope}, {key}, {json}, {now}) ON CONFLICT (scope, key) DO UPDATE SET json = excluded.json, updated_at_ms = excluded.updated_at_ms",
            cancellationToken);
    }

    private async Task DeleteAsync(string scope, string key, CancellationToken cancellationToken)
    {
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        await db.States.Where(s => s.Scope == scope && s.Key == key).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Remembers where to reach a user, for proactive messages.</summary>
    public async Task SaveReferenceAsync(Activity activity, string? personId, CancellationToken cancellationToken)
    {
        var reference = activity.GetConversationReference();
        reference.ActivityId = null;
        var userId = activity.From?.AadObjectId ?? activity.From?.Id;
        if (userId is null || activity.Conversation?.Id is null || activity.ServiceUrl is null || activity.ChannelId is null)
        {
            return;
        }

        var key = $"{activity.ChannelId}\n{activity.Conversation.Id}\n{userId}";
        var json = JsonSerializer.Serialize(reference, BotJson.Options);
        if (_knownReferences.TryGetValue(key, out var known) && known == json)
        {
            return;
        }

        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        var row = await db.References.FirstOrDefaultAsync(
            r => r.ChannelId == activity.ChannelId && r.ConversationId == activity.Conversation.Id && r.ChannelUserId == userId, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (row is null)
        {
            db.References.Add(new ConversationReferenceRow
            {
                ChannelId = activity.ChannelId,
                ConversationId = activity.Conversation.Id,
                ChannelUserId = userId,
                PersonId = personId,
                ConversationType = activity.Conversation.ConversationType ?? (activity.Conversation.IsGroup == true ? "groupChat" : "personal"),
                ServiceUrl = activity.ServiceUrl,
                TenantId = activity.Conversation.TenantId ?? TeamsChannelData.TenantId(activity),
                Json = json,
                UpdatedAtMs = now,
            });
        }
        else
        {
            row.PersonId = personId ?? row.PersonId;
            row.ServiceUrl = activity.ServiceUrl;
            row.Json = json;
            row.UpdatedAtMs = now;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // A concurrent turn stored the same reference; nothing is lost.
        }

        _knownReferences[key] = json;
    }

    /// <summary>Where to reach a person: their 1:1 conversation if there is one, else any.</summary>
    public async Task<IReadOnlyList<StoredReference>> FindReferencesAsync(string personId, CancellationToken cancellationToken)
    {
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        var rows = await db.References.AsNoTracking().Where(r => r.PersonId == personId).ToListAsync(cancellationToken);
        return rows
            .OrderByDescending(r => r.ConversationType == "personal")
            .ThenByDescending(r => r.UpdatedAtMs)
            .Select(r => new StoredReference(JsonSerializer.Deserialize<ConversationReference>(r.Json, BotJson.Options)!, r.ConversationType, r.TenantId))
            .ToList();
    }

    /// <summary>Any reference in a channel, to learn its serviceUrl and tenant for a new conversation.</summary>
    public async Task<StoredReference?> FindAnyReferenceAsync(string? channelId, CancellationToken cancellationToken)
    {
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        var row = await db.References.AsNoTracking()
            .Where(r => channelId == null || r.ChannelId == channelId)
            .OrderByDescending(r => r.UpdatedAtMs)
            .FirstOrDefaultAsync(cancellationToken);
        return row is null ? null : new StoredReference(JsonSerializer.Deserialize<ConversationReference>(row.Json, BotJson.Options)!, row.ConversationType, row.TenantId);
    }

    public async Task RemoveReferencesAsync(string channelId, string conversationId, CancellationToken cancellationToken)
    {
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        await db.References.Where(r => r.ChannelId == channelId && r.ConversationId == conversationId).ExecuteDeleteAsync(cancellationToken);
        foreach (var key in _knownReferences.Keys.Where(k => k.StartsWith($"{channelId}\n{conversationId}\n", StringComparison.Ordinal)))
        {
            _knownReferences.TryRemove(key, out _);
        }
    }
}

public sealed record StoredReference(ConversationReference Reference, string? ConversationType, string? TenantId);

/// <summary>Drops re-deliveries using the shared database, so it holds across hosts and restarts.</summary>
public sealed class SqlActivityDeduplicator(IServiceScopeFactory scopes, IOptions<BotOptions> options, TimeProvider time) : IActivityDeduplicator
{
    private long _calls;

    public async ValueTask<bool> TryBeginAsync(string channelId, string conversationId, string activityId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var key = $"{channelId}\n{conversationId}\n{activityId}";
        var expires = (now + options.Value.DuplicateWindow).ToUnixTimeMilliseconds();
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        if (Interlocked.Increment(ref _calls) % 500 == 0)
        {
            var cutoff = now.ToUnixTimeMilliseconds();
            await db.ProcessedActivities.Where(p => p.ExpiresAtMs < cutoff).ExecuteDeleteAsync(cancellationToken);
        }

        var inserted = await db.Database.ExecuteSqlAsync(
            $"INSERT INTO processed_activities (key, expires_at_ms) VALUES ({key}, {expires}) ON CONFLICT (key) DO NOTHING",
            cancellationToken);
        return inserted == 1;
    }
}
