using System.Text.Json.Nodes;

namespace PartnerAssistant.Conversation;

/// <summary>What the assistant remembers about one conversation between turns.</summary>
public sealed class ConversationState
{
    /// <summary>A question the assistant asked because it was unsure what the user meant.</summary>
    public PendingClarification? Clarification { get; set; }

    /// <summary>A write action waiting for the user to confirm it.</summary>
    public PendingConfirmation? Confirmation { get; set; }

    /// <summary>Values plugins keep between turns, each under its own key (e.g. <c>deals.draft</c>).</summary>
    public Dictionary<string, JsonNode?> Values { get; set; } = [];

    public bool IsEmpty => Clarification is null && Confirmation is null && Values.Count == 0;
}

/// <summary>The utterance the assistant was unsure about and the intents it offered.</summary>
public sealed record PendingClarification(string Utterance, IReadOnlyList<string> Intents, DateTimeOffset AskedAt);

/// <summary>A function to run once the user says yes, with its arguments.</summary>
public sealed record PendingConfirmation(string Intent, Dictionary<string, string?> Arguments, string Summary, DateTimeOffset AskedAt);
