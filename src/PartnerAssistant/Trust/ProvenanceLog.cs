using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation;

namespace PartnerAssistant.Trust;

public static class ProvenanceKinds
{
    /// <summary>A knowledge answer: the question's id, and each cited passage's document, section and content hash.</summary>
    public const string KnowledgeAnswer = "knowledge-answer";

    /// <summary>A deal's win probability: the model name and version, the SHA-256 of its training data, the score.</summary>
    public const string DealScore = "deal-score";
}

/// <summary>One recorded answer's provenance.</summary>
public sealed record ProvenanceEntry(string Id, DateTimeOffset At, string Kind, string? Reference, JsonObject Details);

/// <summary>
/// The audit trail of what answers rested on. A capability records each answer as it gives it; the record names
/// no person (the knowledge question it belongs to is referenced by id, and that one follows the question log's
/// retention), and the conversation remembers which records its last answer made, for "why did you say that?".
/// </summary>
public sealed class ProvenanceLog(IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>Conversation state key: the records of the latest turn that made any.</summary>
    public const string StateKey = "trust.provenance";

    public async Task<string> RecordAsync(AssistantTurn? turn, string kind, string? reference, JsonObject details, CancellationToken cancellationToken)
    {
        var row = NewRow(kind, reference, details);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
        db.Provenance.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        Remember(turn, row.Id);
        return row.Id;
    }

    /// <summary>The same, for capabilities whose answer is computed synchronously (a deal score is microseconds of
    /// arithmetic; the one insert is cheaper than turning every caller asynchronous).</summary>
    public string Record(AssistantTurn? turn, string kind, string? reference, JsonObject details)
    {
        var row = NewRow(kind, reference, details);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
        db.Provenance.Add(row);
        db.SaveChanges();
        Remember(turn, row.Id);
        return row.Id;
    }

    /// <summary>The records the conversation's latest answer made, oldest first.</summary>
    public async Task<IReadOnlyList<ProvenanceEntry>> LatestAsync(ConversationState state, CancellationToken cancellationToken)
    {
        if (state.Values.GetValueOrDefault(StateKey)?["ids"] is not JsonArray ids || ids.Count == 0)
        {
            return [];
        }

        var wanted = ids.Select(i => i!.GetValue<string>()).ToList();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
        var rows = await db.Provenance.AsNoTracking().Where(p => wanted.Contains(p.Id)).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(r => wanted.IndexOf(r.Id)).Select(ToEntry)];
    }

    /// <summary>Recorded provenance, newest first, optionally of one reference (a question id, <c>DR-1042</c>).</summary>
    public async Task<IReadOnlyList<ProvenanceEntry>> ListAsync(string? kind, string? reference, int limit, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TrustDbContext>();
        var query = db.Provenance.AsNoTracking();
        if (kind is not null)
        {
            query = query.Where(p => p.Kind == kind);
        }

        if (reference is not null)
        {
            query = query.Where(p => p.Reference == reference);
        }

        var rows = await query.OrderByDescending(p => p.AtMs).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);
        return [.. rows.Select(ToEntry)];
    }

    private ProvenanceRow NewRow(string kind, string? reference, JsonObject details) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        AtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        Kind = kind,
        Reference = reference is { Length: > 64 } ? reference[..64] : reference,
        DetailsJson = details.ToJsonString(),
    };

    /// <summary>Keeps the record's id in the conversation: appended within one turn (a message that asked two things), replaced by the next turn's.</summary>
    private static void Remember(AssistantTurn? turn, string id)
    {
        if (turn is null)
        {
            return;
        }

        var marker = turn.Activity.Id ?? turn.Activity.Timestamp?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "";
        var current = turn.State.Values.GetValueOrDefault(StateKey) as JsonObject;
        var ids = current?["turn"]?.GetValue<string>() == marker && current["ids"] is JsonArray same ? (JsonArray)same.DeepClone() : [];
        ids.Add(id);
        while (ids.Count > 10)
        {
            ids.RemoveAt(0);
        }

        turn.State.Values[StateKey] = new JsonObject { ["turn"] = marker, ["ids"] = ids };
    }

    private static ProvenanceEntry ToEntry(ProvenanceRow row) =>
        new(row.Id, DateTimeOffset.FromUnixTimeMilliseconds(row.AtMs), row.Kind, row.Reference, JsonNode.Parse(row.DetailsJson)!.AsObject());
}
