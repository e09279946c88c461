using PartnerAssistant.People;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>What an intent acts on: a thing the message must name, and the caller must be able to see,
/// before the intent runs (<c>needs:</c> in <c>prompts/intents/*.yaml</c>).</summary>
public enum MentionKind
{
    /// <summary>The intent needs nothing named.</summary>
    None,

    /// <summary>A deal registration by number (DR-1042, or 1042 said on its own).</summary>
    Registration,

    /// <summary>A customer by name or domain.</summary>
    Customer,

    /// <summary>An MDF request by number (MDF-12).</summary>
    MdfRequest,

    /// <summary>A partner organisation by name; optional (without one the caller's own organisation is meant).</summary>
    Partner,
}

public enum MentionState
{
    /// <summary>The message names nothing of this kind.</summary>
    Absent,

    /// <summary>It names one the caller may see (<see cref="Mention.Canonical"/> is its proper form).</summary>
    Found,

    /// <summary>It names one that does not exist, or that the caller may not see (<see cref="Mention.Text"/> as written).</summary>
    Unknown,
}

/// <summary>What a message names of one kind, and whether it resolved.</summary>
public sealed record Mention(MentionKind Kind, MentionState State, string? Text = null, string? Canonical = null)
{
    /// <summary>Where the thing found stands, in the words of the intents' <c>when:</c> ("requested", "claimed"), when its
    /// resolver says; null otherwise.</summary>
    public string? Stage { get; init; }

    public static Mention Absent(MentionKind kind) => new(kind, MentionState.Absent);
}

/// <summary>
/// Finds in what a user wrote the thing an intent acts on and checks it against the capability's own data,
/// under the caller's rights (the same checks the capability's service makes). Capabilities register one per
/// kind they own; the conversation router asks it before an intent that needs that kind runs.
/// </summary>
public interface IMentionResolver
{
    MentionKind Kind { get; }

    Task<Mention> ResolveAsync(Caller caller, string text, CancellationToken cancellationToken);
}
