using BotFramework;
using Microsoft.Extensions.Options;
using PartnerAssistant.Trust;

namespace PartnerAssistant.Conversation;

/// <summary>
/// Where the assistant reaches a person (conversation references), what it remembers of their conversations
/// (conversation state, the person's own state and their language model history in each conversation), the writes
/// waiting for their yes, and the re-delivery guard's activity ids. A person's conversations are found through
/// their references; only their one-to-one conversations' state is theirs (a group chat's state belongs to the
/// group: the sweep replaces mentions of them there).
/// </summary>
internal sealed class ConversationPersonalData(IOptions<BotOptions> bot) : IPersonalDataSource, IRetentionPolicy
{
    public string Name => "conversation";

    public IReadOnlyList<string> PersonColumns =>
        ["conversation_references.person_id", "conversation_references.channel_user_id", "turn_state.key", "pending_confirmations.person_id"];

    // The language model's history of one person's turns: scope "personal", key "{person id}\n{hash of the conversation}".
    private const string Personal = "scope = 'personal' AND substr(key, 1, @p1) = @p0";

    private static object[] PersonalArgs(PersonalDataSubject subject) => [subject.PersonId + "\n", subject.PersonId.Length + 1];

    public async Task CollectAsync(PersonalDataSubject subject, SqlSession sql, CancellationToken cancellationToken)
    {
        var references = await sql.QueryAsync(
            "SELECT channel_id, conversation_id, conversation_type, updated_at_ms FROM conversation_references WHERE person_id = @p0 OR channel_user_id = @p1",
            cancellationToken, subject.PersonId, subject.ChannelUserId);
        foreach (var reference in references)
        {
            subject.AddConversation($"{reference["channel_id"]}/{reference["conversation_id"]}", (string?)reference["conversation_type"] is null or "personal");
            subject.NoteActivity(Convert.ToInt64(reference["updated_at_ms"], System.Globalization.CultureInfo.InvariantCulture));
        }

        var userState = await sql.ScalarAsync("SELECT updated_at_ms FROM turn_state WHERE scope = 'user' AND key = @p0", cancellationToken, subject.PersonId);
        if (userState is not null)
        {
            subject.NoteActivity(Convert.ToInt64(userState, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public async Task ExportAsync(PersonalDataExport export, CancellationToken cancellationToken)
    {
        var subject = export.Subject;
        var sql = export.Sql;
        var references = await sql.QueryAsync("SELECT * FROM conversation_references WHERE person_id = @p0 OR channel_user_id = @p1 ORDER BY updated_at_ms",
            cancellationToken, subject.PersonId, subject.ChannelUserId);
        export.Add(Name, "conversation_references", "Conversations the assistant can reach you in", references.Select(r => PersonalDataJson.Row(r)),
            references.Select(r => (string)r["channel_id"]!).Distinct());

        var states = new List<Dictionary<string, object?>>();
        states.AddRange(await sql.QueryAsync("SELECT * FROM turn_state WHERE scope = 'user' AND key = @p0", cancellationToken, subject.PersonId));
        foreach (var conversation in subject.Conversations.Where(c => c.Personal))
        {
            states.AddRange(await sql.QueryAsync("SELECT * FROM turn_state WHERE scope = 'conversation' AND key = @p0", cancellationToken, conversation.Key));
        }

        states.AddRange(await sql.QueryAsync($"SELECT * FROM turn_state WHERE {Personal}", cancellationToken, PersonalArgs(subject)));
        export.Add(Name, "turn_state", "What the assistant remembers between turns (pending questions, drafts, the language model's history of your turns)",
            states.Select(r => PersonalDataJson.Row(r)));
        var pending = await sql.QueryAsync("SELECT * FROM pending_confirmations WHERE person_id = @p0 ORDER BY created_at_ms", cancellationToken, subject.PersonId);
        export.Add(Name, "pending_confirmations", "Changes you were asked to confirm, and your answers", pending.Select(r => PersonalDataJson.Row(r)),
            pending.Select(r => (string)r["intent"]!).Distinct());
    }

    public async Task EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        var subject = erasure.Subject;
        await erasure.DeleteAsync("conversation_references", "person_id = @p0 OR channel_user_id = @p1", cancellationToken, subject.PersonId, subject.ChannelUserId);
        await erasure.DeleteAsync("turn_state", "scope = 'user' AND key = @p0", cancellationToken, subject.PersonId);
        await erasure.DeleteAsync("turn_state", Personal, cancellationToken, PersonalArgs(subject));
        await erasure.DeleteAsync("pending_confirmations", "person_id = @p0", cancellationToken, subject.PersonId);
        foreach (var conversation in subject.Conversations.Where(c => c.Personal))
        {
            await erasure.DeleteAsync("turn_state", "scope = 'conversation' AND key = @p0", cancellationToken, conversation.Key);
        }
    }

    public async Task ApplyAsync(RetentionPass pass, CancellationToken cancellationToken)
    {
        await pass.DeleteOlderAsync(RetentionKind.Transcripts, "turn_state", "updated_at_ms", cancellationToken);
        await pass.DeleteOlderAsync(RetentionKind.Transcripts, "pending_confirmations", "created_at_ms", cancellationToken);
        // A row's expiry is its arrival plus the duplicate window; it goes once it arrived longer ago than its retention.
        var arrivedBefore = pass.CutoffMs(RetentionKind.ProcessedActivities);
        await pass.DeleteAsync(RetentionKind.ProcessedActivities, "processed_activities", "expires_at_ms < @p0", cancellationToken,
            arrivedBefore + (long)bot.Value.DuplicateWindow.TotalMilliseconds);
    }
}
