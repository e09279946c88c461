using PartnerAssistant.Trust;

namespace BotHost.DirectLine;

/// <summary>
/// A person's Web Chat conversations: who they were with (their channel id and name), every activity of their
/// history and the files they uploaded. All of it is theirs: exported (files with their bytes) and deleted on
/// erasure. Retention removes conversations idle longer than <see cref="RetentionOptions.Transcripts"/> and files
/// older than <see cref="RetentionOptions.Uploads"/>.
/// </summary>
internal sealed class DirectLinePersonalData : IPersonalDataSource, IRetentionPolicy
{
    private const string OfUser = "conversation_id IN (SELECT id FROM directline_conversations WHERE user_id = @p0)";

    public string Name => "webchat";

    public IReadOnlyList<string> PersonColumns => ["directline_conversations.user_id", "directline_conversations.user_name"];

    public async Task CollectAsync(PersonalDataSubject subject, SqlSession sql, CancellationToken cancellationToken)
    {
        foreach (var row in await sql.QueryAsync("SELECT id, last_active_at_ms FROM directline_conversations WHERE user_id = @p0", cancellationToken, subject.ChannelUserId))
        {
            subject.AddConversation($"{DirectLineChannel.ChannelId}/{row["id"]}", personal: true);
            subject.NoteActivity(Convert.ToInt64(row["last_active_at_ms"], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public async Task ExportAsync(PersonalDataExport export, CancellationToken cancellationToken)
    {
        var sql = export.Sql;
        var user = export.Subject.ChannelUserId;
        var conversations = await sql.QueryAsync("SELECT * FROM directline_conversations WHERE user_id = @p0 ORDER BY created_at_ms", cancellationToken, user);
        export.Add(Name, "directline_conversations", "Your Web Chat conversations", conversations.Select(r => PersonalDataJson.Row(r)));
        var activities = await sql.QueryAsync($"SELECT * FROM directline_activities WHERE {OfUser} ORDER BY conversation_id, sequence", cancellationToken, user);
        export.Add(Name, "directline_activities", "Messages of your Web Chat conversations (yours and the assistant's)", activities.Select(r => PersonalDataJson.Row(r)));
        var files = await sql.QueryAsync($"SELECT * FROM directline_attachments WHERE {OfUser} ORDER BY created_at_ms", cancellationToken, user);
        export.Add(Name, "directline_attachments", "Files you uploaded into Web Chat", files.Select(r => PersonalDataJson.Row(r, ["content"])), files.Select(f => (string)f["name"]!));
        foreach (var file in files)
        {
            export.AddFile(Name, "File you uploaded into Web Chat", (string)file["name"]!, (string)file["content_type"]!, (byte[])file["content"]!,
                Convert.ToInt64(file["created_at_ms"], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public async Task EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        var user = erasure.Subject.ChannelUserId;
        await erasure.DeleteAsync("directline_activities", OfUser, cancellationToken, user);
        await erasure.DeleteAsync("directline_attachments", OfUser, cancellationToken, user);
        await erasure.DeleteAsync("directline_conversations", "user_id = @p0", cancellationToken, user);
    }

    public async Task ApplyAsync(RetentionPass pass, CancellationToken cancellationToken)
    {
        const string Idle = "conversation_id IN (SELECT id FROM directline_conversations WHERE last_active_at_ms < @p0)";
        var idleSince = pass.CutoffMs(RetentionKind.Transcripts);
        await pass.DeleteAsync(RetentionKind.Transcripts, "directline_activities", Idle, cancellationToken, idleSince);
        await pass.DeleteAsync(RetentionKind.Transcripts, "directline_attachments", Idle, cancellationToken, idleSince);
        await pass.DeleteOlderAsync(RetentionKind.Transcripts, "directline_conversations", "last_active_at_ms", cancellationToken);
        await pass.DeleteOlderAsync(RetentionKind.Uploads, "directline_attachments", "created_at_ms", cancellationToken);
    }
}
