namespace PartnerAssistant.Conversation;

/// <summary>
/// Marks a plugin function that changes something (registers a deal, approves, retires a document).
/// When a language model calls it, the call does not run: the user gets a confirmation card, and the
/// function runs only after their "yes", with <c>confirmed = "true"</c>. A function with a
/// <c>confirmed</c> parameter is treated as a write too; its unconfirmed call runs as the preview
/// that returns the <see cref="AssistantReply.Confirmation"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class RequiresConfirmationAttribute : Attribute;
