using System.Text.Json.Nodes;
using BotFramework.Schema;
using Microsoft.Extensions.Logging;
using PartnerAssistant.Cards;

namespace PartnerAssistant.Conversation;

/// <summary>
/// A dialog: a card shown over the conversation (a Teams task module), e.g. the deal registration
/// form. A card opens it with <see cref="AdaptiveCardBuilder.OpenDialog"/>; Teams then sends
/// <c>task/fetch</c>, and <c>task/submit</c> when the user submits the dialog's card. Register with
/// <c>services.AddSingleton&lt;IDialogProvider, ...&gt;()</c>.
/// </summary>
public interface IDialogProvider
{
    /// <summary>The id cards use to open it (e.g. <c>deals.register</c>).</summary>
    string DialogId { get; }

    /// <summary>The first step: usually the form card. <paramref name="data"/> is the opening action's data.</summary>
    Task<DialogStep> OpenAsync(AssistantTurn turn, JsonObject data, CancellationToken cancellationToken);

    /// <summary>The user submitted the dialog's card: <paramref name="data"/> holds its inputs and the action's data.</summary>
    Task<DialogStep> SubmitAsync(AssistantTurn turn, JsonObject data, CancellationToken cancellationToken);
}

/// <summary>What a dialog does next: show a card, show a short message, or close (optionally posting a reply).</summary>
public sealed record DialogStep
{
    public string? Title { get; init; }
    public JsonObject? Card { get; init; }
    public string? Message { get; init; }

    /// <summary>Posted into the conversation when the dialog closes (e.g. "DR-1042 registered").</summary>
    public AssistantReply? Reply { get; init; }

    /// <summary>Task module size: <c>small</c>, <c>medium</c>, <c>large</c> (or pixels). Default medium × large.</summary>
    public string Width { get; init; } = "medium";
    public string Height { get; init; } = "large";

    public static DialogStep ShowCard(string title, JsonObject card) => new() { Title = title, Card = card };

    public static DialogStep ShowMessage(string message) => new() { Message = message };

    public static DialogStep Close(AssistantReply? reply = null) => new() { Reply = reply };
}

/// <summary>Finds dialogs by id and turns their steps into Teams' task module responses.</summary>
public sealed class DialogRouter(IEnumerable<IDialogProvider> providers, ILogger<DialogRouter> logger)
{
    private readonly Dictionary<string, IDialogProvider> _providers = providers.ToDictionary(p => p.DialogId, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> DialogIds => _providers.Keys;

    public async Task<InvokeResponse> RunAsync(AssistantTurn turn, bool submit, CancellationToken cancellationToken)
    {
        var value = turn.Activity.Value;
        if (value is not (null or JsonObject) || value.Field("data") is not (null or JsonObject) || value.Field("data").IsNotText(AdaptiveCardBuilder.DialogDataKey))
        {
            return InvokeResponse.BadRequest($"A {(submit ? "task/submit" : "task/fetch")} value is an object whose 'data' is an object naming the dialog as text.");
        }

        var data = value.Field("data") as JsonObject ?? [];
        var dialogId = data.Field(AdaptiveCardBuilder.DialogDataKey).Text();
        if (dialogId is null || !_providers.TryGetValue(dialogId, out var provider))
        {
            logger.LogWarning("No dialog {DialogId} for a {Kind}", dialogId, submit ? "task/submit" : "task/fetch");
            return Message("Sorry, that form isn't available.");
        }

        var arguments = data.DeepClone().AsObject();
        arguments.Remove("msteams");
        var step = submit
            ? await provider.SubmitAsync(turn, arguments, cancellationToken)
            : await provider.OpenAsync(turn, arguments, cancellationToken);

        if (step.Card is { } card)
        {
            return new InvokeResponse(200, new JsonObject
            {
                ["task"] = new JsonObject
                {
                    ["type"] = "continue",
                    ["value"] = new JsonObject
                    {
                        ["title"] = step.Title ?? "",
                        ["width"] = step.Width,
                        ["height"] = step.Height,
                        ["card"] = new JsonObject { ["contentType"] = Attachment.AdaptiveCardContentType, ["content"] = MarkSubmits(card, provider.DialogId) },
                    },
                },
            });
        }

        if (step.Message is { } message)
        {
            return Message(message);
        }

        if (step.Reply is { } reply)
        {
            await turn.Context.SendActivityAsync(AssistantBot.ToActivity(reply), cancellationToken);
        }

        // 200 with no body closes the task module.
        return new InvokeResponse(200);
    }

    /// <summary>The dialog's own Action.Submit buttons carry its id, so the submit finds its way back.</summary>
    private static JsonObject MarkSubmits(JsonObject card, string dialogId)
    {
        var copy = card.DeepClone().AsObject();
        foreach (var action in Descendants(copy).Where(o => o.Field("type").Text() == "Action.Submit").ToList())
        {
            var data = action["data"] as JsonObject ?? [];
            data[AdaptiveCardBuilder.DialogDataKey] ??= dialogId;
            action["data"] = data;
        }

        return copy;
    }

    private static IEnumerable<JsonObject> Descendants(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                yield return obj;
                foreach (var (_, child) in obj)
                {
                    foreach (var descendant in Descendants(child))
                    {
                        yield return descendant;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var descendant in Descendants(item))
                    {
                        yield return descendant;
                    }
                }

                break;
        }
    }

    private static InvokeResponse Message(string text) =>
        new(200, new JsonObject { ["task"] = new JsonObject { ["type"] = "message", ["value"] = text } });
}

/// <summary><c>task/fetch</c>: opens a dialog (a Teams task module).</summary>
public sealed class TaskFetchHandler(DialogRouter dialogs) : IInvokeHandler
{
    public string Name => "task/fetch";

    public Task<InvokeResponse> HandleAsync(AssistantTurn turn, AssistantBot bot, CancellationToken cancellationToken) =>
        dialogs.RunAsync(turn, submit: false, cancellationToken);

    public InvokeResponse NotRegistered(Activity activity) => TaskMessages.NotRegistered;
}

/// <summary><c>task/submit</c>: the user submitted a dialog's card.</summary>
public sealed class TaskSubmitHandler(DialogRouter dialogs) : IInvokeHandler
{
    public string Name => "task/submit";

    public Task<InvokeResponse> HandleAsync(AssistantTurn turn, AssistantBot bot, CancellationToken cancellationToken) =>
        dialogs.RunAsync(turn, submit: true, cancellationToken);

    public InvokeResponse NotRegistered(Activity activity) => TaskMessages.NotRegistered;
}

internal static class TaskMessages
{
    public static InvokeResponse NotRegistered => new(200, new JsonObject
    {
        ["task"] = new JsonObject { ["type"] = "message", ["value"] = "You are not registered with the Northbeam Partner Network assistant." },
    });
}
