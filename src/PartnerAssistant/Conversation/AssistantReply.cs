using System.Text.Json.Nodes;

namespace PartnerAssistant.Conversation;

/// <summary>
/// What a plugin function answers: text for the user (Markdown, as Teams renders it), optional
/// Adaptive Cards, suggested replies, and optionally a write action that waits for a "yes".
/// </summary>
public sealed record AssistantReply(string Text)
{
    public IReadOnlyList<JsonObject> Cards { get; init; } = [];

    /// <summary>Short replies offered as buttons under the message.</summary>
    public IReadOnlyList<string> Suggestions { get; init; } = [];

    /// <summary>Set when the reply asks the user to confirm a write before it is committed.</summary>
    public PendingConfirmation? Confirmation { get; init; }

    public static AssistantReply Say(string text) => new(text);

    public AssistantReply WithCard(JsonObject card) => this with { Cards = [.. Cards, card] };

    public AssistantReply WithSuggestions(params string[] suggestions) => this with { Suggestions = suggestions };
}
