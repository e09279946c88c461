using System.Text.Json;
using System.Text.Json.Nodes;
using BotFramework.Adapter;
using BotFramework.Schema;
using PartnerAssistant.Cards;

namespace BotHost.DirectLine;

/// <summary>
/// Delivers what a Direct Line client posts to the bot in this process and keeps the bot's replies
/// for the client to poll. It also stands in for what Web Chat cannot do and Teams can:
/// Web Chat 4.18 ignores <c>Action.Execute</c> and has no dialogs, so those cards are shown with
/// Action.Submit buttons whose presses this channel turns back into the invokes Teams would send
/// (<c>adaptiveCard/action</c>, <c>task/fetch</c>, <c>task/submit</c>), and their answers into
/// updated or new messages.
/// </summary>
public sealed class DirectLineChannel(BotAdapter adapter, IBot bot, TimeProvider time, ILogger<DirectLineChannel> logger)
{
    public const string ChannelId = "directline";
    public const string BotId = "partner-assistant";
    public const string BotName = "Partner Assistant";

    /// <summary>Data key of a rewritten Action.Execute: the verb, and the message and attachment holding the card.</summary>
    public const string ExecuteKey = "directline.execute";

    /// <summary>Data key on a dialog card's buttons: the message that shows the dialog.</summary>
    public const string DialogMessageKey = "directline.dialogMessage";

    private const string CardContentType = "application/vnd.microsoft.card.adaptive";

    /// <summary>Sends the bot the conversationUpdate of a new conversation, so it greets the user.</summary>
    public async Task StartAsync(DirectLineConversation conversation, string serviceUrl, CancellationToken cancellationToken)
    {
        await conversation.TurnGate.WaitAsync(cancellationToken);
        try
        {
            if (conversation.Started)
            {
                return;
            }

            conversation.Started = true;
            var update = Incoming(conversation, serviceUrl, new Activity { Type = ActivityTypes.ConversationUpdate });
            update.MembersAdded = [new ChannelAccount { Id = BotId, Name = BotName }, User(conversation)];
            await adapter.ProcessActivityAsync(update, new Sink(conversation, this), bot, cancellationToken);
        }
        finally
        {
            conversation.TurnGate.Release();
        }
    }

    /// <summary>Takes an activity a client posted: echoes it, runs the bot's turn, returns the id it got.</summary>
    public async Task<string> PostAsync(DirectLineConversation conversation, Activity posted, string serviceUrl, CancellationToken cancellationToken)
    {
        var activity = Incoming(conversation, serviceUrl, posted);
        // Direct Line echoes the user's own activity: Web Chat marks a message sent when it sees it.
        conversation.Append(activity);
        if (activity.Type == ActivityTypes.Typing)
        {
            return activity.Id!;
        }

        await conversation.TurnGate.WaitAsync(cancellationToken);
        try
        {
            var sink = new Sink(conversation, this);
            var value = activity.Value as JsonObject;
            if (value?[ExecuteKey] is JsonObject execute)
            {
                await ExecuteAsync(conversation, activity, value, execute, sink, cancellationToken);
            }
            else if (value?["msteams"]?["type"]?.GetValue<string>() == "task/fetch")
            {
                await RunDialogAsync(conversation, activity, value, "task/fetch", null, sink, cancellationToken);
            }
            else if (value?[AdaptiveCardBuilder.DialogDataKey] is JsonValue && value[DialogMessageKey] is JsonValue dialogMessage)
            {
                await RunDialogAsync(conversation, activity, value, "task/submit", dialogMessage.GetValue<string>(), sink, cancellationToken);
            }
            else
            {
                await adapter.ProcessActivityAsync(activity, sink, bot, cancellationToken);
            }
        }
        finally
        {
            conversation.TurnGate.Release();
        }

        return activity.Id!;
    }

