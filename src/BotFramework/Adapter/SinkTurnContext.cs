using BotFramework.Authentication;
using BotFramework.Schema;

namespace BotFramework.Adapter;

/// <summary>A turn whose replies go to an <see cref="IActivitySink"/> in this process.</summary>
internal sealed class SinkTurnContext(Activity activity, ChannelIdentity identity, IActivitySink sink) : ITurnContext
{
    public Activity Activity { get; } = activity;
    public ChannelIdentity Identity { get; } = identity;
    public bool Responded { get; private set; }
    public InvokeResponse? InvokeResponse { get; set; }
    public IDictionary<string, object?> TurnState { get; } = new Dictionary<string, object?>();

    public Task<ResourceResponse> SendActivityAsync(Activity outgoing, CancellationToken cancellationToken = default)
    {
        Address(outgoing);
        if (outgoing.Type != ActivityTypes.Typing)
        {
            Responded = true;
            outgoing.ReplyToId ??= Activity.Id;
        }

        return sink.SendAsync(outgoing, cancellationToken);
    }

    public Task<ResourceResponse> UpdateActivityAsync(Activity outgoing, CancellationToken cancellationToken = default)
    {
        Address(outgoing);
        if (string.IsNullOrEmpty(outgoing.Id))
        {
            throw new ArgumentException("An update needs the id of the activity it replaces.", nameof(outgoing));
        }

        return sink.UpdateAsync(outgoing, cancellationToken);
    }

    public Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default) => sink.DeleteAsync(activityId, cancellationToken);

    private void Address(Activity outgoing)
    {
        outgoing.Type ??= ActivityTypes.Message;
        outgoing.ChannelId ??= Activity.ChannelId;
        outgoing.ServiceUrl ??= Activity.ServiceUrl;
        outgoing.Conversation ??= Activity.Conversation;
        outgoing.From ??= Activity.Recipient is { } bot ? new ChannelAccount { Id = bot.Id, Name = bot.Name, Role = "bot" } : null;
        outgoing.Recipient ??= Activity.From is { } user ? new ChannelAccount { Id = user.Id, Name = user.Name, Role = "user" } : null;
        outgoing.Locale ??= Activity.Locale;
    }
}
