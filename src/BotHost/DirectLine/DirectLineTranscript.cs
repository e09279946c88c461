using System.Text.Json;
using System.Text.Json.Nodes;
using BotFramework.Adapter;
using BotFramework.Schema;
using PartnerAssistant.Cards;

namespace BotHost.DirectLine;

/// <summary>
/// Keeps what the bot sends into a Direct Line conversation, addressed for the client and with
/// Teams-only card actions made pressable in Web Chat. Both the channel's turns and proactive
/// messages (see <see cref="DirectLineInProcessChannel"/>) write through it.
/// </summary>
public sealed class DirectLineTranscript(DirectLineConversations conversations, TimeProvider time, ILogger<DirectLineTranscript> logger)
{
    public Sink SinkFor(DirectLineConversation conversation) => new(conversation, this);

    private DirectLineConversations Conversations => conversations;

    public async Task ReplaceCardAsync(DirectLineConversation conversation, string messageId, int attachmentIndex, JsonObject card, string? text, CancellationToken cancellationToken)
    {
        var current = (await conversations.FindActivityAsync(conversation.Id, messageId, cancellationToken))?.Deserialize<Activity>(BotJson.Options);
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
        await StoreAsync(conversation, current, cancellationToken);
    }

    /// <summary>Stores a bot activity for the client: addressed, with Teams-only actions made pressable in Web Chat.</summary>
    public async Task<string> StoreAsync(DirectLineConversation conversation, Activity activity, CancellationToken cancellationToken)
    {
        activity.Timestamp ??= time.GetUtcNow();
        activity.ChannelId = DirectLineChannel.ChannelId;
        activity.From = new ChannelAccount { Id = DirectLineChannel.BotId, Name = DirectLineChannel.BotName, Role = "bot" };
        activity.Recipient = DirectLineChannel.User(conversation);
        activity.Conversation = new ConversationAccount { Id = conversation.Id };
        // The card's buttons name the message they are on, so they are rewritten once its id is known.
        return await conversations.AppendAsync(conversation.Id, activity, cancellationToken, stored =>
        {
            var attachments = stored.Attachments ?? [];
            for (var i = 0; i < attachments.Count; i++)
            {
                if (attachments[i].ContentType == Attachment.AdaptiveCardContentType && attachments[i].Content is JsonObject card)
                {
                    attachments[i] = Attachment.AdaptiveCard(ForWebChat(card, stored.Id!, i));
                }
            }
        });
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
                data[DirectLineChannel.ExecuteKey] = new JsonObject { ["verb"] = action["verb"]?.DeepClone(), ["activityId"] = activityId, ["attachment"] = attachmentIndex };
                action.Remove("verb");
                action["type"] = "Action.Submit";
                action["data"] = data;
            }
            else if (type == "Action.Submit" && action["data"] is JsonObject data
                     && data[AdaptiveCardBuilder.DialogDataKey] is not null && data["msteams"] is null)
            {
                data[DirectLineChannel.DialogMessageKey] = activityId;
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

    /// <summary>The bot's sends, updates and deletes, kept in the conversation's history.</summary>
    public sealed class Sink(DirectLineConversation conversation, DirectLineTranscript channel) : IActivitySink
    {
        /// <summary>Messages the bot updated in this turn.</summary>
        public HashSet<string> Updated { get; } = [];

        public async Task<ResourceResponse> SendAsync(Activity activity, CancellationToken cancellationToken)
        {
            activity.Id = null;
            return new ResourceResponse { Id = await channel.StoreAsync(conversation, activity, cancellationToken) };
        }

        public async Task<ResourceResponse> UpdateAsync(Activity activity, CancellationToken cancellationToken)
        {
            var original = await channel.Conversations.FindActivityAsync(conversation.Id, activity.Id!, cancellationToken)
                ?? throw new InvalidOperationException($"There is no activity {activity.Id} in this conversation to update.");

            // Keep the original time, so the client keeps the message where it was.
            activity.Timestamp = original["timestamp"]?.Deserialize<DateTimeOffset>(BotJson.Options);
            await channel.StoreAsync(conversation, activity, cancellationToken);
            Updated.Add(activity.Id!);
            return new ResourceResponse { Id = activity.Id };
        }

        public async Task DeleteAsync(string activityId, CancellationToken cancellationToken)
        {
            var original = await channel.Conversations.FindActivityAsync(conversation.Id, activityId, cancellationToken);
            if (original is not null)
            {
                original["type"] = ActivityTypes.MessageDelete;
                await channel.Conversations.AppendAsync(conversation.Id, original.Deserialize<Activity>(BotJson.Options)!, cancellationToken);
            }
        }
    }
}
