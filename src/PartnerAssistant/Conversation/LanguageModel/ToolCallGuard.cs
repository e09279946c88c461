using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;

namespace PartnerAssistant.Conversation.LanguageModel;

/// <summary>
/// The one gate every tool call of the language model passes on its way to a plugin: the caller's role must
/// be allowed the intent, organisation arguments must name the caller's own organisation (partners), functions
/// only the person may run are refused, a write waits for the person's confirmation (one per turn), and each
/// call is logged. The model never sees a plugin's raw reply: it gets the reply's text (and its cards as text),
/// while the cards themselves go to the user. Counting calls — known functions or not — is the tool loop's
/// (<see cref="LanguageModelConversation"/>), since a call of an unknown function never reaches a filter.
/// </summary>
public sealed class ToolCallGuard(IntentCatalog intents, ILogger<ToolCallGuard> logger) : IFunctionInvocationFilter
{
    public const string ConfirmedArgument = "confirmed";
    private const int MaxToolText = 4000;

    // Argument names that say whose data a call is about; a partner's call may only name its own organisation.
    // Arguments that name another partner as a party to the caller's own data (a touch's "partner") are not scopes.
    private static readonly HashSet<string> OrganisationArguments = new(StringComparer.OrdinalIgnoreCase)
    {
        "organisation", "organisationId", "organization", "organizationId", "orgId",
    };

    public async Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        var scope = LanguageModelTurn.Of(context.Kernel);
        if (scope is null)
        {
            // Not the model's call (the router or a card submit): the bot's own path applies.
            await next(context);
            return;
        }

        var caller = context.Kernel.GetCaller();
        var intentId = $"{context.Function.PluginName}.{context.Function.Name}";
        logger.LogInformation("Model asked for {Intent} for {Person} ({Role}) with arguments {Arguments}",
            intentId, caller.Person.Id, caller.Role, string.Join(", ", context.Arguments.Names));

        if (Refusal(context.Function, caller, intentId, context.Arguments) is { } refusal)
        {
            scope.Calls.Add((intentId, "refused: " + refusal));
            logger.LogWarning("Refused the model's call of {Intent} for {Person}: {Reason}", intentId, caller.Person.Id, refusal);
            context.Result = new FunctionResult(context.Function, "Refused: " + refusal);
            return;
        }

        // Only the user's "yes" on the card confirms a write; a model can never pass it.
        context.Arguments.Remove(ConfirmedArgument);
        var write = IsWrite(context.Function);
        if (write && scope.Confirmation is not null)
        {
            scope.Calls.Add((intentId, "refused: second write"));
            context.Result = new FunctionResult(context.Function, "Refused: another change is already waiting for the user's confirmation. Make one change at a time.");
            return;
        }

        if (write && !HasParameter(context.Function, ConfirmedArgument))
        {
            // A write with no preview step of its own: it does not run until the user says yes.
            var intent = intents.ById[intentId];
            var arguments = Strings(context.Arguments);
            scope.Confirmation = new PendingConfirmation(intentId, arguments, Describe(intent, arguments), default)
            {
                Facts = ConfirmationCard.FromArguments(context.Function, arguments),
            };
            scope.ConfirmationText = "Please check what will be written, then confirm or cancel on the card.";
            scope.Calls.Add((intentId, "awaiting confirmation"));
            context.Result = new FunctionResult(context.Function, AwaitingConfirmation(scope.Confirmation.Summary));
            return;
        }

        await next(context);
        var reply = AsReply(context.Result.GetValue<object>());
        var forModel = new StringBuilder();
        if (reply.Confirmation is { } confirmation)
        {
            scope.Confirmation = confirmation;
            scope.ConfirmationText = reply.Text;
            reply = reply with { Confirmation = null };
            forModel.AppendLine(AwaitingConfirmation(confirmation.Summary));
            scope.Calls.Add((intentId, "awaiting confirmation"));
        }
        else
        {
            scope.Calls.Add((intentId, "ran"));
        }

        scope.ToolReplies.Add(reply);
        forModel.Append(ToolText(reply));
        var text = forModel.Length > MaxToolText ? forModel.ToString(0, MaxToolText) + " …" : forModel.ToString();
        foreach (var number in Citations.Numbers(text))
        {
            scope.CitationNumbers.Add(number);
        }

