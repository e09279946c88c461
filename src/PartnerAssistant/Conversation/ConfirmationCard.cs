using System.Text.Json.Nodes;
using Microsoft.SemanticKernel;
using PartnerAssistant.Cards;

namespace PartnerAssistant.Conversation;

/// <summary>
/// The Yes/No card of a stored confirmation. Everything on it comes from the stored row — the plugin's summary and
/// the fields the write will set, from the very arguments that run on yes — never from a language model's text.
/// Its buttons carry the confirmation's id, so a press answers that card and nothing else.
/// </summary>
public static class ConfirmationCard
{
    public static JsonObject Build(StoredConfirmation confirmation, string askedBy) =>
        AdaptiveCardBuilder.Create()
            .Text($"Please confirm: {SafeMarkdown.PlainText(confirmation.Summary)}", weight: "Bolder")
            .Facts(confirmation.Facts.Select(f => (f.Label, SafeMarkdown.PlainText(f.Value))))
            .Text($"Asked by {askedBy}. Nothing is changed until they press Yes.", subtle: true, size: "Small")
            .Submit("Yes, go ahead", AssistantBot.ConfirmIntent, Answer(confirmation.Id, "yes"), style: "positive")
            .Submit("No, cancel", AssistantBot.ConfirmIntent, Answer(confirmation.Id, "no"))
            .Build();

    private static JsonObject Answer(string id, string answer) => new() { ["answer"] = answer, ["confirmationId"] = id };

    /// <summary>
    /// The fields of a write whose plugin listed none: every argument it will run with, under the parameter's
    /// description (or its name), so nothing that will be written is left off the card.
    /// </summary>
    public static IReadOnlyList<ConfirmationFact> FromArguments(KernelFunction? function, IReadOnlyDictionary<string, string?> arguments)
    {
        var described = function?.Metadata.Parameters.ToDictionary(p => p.Name, p => p.Description, StringComparer.OrdinalIgnoreCase)
            ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        return arguments
            .Where(kv => !string.IsNullOrWhiteSpace(kv.Value) && kv.Key is not "utterance")
            .Select(kv => new ConfirmationFact(
                described.TryGetValue(kv.Key, out var description) && description.Length is > 0 and <= 60 ? description : Words(kv.Key),
                kv.Value!))
            .ToList();
    }

    // "registrationId" → "Registration id"
    private static string Words(string name)
    {
        var text = new System.Text.StringBuilder();
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(text.Length == 0 ? char.ToUpperInvariant(c) : c);
            }
        }

        return text.ToString();
    }
}
