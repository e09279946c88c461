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
public sealed class DirectLineChannel(BotAdapter adapter, IBot bot, DirectLineConversations conversations, DirectLineTranscript transcript, TimeProvider time)
{
    public const string ChannelId = "directline";
    public const string BotId = "partner-assistant";
    public const string BotName = "Partner Assistant";

    /// <summary>Data key of a rewritten Action.Execute: the verb, and the message and attachment holding the card.</summary>
    public const string ExecuteKey = "directline.execute";

    /// <summary>Data key on a dialog card's buttons: the message that shows the dialog.</summary>
    public const string DialogMessageKey = "directline.dialogMessage";

    private const string CardContentType = "application/vnd.microsoft.card.adaptive";

    /// <summary>
    /// One turn at a time per conversation in this process, as a person types one message after another
    /// (turns share conversation state). A fixed set of gates picked by the conversation's id: bounded, and
    /// nothing to forget when a conversation ends. Across hosts turns are not ordered, as in Teams.
    /// </summary>
    private readonly SemaphoreSlim[] _turnGates = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    private SemaphoreSlim TurnGate(DirectLineConversation conversation) =>
        _turnGates[(int)((uint)StringComparer.Ordinal.GetHashCode(conversation.Id) % (uint)_turnGates.Length)];

    /// <summary>Sends the bot the conversationUpdate of a new conversation, so it greets the user; a resumed one is not greeted again.</summary>
    public async Task StartAsync(DirectLineConversation conversation, string serviceUrl, CancellationToken cancellationToken)
    {
        if (conversation.Started || !await conversations.TryStartAsync(conversation.Id, cancellationToken))
        {
            return;
        }

        var gate = TurnGate(conversation);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var update = Incoming(conversation, serviceUrl, new Activity { Type = ActivityTypes.ConversationUpdate });
            update.Id = $"{conversation.Id}|start";
            update.MembersAdded = [new ChannelAccount { Id = BotId, Name = BotName }, User(conversation)];
            await adapter.ProcessActivityAsync(update, transcript.SinkFor(conversation), bot, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Takes an activity a client posted: echoes it, runs the bot's turn, returns the id it got.</summary>
    public async Task<string> PostAsync(DirectLineConversation conversation, Activity posted, string serviceUrl, CancellationToken cancellationToken)
    {
        var activity = Incoming(conversation, serviceUrl, posted);
        // Direct Line echoes the user's own activity: Web Chat marks a message sent when it sees it.
        await conversations.AppendAsync(conversation.Id, activity, cancellationToken);
        if (activity.Type == ActivityTypes.Typing)
        {
            return activity.Id!;
        }

        var gate = TurnGate(conversation);
        await gate.WaitAsync(cancellationToken);
        try
        {
            var sink = transcript.SinkFor(conversation);
            var value = activity.Value as JsonObject;
            if (value?[ExecuteKey] is JsonObject execute)
            {
                await ExecuteAsync(conversation, activity, value, execute, sink, cancellationToken);
            }
            else if (value is not null && value.Field("msteams").Field("type").Text() == "task/fetch")
            {
                await RunDialogAsync(conversation, activity, value, "task/fetch", null, sink, cancellationToken);
            }
            else if (value is not null && value.Field(AdaptiveCardBuilder.DialogDataKey) is JsonValue && value.Field(DialogMessageKey).Text() is { } dialogMessage)
            {
                await RunDialogAsync(conversation, activity, value, "task/submit", dialogMessage, sink, cancellationToken);
            }
            else
            {
                await adapter.ProcessActivityAsync(activity, sink, bot, cancellationToken);
            }
        }
        finally
        {
            gate.Release();
        }

        return activity.Id!;
    }

    private async Task ExecuteAsync(DirectLineConversation conversation, Activity pressed, JsonObject value, JsonObject execute, DirectLineTranscript.Sink sink, CancellationToken cancellationToken)
    {
        var messageId = execute.Field("activityId").Text();
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
            await transcript.ReplaceCardAsync(conversation, messageId, execute.Field("attachment").Integer() ?? 0, card, null, cancellationToken);
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

    private async Task RunDialogAsync(DirectLineConversation conversation, Activity pressed, JsonObject value, string name, string? dialogMessageId, DirectLineTranscript.Sink sink, CancellationToken cancellationToken)
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
                await transcript.ReplaceCardAsync(conversation, dialogMessageId, 0, card, title, cancellationToken);
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
            var closed = await conversations.FindActivityAsync(conversation.Id, dialogMessageId, cancellationToken);
            if (closed is not null)
            {
                closed["attachments"] = new JsonArray();
                closed["text"] = $"✓ Sent: {closed["text"]?.GetValue<string>() ?? "form"}";
                await conversations.AppendAsync(conversation.Id, closed.Deserialize<Activity>(BotJson.Options)!, cancellationToken);
            }
        }
    }

    /// <summary>The posted activity as the bot sees it: addressing, ids and the user come from this channel and the token.</summary>
    private Activity Incoming(DirectLineConversation conversation, string serviceUrl, Activity posted) => new()
    {
        Type = posted.Type,
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

    internal static ChannelAccount User(DirectLineConversation conversation) => new() { Id = conversation.UserId, Name = conversation.UserName, Role = "user" };
}