        context.Result = new FunctionResult(context.Result, text);
    }

    private string? Refusal(KernelFunction function, Caller caller, string intentId, KernelArguments arguments)
    {
        if (!intents.ById.TryGetValue(intentId, out var intent))
        {
            return "that function is not available.";
        }

        if (IsPersonOnly(function))
        {
            return "only the user can do that, with the buttons on their own card.";
        }

        if (!intent.AllowsRole(caller.Role))
        {
            return $"that is not available to a {caller.Role.Describe()}.";
        }

        if (caller.Role.IsPartner())
        {
            foreach (var name in arguments.Names.Where(OrganisationArguments.Contains))
            {
                var value = arguments[name]?.ToString();
                if (!string.IsNullOrWhiteSpace(value)
                    && !string.Equals(value.Trim(), caller.OrganisationId, StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(value.Trim(), caller.Organisation.Name, StringComparison.OrdinalIgnoreCase))
                {
                    return $"{caller.Organisation.Name} can only see its own organisation's data.";
                }
            }
        }

        return null;
    }

    /// <summary>A write: marked <see cref="RequiresConfirmationAttribute"/>, or taking the <c>confirmed</c> argument
    /// that the bot passes after the user's yes.</summary>
    public static bool IsWrite(KernelFunction function) =>
        HasParameter(function, ConfirmedArgument)
        || function.UnderlyingMethod?.GetCustomAttribute<RequiresConfirmationAttribute>() is not null;

    /// <summary>A function only the person's own action runs (<see cref="PersonOnlyAttribute"/>): never the model's to call.</summary>
    public static bool IsPersonOnly(KernelFunction function) =>
        function.UnderlyingMethod?.GetCustomAttribute<PersonOnlyAttribute>() is not null;

    private static bool HasParameter(KernelFunction function, string name) =>
        function.Metadata.Parameters.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    private static string AwaitingConfirmation(string summary) =>
        $"Awaiting the user's confirmation: {summary}. Nothing has been changed yet; the user confirms or cancels on the card shown with your answer.";

    private static Dictionary<string, string?> Strings(KernelArguments arguments) =>
        arguments.Where(kv => kv.Key != ConfirmedArgument)
            .ToDictionary(kv => kv.Key, kv => kv.Value switch
            {
                null => null,
                string s => s,
                JsonElement e when e.ValueKind == JsonValueKind.String => e.GetString(),
                var other => other.ToString(),
            });

    private static string Describe(Intent intent, Dictionary<string, string?> arguments)
    {
        var details = arguments.Where(kv => kv.Key is not "utterance" and not "value" && !string.IsNullOrWhiteSpace(kv.Value))
            .Select(kv => $"{kv.Key}: {kv.Value}")
            .ToList();
        var summary = char.ToLowerInvariant(intent.Summary[0]) + intent.Summary[1..];
        return details.Count == 0 ? summary : $"{summary} ({string.Join(", ", details)})";
    }

    private static AssistantReply AsReply(object? value) => value switch
    {
        AssistantReply reply => reply,
        string text => AssistantReply.Say(text),
        null => AssistantReply.Say("Done."),
        var other => AssistantReply.Say(other.ToString() ?? "Done."),
    };

    /// <summary>What the model reads of a reply: its text and the words on its cards.</summary>
    public static string ToolText(AssistantReply reply)
    {
        var text = new StringBuilder(reply.Text);
        foreach (var card in reply.Cards)
        {
            text.AppendLine().AppendLine("[Card shown to the user]");
            AppendCardText(card, text);
        }

        return text.ToString().Trim();
    }

    private static void AppendCardText(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case JsonObject obj:
                var type = obj["type"]?.GetValueKind() == JsonValueKind.String ? obj["type"]!.GetValue<string>() : null;
                if (type == "TextBlock" && obj["text"]?.GetValueKind() == JsonValueKind.String)
                {
                    text.AppendLine(obj["text"]!.GetValue<string>());
                }
                else if (type == "Fact" || (obj["title"] is not null && obj["value"]?.GetValueKind() == JsonValueKind.String && type is null))
                {
                    text.Append(obj["title"]?.ToString()).Append(": ").AppendLine(obj["value"]!.GetValue<string>());
                }

                foreach (var (key, child) in obj)
                {
                    // Card data (submit payloads) is for the bot, not for the model.
                    if (key is not "data" and not "selectAction")
                    {
                        AppendCardText(child, text);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    AppendCardText(child, text);
                }

                break;
        }
    }
}