    private async Task ExecuteAsync(DirectLineConversation conversation, Activity pressed, JsonObject value, JsonObject execute, Sink sink, CancellationToken cancellationToken)
    {
        var messageId = execute["activityId"]?.GetValue<string>();
        var data = value.DeepClone().AsObject();
        data.Remove(ExecuteKey);
        var invoke = AsInvoke(pressed, "adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = execute["verb"]?.DeepClone(), ["data"] = data },
            ["trigger"] = "manual",
        }, messageId);
        var response = await adapter.ProcessActivityAsync(invoke, sink, bot, cancellationToken);
        var body = response?.Body as JsonObject;
        var type = body?["type"]?.GetValue<string>();
        if (type == CardContentType && body!["value"] is JsonObject card && messageId is not null && !sink.Updated.Contains(messageId))
        {
            // The bot did not update the message itself (as the Teams handler does for everyone): show the new card.
            ReplaceCard(conversation, messageId, execute["attachment"]?.GetValue<int>() ?? 0, card);
        }
        else if (body?["value"] is JsonValue text && type == "application/vnd.microsoft.activity.message")
        {
            await sink.SendAsync(new Activity { Type = ActivityTypes.Message, Text = text.ToString(), ReplyToId = messageId }, cancellationToken);
        }
        else if (body?["value"]?["message"] is JsonValue error)
        {
            await sink.SendAsync(new Activity { Type = ActivityTypes.Message, Text = error.ToString(), ReplyToId = messageId }, cancellationToken);
        }
    }

    private async Task RunDialogAsync(DirectLineConversation conversation, Activity pressed, JsonObject value, string name, string? dialogMessageId, Sink sink, CancellationToken cancellationToken)
    {
        var data = value.DeepClone().AsObject();
        data.Remove(DialogMessageKey);
        var invoke = AsInvoke(pressed, name, new JsonObject { ["data"] = data, ["context"] = new JsonObject { ["theme"] = "default" } }, dialogMessageId);
        var response = await adapter.ProcessActivityAsync(invoke, sink, bot, cancellationToken);
        var task = response?.Body?["task"] as JsonObject;
        var kind = task?["type"]?.GetValue<string>();
        if (kind == "continue" && task!["value"]?["card"]?["content"] is JsonObject card)
        {
            var title = task["value"]?["title"]?.GetValue<string>() ?? "";
            if (dialogMessageId is not null)
            {
                ReplaceCard(conversation, dialogMessageId, 0, card, title);
            }
            else
            {
                var shown = new Activity { Type = ActivityTypes.Message, Text = title, TextFormat = "markdown", Attachments = [Attachment.AdaptiveCard(card)] };
                await sink.SendAsync(shown, cancellationToken);
            }
        }
        else if (kind == "message")
        {
            await sink.SendAsync(new Activity { Type = ActivityTypes.Message, Text = task!["value"]?.ToString() }, cancellationToken);
        }
        else if (dialogMessageId is not null && response?.Status == 200)
        {
            // Teams closes the dialog; here its card stays in the transcript, so replace it with a note.
            var closed = conversation.Find(dialogMessageId);
            if (closed is not null)
            {
                closed["attachments"] = new JsonArray();
                closed["text"] = $"✓ Sent: {closed["text"]?.GetValue<string>() ?? "form"}";
                conversation.Append(closed.Deserialize<Activity>(BotJson.Options)!);
            }
        }
    }

    private void ReplaceCard(DirectLineConversation conversation, string messageId, int attachmentIndex, JsonObject card, string? text = null)
    {
        var current = conversation.Find(messageId)?.Deserialize<Activity>(BotJson.Options);
        if (current is null)
        {
            logger.LogWarning("No Direct Line message {ActivityId} to put the updated card in", messageId);
            return;
        }

        var attachments = current.Attachments ?? [];
        var index = Math.Clamp(attachmentIndex, 0, Math.Max(attachments.Count - 1, 0));
        if (attachments.Count == 0)
        {
            attachments.Add(Attachment.AdaptiveCard(card));
        }
        else
        {
            attachments[index] = Attachment.AdaptiveCard(card);
        }

        current.Attachments = attachments;
        current.Text = text ?? current.Text;
        Store(conversation, current);
    }

    /// <summary>Stores a bot activity for the client: addressed, with Teams-only actions made pressable in Web Chat.</summary>
    private void Store(DirectLineConversation conversation, Activity activity)
    {
        activity.Id ??= conversation.NextActivityId();
        activity.Timestamp ??= time.GetUtcNow();
        activity.ChannelId = ChannelId;
        activity.From = new ChannelAccount { Id = BotId, Name = BotName, Role = "bot" };
        activity.Recipient = User(conversation);
        activity.Conversation = new ConversationAccount { Id = conversation.Id };
        if (activity.Attachments is { } attachments)
        {
            for (var i = 0; i < attachments.Count; i++)
            {
                if (attachments[i].ContentType == CardContentType && attachments[i].Content is JsonObject card)
                {
                    attachments[i] = Attachment.AdaptiveCard(ForWebChat(card, activity.Id, i));
                }
            }
        }

        conversation.Append(activity);
    }

    /// <summary>Action.Execute → Action.Submit that names the verb and the card; dialog buttons name their message.</summary>
    private static JsonObject ForWebChat(JsonObject card, string activityId, int attachmentIndex)
    {
        var copy = card.DeepClone().AsObject();
        foreach (var action in Descendants(copy).ToList())
        {
            var type = action["type"]?.GetValue<string>();
            if (type == "Action.Execute")
            {
                var data = action["data"] as JsonObject ?? [];
                data[ExecuteKey] = new JsonObject { ["verb"] = action["verb"]?.DeepClone(), ["activityId"] = activityId, ["attachment"] = attachmentIndex };
                action.Remove("verb");
                action["type"] = "Action.Submit";
                action["data"] = data;
            }
            else if (type == "Action.Submit" && action["data"] is JsonObject data
                     && data[AdaptiveCardBuilder.DialogDataKey] is not null && data["msteams"] is null)
            {
                data[DialogMessageKey] = activityId;
            }
        }

        return copy;
    }

    private static IEnumerable<JsonObject> Descendants(JsonNode? node)
    {
        if (node is JsonObject obj)
        {
            yield return obj;
            foreach (var (_, child) in obj)
            {
                foreach (var d in Descendants(child))
                {
                    yield return d;
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                foreach (var d in Descendants(item))
                {
                    yield return d;
                }
            }
        }
    }

    /// <summary>The posted activity as the bot sees it: addressing, ids and the user come from this channel and the token.</summary>
    private Activity Incoming(DirectLineConversation conversation, string serviceUrl, Activity posted) => new()
    {
        Type = posted.Type,
        Id = conversation.NextActivityId(),
        Timestamp = time.GetUtcNow(),
        ChannelId = ChannelId,
        ServiceUrl = serviceUrl,
        From = User(conversation),
        Recipient = new ChannelAccount { Id = BotId, Name = BotName, Role = "bot" },
        Conversation = new ConversationAccount { Id = conversation.Id, ConversationType = "personal", IsGroup = false },
        Text = posted.Text,
        TextFormat = posted.TextFormat,
        Attachments = posted.Attachments,
        Entities = posted.Entities,
        ChannelData = posted.ChannelData,
        Value = posted.Value,
        Name = posted.Name,
        Locale = posted.Locale,
    };

    private static Activity AsInvoke(Activity pressed, string name, JsonObject value, string? replyToId) => new()
    {
        Type = ActivityTypes.Invoke,
        Name = name,
        Id = pressed.Id,
        Timestamp = pressed.Timestamp,
        ChannelId = pressed.ChannelId,
        ServiceUrl = pressed.ServiceUrl,
        From = pressed.From,
        Recipient = pressed.Recipient,
        Conversation = pressed.Conversation,
        Locale = pressed.Locale,
        ReplyToId = replyToId,
        Value = value,
    };

    private static ChannelAccount User(DirectLineConversation conversation) => new() { Id = conversation.UserId, Name = conversation.UserName, Role = "user" };

    /// <summary>The bot's sends, updates and deletes, kept in the conversation's history.</summary>
    private sealed class Sink(DirectLineConversation conversation, DirectLineChannel channel) : IActivitySink
    {
        /// <summary>Messages the bot updated in this turn.</summary>
        public HashSet<string> Updated { get; } = [];

        public Task<ResourceResponse> SendAsync(Activity activity, CancellationToken cancellationToken)
        {
            activity.Id = null;
            channel.Store(conversation, activity);
            return Task.FromResult(new ResourceResponse { Id = activity.Id });
        }

        public Task<ResourceResponse> UpdateAsync(Activity activity, CancellationToken cancellationToken)
        {
            var original = conversation.Find(activity.Id!);
            if (original is null)
            {
                throw new InvalidOperationException($"There is no activity {activity.Id} in this conversation to update.");
            }

            // Keep the original time, so the client keeps the message where it was.
            activity.Timestamp = original["timestamp"]?.Deserialize<DateTimeOffset>(BotJson.Options);
            channel.Store(conversation, activity);
            Updated.Add(activity.Id!);
            return Task.FromResult(new ResourceResponse { Id = activity.Id });
        }

        public Task DeleteAsync(string activityId, CancellationToken cancellationToken)
        {
            var original = conversation.Find(activityId);
            if (original is not null)
            {
                original["type"] = ActivityTypes.MessageDelete;
                conversation.Append(original.Deserialize<Activity>(BotJson.Options)!);
            }

            return Task.CompletedTask;
        }
    }
}
