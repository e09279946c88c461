using BotFramework.Authentication;
using BotFramework.Schema;

namespace BotFramework.Adapter;

/// <summary>A bot: it is given each incoming activity as a turn.</summary>
public interface IBot
{
    Task OnTurnAsync(ITurnContext turn, CancellationToken cancellationToken);
}

/// <summary>One incoming activity and the means to answer it.</summary>
public interface ITurnContext
{
    Activity Activity { get; }

    /// <summary>Who the channel says sent the activity (null claims in local development mode).</summary>
    ChannelIdentity Identity { get; }

    /// <summary>True once the bot has sent something in this turn.</summary>
    bool Responded { get; }

    /// <summary>Set by the bot to answer an invoke activity; sent back as the HTTP response.</summary>
    InvokeResponse? InvokeResponse { get; set; }

    /// <summary>Per-turn values shared between the parts of a bot.</summary>
    IDictionary<string, object?> TurnState { get; }

    /// <summary>Sends an activity into this conversation; unset addressing fields are filled in
    /// from the incoming activity.</summary>
    Task<ResourceResponse> SendActivityAsync(Activity activity, CancellationToken cancellationToken = default);

    Task<ResourceResponse> UpdateActivityAsync(Activity activity, CancellationToken cancellationToken = default);

    Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default);
}

public static class TurnContextExtensions
{
    public static Task<ResourceResponse> SendTextAsync(this ITurnContext turn, string text, CancellationToken cancellationToken = default) =>
        turn.SendActivityAsync(Activity.CreateMessage(text), cancellationToken);
}

/// <summary>What a bot does when a turn throws: the adapter has already logged the exception.</summary>
public interface ITurnErrorHandler
{
    Task OnTurnErrorAsync(ITurnContext turn, Exception exception, string correlationId, CancellationToken cancellationToken);
}

/// <summary>Drops a channel's re-delivery of an activity it already sent.</summary>
public interface IActivityDeduplicator
{
    /// <summary>True the first time an activity id is seen in a conversation; false for a re-delivery.</summary>
    ValueTask<bool> TryBeginAsync(string channelId, string conversationId, string activityId, CancellationToken cancellationToken);
}
