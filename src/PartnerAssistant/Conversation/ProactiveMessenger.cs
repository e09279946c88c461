using BotFramework.Adapter;
using BotFramework.Connector;
using BotFramework.Schema;
using Microsoft.Extensions.Logging;

namespace PartnerAssistant.Conversation;

/// <summary>Sends a message to a person outside a turn: approvals, reminders, long-running results.</summary>
public interface IProactiveMessenger
{
    /// <summary>True when the message was delivered; false when the person has never talked to the bot
    /// in a channel that lets it reach them.</summary>
    Task<bool> SendToPersonAsync(string personId, AssistantReply reply, CancellationToken cancellationToken);
}

/// <summary>
/// Uses the person's stored 1:1 conversation (Teams keeps one per user and bot), else opens one
/// through the Bot Connector with the serviceUrl and tenant of their other conversations.
/// </summary>
public sealed class ProactiveMessenger(BotAdapter adapter, ConversationStore store, ILogger<ProactiveMessenger> logger) : IProactiveMessenger
{
    public async Task<bool> SendToPersonAsync(string personId, AssistantReply reply, CancellationToken cancellationToken)
    {
        var references = await store.FindReferencesAsync(personId, cancellationToken);
        var personal = references.FirstOrDefault(r => r.ConversationType == "personal");
        try
        {
            if (personal is not null)
            {
                await adapter.ContinueConversationAsync(personal.Reference, (turn, ct) => turn.SendActivityAsync(AssistantBot.ToActivity(reply), ct), cancellationToken);
                return true;
            }

            var any = references.FirstOrDefault();
            if (any?.Reference.ServiceUrl is { } serviceUrl && any.Reference.User is { } user && any.Reference.Bot is { } bot)
            {
                var parameters = new ConversationParameters
                {
                    Bot = bot,
                    Members = [new ChannelAccount { Id = user.Id, Name = user.Name, AadObjectId = user.AadObjectId }],
                    TenantId = any.TenantId,
                    ChannelData = any.TenantId is null ? null : new System.Text.Json.Nodes.JsonObject { ["tenant"] = new System.Text.Json.Nodes.JsonObject { ["id"] = any.TenantId } },
                };
                await adapter.CreateConversationAsync(any.Reference.ChannelId ?? "msteams", serviceUrl, parameters,
                    (turn, ct) => turn.SendActivityAsync(AssistantBot.ToActivity(reply), ct), cancellationToken);
                return true;
            }
        }
        catch (ConnectorException ex)
        {
            logger.LogWarning(ex, "Could not deliver a proactive message to {PersonId}", personId);
            return false;
        }

        // Common and expected (most demo people never chatted): not worth an information line each time.
        logger.LogDebug("No conversation to reach {PersonId} yet; the message is not delivered", personId);
        return false;
    }
}
