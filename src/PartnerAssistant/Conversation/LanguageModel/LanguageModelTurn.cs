using Microsoft.SemanticKernel;

namespace PartnerAssistant.Conversation.LanguageModel;

/// <summary>
/// What the model's tool calls produced in one turn: the plugins' replies (their cards reach the user),
/// the one write waiting for confirmation, and the citation numbers the model was shown. It travels in
/// <see cref="Kernel.Data"/> of the turn's kernel; its presence marks a call as the model's choice.
/// </summary>
public sealed class LanguageModelTurn
{
    public const string KernelDataKey = "assistant.languageModel";

    public List<AssistantReply> ToolReplies { get; } = [];

    /// <summary>The one write of the turn, as its plugin proposed it (arguments and fields).</summary>
    public PendingConfirmation? Confirmation { get; set; }

    /// <summary>The plugin's own words about that write; the person reads these, never the model's.</summary>
    public string? ConfirmationText { get; set; }

    /// <summary>Every tool call the model asked for, known function or not, refused or run.</summary>
    public int ToolCalls { get; set; }

    /// <summary>Chat-completion requests of this turn (each may be retried by the client on 429/5xx).</summary>
    public int ModelRequests { get; set; }

    public bool LimitReached { get; set; }

    /// <summary>Every function the model asked for, with what the guard decided ("ran", "refused: …").</summary>
    public List<(string Function, string Outcome)> Calls { get; } = [];

    /// <summary>Citation numbers that appeared in tool results, the only ones the final text may use.</summary>
    public HashSet<int> CitationNumbers { get; } = [];

    public static LanguageModelTurn? Of(Kernel kernel) =>
        kernel.Data.TryGetValue(KernelDataKey, out var value) ? value as LanguageModelTurn : null;
}
