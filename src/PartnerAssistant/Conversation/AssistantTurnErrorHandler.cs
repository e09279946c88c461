using BotFramework.Adapter;
using BotFramework.Schema;
using Microsoft.Extensions.Logging;

namespace PartnerAssistant.Conversation;

/// <summary>
/// When a turn throws: a short apology quoting the correlation id, and the conversation's state
/// cleared so a half-finished exchange cannot make the next turn fail the same way.
/// </summary>
public sealed class AssistantTurnErrorHandler(ConversationStore store, ILogger<AssistantTurnErrorHandler> logger) : ITurnErrorHandler
{
    public async Task OnTurnErrorAsync(ITurnContext turn, Exception exception, string correlationId, CancellationToken cancellationToken)
    {
        if (turn.Activity.Type is ActivityTypes.Message)
        {
            await turn.SendTextAsync(
                $"Sorry, something went wrong on my side and I couldn't finish that. Please try again; if it keeps happening, quote reference {correlationId}.",
                cancellationToken);
        }

        if (turn.Activity.Conversation?.Id is not null)
        {
            try
            {
                await store.ResetConversationAsync(AssistantTurn.KeyOf(turn.Activity), cancellationToken);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Could not reset conversation state after failed turn {CorrelationId}", correlationId);
            }
        }
    }
}
