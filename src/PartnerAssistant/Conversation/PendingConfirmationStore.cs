using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Conversation;

/// <summary>How a stored confirmation ended.</summary>
public enum ConfirmationOutcome
{
    /// <summary>The person said yes; the write ran (once).</summary>
    Confirmed,

    /// <summary>The person said no.</summary>
    Cancelled,

    /// <summary>The same person was asked to confirm something newer in the same conversation.</summary>
    Superseded,

    /// <summary>The person moved on and wrote about something else.</summary>
    Dropped,
}

/// <summary>Why a yes or no did (not) take a stored confirmation.</summary>
public enum ConsumeResult
{
    /// <summary>This answer took it: the caller, and nobody else, acts on it.</summary>
    Taken,

    /// <summary>No such confirmation in this conversation.</summary>
    NotFound,

    /// <summary>It waits for another person's answer.</summary>
    SomeoneElses,

    /// <summary>It was answered (or superseded, or dropped) before.</summary>
    AlreadyAnswered,

    /// <summary>It waited longer than <see cref="PendingConfirmationStore.Lifetime"/>.</summary>
    Expired,
}

/// <summary>A write waiting for one person's answer, as stored: exactly what runs on yes and what the card showed.</summary>
public sealed record StoredConfirmation(
    string Id,
    string ConversationKey,
    string PersonId,
    string Intent,
    IReadOnlyDictionary<string, string?> Arguments,
    string Summary,
    IReadOnlyList<ConfirmationFact> Facts,
    DateTimeOffset CreatedAt,
    ConfirmationOutcome? Outcome);

/// <summary>The answer to one attempt to take a confirmation.</summary>
public sealed record ConsumeAttempt(ConsumeResult Result, StoredConfirmation? Confirmation);

/// <summary>
/// Pending confirmations in the shared database (<c>pending_confirmations</c>), one person's each: the card's Yes
/// carries the id, a typed "yes" takes the person's own latest one. An answer takes a confirmation with one
/// conditional UPDATE (<c>… WHERE consumed_at_ms IS NULL</c>), so however many answers race — double clicks,
/// a channel's retries with new activity ids, two host replicas — one of them acts, on SQLite and PostgreSQL alike.
/// </summary>
public sealed class PendingConfirmationStore(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>How long a confirmation waits for its answer (30 minutes).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    // Answered rows are kept a while (what was asked and how it ended helps support), then swept.
    private static readonly TimeSpan Keep = TimeSpan.FromDays(7);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private long _created;

    /// <summary>Stores a confirmation for the person; their earlier open ones in this conversation are superseded,
    /// so a typed "yes" can only ever mean the latest card.</summary>
    public async Task<StoredConfirmation> CreateAsync(string conversationKey, string personId, PendingConfirmation confirmation, IReadOnlyList<ConfirmationFact> facts, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        await Open(db, conversationKey, personId, now)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.ConsumedAtMs, now).SetProperty(r => r.Outcome, nameof(ConfirmationOutcome.Superseded)), cancellationToken);
        if (Interlocked.Increment(ref _created) % 200 == 0)
        {
            var cutoff = now - (long)Keep.TotalMilliseconds;
            await db.PendingConfirmations.Where(r => r.CreatedAtMs < cutoff).ExecuteDeleteAsync(cancellationToken);
        }

        var row = new PendingConfirmationRow
        {
            Id = Guid.NewGuid().ToString("N"),
            ConversationKey = conversationKey,
            PersonId = personId,
            Intent = confirmation.Intent,
            ArgumentsJson = JsonSerializer.Serialize(confirmation.Arguments, Json),
            Summary = confirmation.Summary,
            FactsJson = JsonSerializer.Serialize(facts, Json),
            CreatedAtMs = now,
            ExpiresAtMs = now + (long)Lifetime.TotalMilliseconds,
        };
        db.PendingConfirmations.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        return ToStored(row);
    }

    /// <summary>The person's latest confirmation in this conversation that still waits for an answer.</summary>
    public async Task<StoredConfirmation?> LatestOpenAsync(string conversationKey, string personId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        var row = await LatestOpen.For(db)(db, conversationKey, personId, now, cancellationToken);
        return row is null ? null : ToStored(row);
    }

    /// <summary>
    /// Takes the confirmation for this answer, if it is the person's, in this conversation, unanswered and not
    /// expired. One conditional UPDATE decides: of concurrent answers exactly one gets <see cref="ConsumeResult.Taken"/>.
    /// </summary>
    public async Task<ConsumeAttempt> ConsumeAsync(string id, string conversationKey, string personId, ConfirmationOutcome outcome, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        var taken = await db.PendingConfirmations
            .Where(r => r.Id == id && r.ConversationKey == conversationKey && r.PersonId == personId && r.ConsumedAtMs == null && r.ExpiresAtMs > now)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.ConsumedAtMs, now).SetProperty(r => r.Outcome, outcome.ToString()), cancellationToken);
        var row = await db.PendingConfirmations.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.ConversationKey == conversationKey, cancellationToken);
        if (row is null)
        {
            return new ConsumeAttempt(ConsumeResult.NotFound, null);
        }

        var stored = ToStored(row);
        var result = taken == 1 ? ConsumeResult.Taken
            : row.PersonId != personId ? ConsumeResult.SomeoneElses
            : row.ConsumedAtMs is not null ? ConsumeResult.AlreadyAnswered
            : ConsumeResult.Expired;
        return new ConsumeAttempt(result, stored);
    }

    /// <summary>Closes the person's open confirmations in this conversation: they wrote about something else.</summary>
    public async Task DropOpenAsync(string conversationKey, string personId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var services = scopes.CreateAsyncScope();
        var db = services.ServiceProvider.GetRequiredService<ConversationDbContext>();
        await Open(db, conversationKey, personId, now)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.ConsumedAtMs, now).SetProperty(r => r.Outcome, nameof(ConfirmationOutcome.Dropped)), cancellationToken);
    }

    /// <summary>Every message is checked against an open confirmation. The filter is <see cref="Open"/>'s, written out because
    /// a compiled query cannot call it.</summary>
    private static readonly CompiledPerModel<Func<ConversationDbContext, string, string, long, CancellationToken, Task<PendingConfirmationRow?>>> LatestOpen =
        new(() => EF.CompileAsyncQuery((ConversationDbContext context, string key, string person, long now, CancellationToken _) =>
            context.PendingConfirmations.AsNoTracking()
                .Where(r => r.ConversationKey == key && r.PersonId == person && r.ConsumedAtMs == null && r.ExpiresAtMs > now)
                .OrderByDescending(r => r.CreatedAtMs).FirstOrDefault()));

    private static IQueryable<PendingConfirmationRow> Open(ConversationDbContext db, string conversationKey, string personId, long now) =>
        db.PendingConfirmations.Where(r => r.ConversationKey == conversationKey && r.PersonId == personId && r.ConsumedAtMs == null && r.ExpiresAtMs > now);

    private static StoredConfirmation ToStored(PendingConfirmationRow row) => new(
        row.Id,
        row.ConversationKey,
        row.PersonId,
        row.Intent,
        JsonSerializer.Deserialize<Dictionary<string, string?>>(row.ArgumentsJson, Json) ?? [],
        row.Summary,
        JsonSerializer.Deserialize<List<ConfirmationFact>>(row.FactsJson, Json) ?? [],
        DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAtMs),
        Enum.TryParse<ConfirmationOutcome>(row.Outcome, out var outcome) ? outcome : null);
}
