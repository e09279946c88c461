using System.Text.Json.Nodes;

namespace PartnerAssistant.Conversation;

/// <summary>What the assistant remembers about one conversation between turns. Writes waiting for a
/// yes are not here: they belong to one person each (<see cref="PendingConfirmationStore"/>).</summary>
public sealed class ConversationState
{
    /// <summary>A question the assistant asked because it was unsure what the user meant.</summary>
    public PendingClarification? Clarification { get; set; }

    /// <summary>Values plugins keep between turns, each under its own key (e.g. <c>deals.draft</c>).</summary>
    public Dictionary<string, JsonNode?> Values { get; set; } = [];

    public bool IsEmpty => Clarification is null && Values.Count == 0;
}

/// <summary>The utterance the assistant was unsure about and the intents it offered.</summary>
public sealed record PendingClarification(string Utterance, IReadOnlyList<string> Intents, DateTimeOffset AskedAt);

/// <summary>
/// A function to run once the user says yes, with exactly the arguments it will run with. The plugin that
/// proposes the write also says, in <see cref="Facts"/>, every field it will write, in words, from those same
/// arguments: the confirmation card shows them (and nothing a language model wrote). <c>AskedAt</c> is unused
/// (the store keeps the time) and stays for the plugins that pass <c>default</c>.
/// </summary>
public sealed record PendingConfirmation(string Intent, Dictionary<string, string?> Arguments, string Summary, DateTimeOffset AskedAt)
{
    /// <summary>What will be written, field by field ("Amount" → "100.00 USD"). Empty: the card lists the arguments.</summary>
    public IReadOnlyList<ConfirmationFact> Facts { get; init; } = [];
}

/// <summary>One field a confirmed write sets, as the person reads it on the card; a blank value reads "(none)".</summary>
public sealed record ConfirmationFact
{
    public ConfirmationFact(string label, string? value)
    {
        Label = label;
        Value = string.IsNullOrWhiteSpace(value) ? "(none)" : value;
    }

    public string Label { get; init; }

    public string Value { get; init; }
}
