using System.Text.Json.Nodes;
using BotFramework.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace PartnerAssistant.Conversation;

/// <summary>
/// Universal Actions (<c>Action.Execute</c>): Teams sends an <c>adaptiveCard/action</c> invoke whose verb
/// names the intent; the card in the function's reply replaces the card for everyone who sees it.
/// Teams shows the invoke response only to the person who pressed the button, so the message that
/// carried the card (the invoke's <c>replyToId</c>) is also updated, for everyone else in the chat.
/// </summary>
public sealed class AdaptiveCardActionHandler(ILogger<AdaptiveCardActionHandler> logger) : IInvokeHandler
{
    public string Name => "adaptiveCard/action";

    public async Task<InvokeResponse> HandleAsync(AssistantTurn turn, AssistantBot bot, CancellationToken cancellationToken)
    {
        // Universal Actions report a bad request in the response body (HTTP 200), so Teams shows the reason.
        if (turn.Activity.Value.Field("action") is not JsonObject action)
        {
            return Error(400, "BadRequest", "The invoke's value has no 'action' object.");
        }

        if (action.Field("verb").Text() is not { Length: > 0 } verb)
        {
            return Error(400, "BadRequest", "The card action has no verb.");
        }

        if (action["data"] is not (null or JsonObject))
        {
            return Error(400, "BadRequest", "The card action's 'data' must be an object.");
        }

        var data = action["data"] as JsonObject ?? [];
        var reply = await bot.RunIntentAsync(turn, verb, new KernelArguments { ["utterance"] = "", ["value"] = data.ToJsonString() }, cancellationToken);
        if (reply.Cards.Count > 0 && turn.Activity.ReplyToId is { Length: > 0 } cardMessageId)
        {
            await UpdateForEveryoneAsync(turn, cardMessageId, reply, cancellationToken);
        }

        var body = reply.Cards.Count > 0
            ? new JsonObject { ["statusCode"] = 200, ["type"] = Attachment.AdaptiveCardContentType, ["value"] = reply.Cards[0].DeepClone() }
            : new JsonObject { ["statusCode"] = 200, ["type"] = "application/vnd.microsoft.activity.message", ["value"] = reply.Text };
        return new InvokeResponse(200, body);
    }

    private async Task UpdateForEveryoneAsync(AssistantTurn turn, string cardMessageId, AssistantReply reply, CancellationToken cancellationToken)
    {
        // The card alone, as in the invoke response: the message's other content is not the action's to
        // change, and Teams clients refuse an update that would turn one message into several.
        var update = new Activity { Type = ActivityTypes.Message, Id = cardMessageId, Attachments = [Attachment.AdaptiveCard(reply.Cards[0])] };
        try
        {
            await turn.Context.UpdateActivityAsync(update, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The person who pressed the button still gets the new card from the invoke response.
            logger.LogWarning(ex, "Could not update card message {ActivityId} for the other members", cardMessageId);
        }
    }

    public InvokeResponse NotRegistered(Activity activity) =>
        Error(403, "Forbidden", "You are not registered with the Northbeam Partner Network assistant.");

    private static InvokeResponse Error(int status, string code, string message) =>
        new(200, new JsonObject
        {
            ["statusCode"] = status,
            ["type"] = "application/vnd.microsoft.error",
            ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
        });
}
