using BotFramework.Authentication;
using BotFramework.Connector;
using BotFramework.Schema;

namespace BotFramework.Adapter;

internal sealed class TurnContext(Activity activity, ChannelIdentity identity, ConnectorClient connector, bool proactive = false) : ITurnContext
{
    private readonly List<Activity>? _buffered = activity.DeliveryMode == DeliveryModes.ExpectReplies ? [] : null;
    private int _sequence;

    public Activity Activity { get; } = activity;
    public ChannelIdentity Identity { get; } = identity;
    public bool Responded { get; private set; }
    public InvokeResponse? InvokeResponse { get; set; }
    public IDictionary<string, object?> TurnState { get; } = new Dictionary<string, object?>();

    /// <summary>Replies held for the HTTP response when the channel asked for expectReplies.</summary>
    public IReadOnlyList<Activity>? BufferedReplies => _buffered;

    public async Task<ResourceResponse> SendActivityAsync(Activity outgoing, CancellationToken cancellationToken = default)
    {
        Address(outgoing);
        if (outgoing.Type != ActivityTypes.Typing)
        {
            Responded = true;
        }

        if (_buffered is not null)
        {
            if (outgoing.Type == ActivityTypes.Typing)
            {
                return new ResourceResponse();
            }

            outgoing.Id ??= $"{Activity.Id}-reply-{Interlocked.Increment(ref _sequence)}";
            lock (_buffered)
            {
                _buffered.Add(outgoing);
            }

            return new ResourceResponse { Id = outgoing.Id };
        }

        var serviceUrl = RequireServiceUrl();
        var conversationId = outgoing.Conversation!.Id!;
        return !proactive && !string.IsNullOrEmpty(outgoing.ReplyToId)
            ? await connector.ReplyToActivityAsync(serviceUrl, conversationId, outgoing.ReplyToId!, outgoing, cancellationToken)
            : await connector.SendToConversationAsync(serviceUrl, conversationId, outgoing, cancellationToken);
    }

    public Task<ResourceResponse> UpdateActivityAsync(Activity outgoing, CancellationToken cancellationToken = default)
    {
        Address(outgoing);
        if (string.IsNullOrEmpty(outgoing.Id))
        {
            throw new ArgumentException("An update needs the id of the activity it replaces.", nameof(outgoing));
        }

        return _buffered is not null
            ? Task.FromResult(new ResourceResponse { Id = outgoing.Id })
            : connector.UpdateActivityAsync(RequireServiceUrl(), outgoing.Conversation!.Id!, outgoing.Id!, outgoing, cancellationToken);
    }

    public Task DeleteActivityAsync(string activityId, CancellationToken cancellationToken = default) =>
        _buffered is not null
            ? Task.CompletedTask
            : connector.DeleteActivityAsync(RequireServiceUrl(), Activity.Conversation!.Id!, activityId, cancellationToken);

    private void Address(Activity outgoing)
    {
        outgoing.Type ??= ActivityTypes.Message;
        outgoing.ChannelId ??= Activity.ChannelId;
        outgoing.ServiceUrl ??= Activity.ServiceUrl;
        outgoing.Conversation ??= Activity.Conversation;
        outgoing.From ??= Activity.Recipient is { } bot ? new ChannelAccount { Id = bot.Id, Name = bot.Name } : null;
        outgoing.Recipient ??= Activity.From is { } user ? new ChannelAccount { Id = user.Id, Name = user.Name, AadObjectId = user.AadObjectId } : null;
        outgoing.Locale ??= Activity.Locale;
        if (!proactive && outgoing.Type != ActivityTypes.Typing)
        {
            outgoing.ReplyToId ??= Activity.Id;
        }
    }

    private string RequireServiceUrl() =>
        Activity.ServiceUrl ?? throw new InvalidOperationException("The activity has no serviceUrl to reply to.");
}
