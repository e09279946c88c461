using BotFramework.Adapter;
using BotFramework.Schema;

namespace BotHost.DirectLine;

/// <summary>
/// Proactive messages (approvals, reminders) to someone whose conversation is a Direct Line one go into
/// its history in the database, where the person's page finds them, now or when it is reopened, on
/// whichever host serves it. A conversation removed meanwhile answers 404 when the message is written.
/// </summary>
public sealed class DirectLineInProcessChannel(DirectLineTranscript transcript) : IInProcessChannel
{
    public string ChannelId => DirectLineChannel.ChannelId;

    public IActivitySink? FindSink(ConversationReference reference) =>
        reference.Conversation?.Id is { Length: > 0 } id && reference.User?.Id is { Length: > 0 } user
            ? transcript.SinkFor(new DirectLineConversation(id, user, reference.User.Name ?? user, Started: true))
            : null;
}
