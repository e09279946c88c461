using BotFramework.Adapter;
using BotFramework.Schema;
using Microsoft.SemanticKernel;
using PartnerAssistant.People;

namespace PartnerAssistant.Conversation;

/// <summary>
/// The turn a plugin function runs in: who is asking, what they sent, and the conversation's
/// state. It reaches functions through <see cref="Kernel.Data"/>, never through arguments, so a
/// language model choosing the arguments can never change who the caller is.
/// </summary>
public sealed class AssistantTurn(Caller caller, ITurnContext context, string utterance, ConversationState state)
{
    public const string KernelDataKey = "assistant.turn";

    public Caller Caller { get; } = caller;
    public ITurnContext Context { get; } = context;
    public Activity Activity => Context.Activity;

    /// <summary>The user's text with mentions of the bot removed.</summary>
    public string Utterance { get; } = utterance;

    public ConversationState State { get; } = state;

    /// <summary>Files and cards the user sent with the message.</summary>
    public IReadOnlyList<Attachment> Attachments => Activity.Attachments ?? [];

    private readonly Dictionary<string, ReadOnlyMemory<float>> _embeddings = new(StringComparer.Ordinal);

    /// <summary>The sentence embedding the router computed this turn for a text it routed (its names masked, see
    /// <see cref="Routing.NameMasker"/>), so the knowledge base can search with it instead of embedding the same
    /// question again; null when the router embedded no such text.</summary>
    public ReadOnlyMemory<float>? EmbeddingOf(string text) =>
        // The cast matters: a bare null would convert to an empty ReadOnlyMemory (through its float[] conversion), not to "none".
        _embeddings.TryGetValue(text, out var vector) ? vector : (ReadOnlyMemory<float>?)null;

    /// <summary>Keeps the router's embedding of a text for the rest of the turn.</summary>
    public void RememberEmbedding(string text, ReadOnlyMemory<float> vector)
    {
        if (!vector.IsEmpty)
        {
            _embeddings[text] = vector;
        }
    }

    /// <summary>A stable key for this conversation's state.</summary>
    public string ConversationKey => KeyOf(Activity);

    public static string KeyOf(Activity activity) => $"{activity.ChannelId}/{activity.Conversation?.Id}";
}

public static class KernelTurnExtensions
{
    /// <summary>The current turn; throws when a function runs outside one (a programming error).</summary>
    public static AssistantTurn GetTurn(this Kernel kernel) =>
        kernel.Data.TryGetValue(AssistantTurn.KernelDataKey, out var turn) && turn is AssistantTurn assistantTurn
            ? assistantTurn
            : throw new InvalidOperationException("This function must run inside an assistant turn.");

    public static Caller GetCaller(this Kernel kernel) => kernel.GetTurn().Caller;
}
