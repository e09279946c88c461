using BotFramework.Schema;

namespace BotFramework.Adapter;

/// <summary>
/// A channel served by this process (the local Direct Line endpoint) rather than through a Bot
/// Connector serviceUrl: proactive messages into its conversations go to its sink.
/// </summary>
public interface IInProcessChannel
{
    /// <summary>The <c>channelId</c> of its activities, e.g. <c>directline</c>.</summary>
    string ChannelId { get; }

    /// <summary>Where to put activities for the conversation, or null when the conversation no longer exists.</summary>
    IActivitySink? FindSink(ConversationReference reference);
}
