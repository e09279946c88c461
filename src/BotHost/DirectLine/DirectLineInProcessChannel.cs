using BotFramework.Adapter;
using BotFramework.Schema;

namespace BotHost.DirectLine;

/// <summary>Proactive messages (approvals, reminders) to someone whose conversation is a Direct Line one go into it.</summary>
public sealed class DirectLineInProcessChannel(DirectLineConversations conversations, DirectLineTranscript transcript) : IInProcessChannel
{
    public string ChannelId => DirectLineChannel.ChannelId;

    public IActivitySink? FindSink(ConversationReference reference) =>
        reference.Conversation?.Id is { } id && conversations.Find(id) is { } conversation ? transcript.SinkFor(conversation) : null;
}
