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

    /// <summary>One reply for a message that asked several things: the texts in order, every card (each answer keeps its
    /// sources), the suggestions of all, and the first write waiting for a "yes" (one write per turn).</summary>
    public static AssistantReply Combine(IReadOnlyList<AssistantReply> replies) =>
        replies.Count == 1 ? replies[0] : new AssistantReply(string.Join("\n\n", replies.Select(r => r.Text).Where(t => t.Length > 0)))
        {
            Cards = [.. replies.SelectMany(r => r.Cards)],
            Suggestions = [.. replies.SelectMany(r => r.Suggestions).Distinct().Take(4)],
            Confirmation = replies.Select(r => r.Confirmation).FirstOrDefault(c => c is not null),
        };
}
