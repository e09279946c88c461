namespace PartnerAssistant.Conversation;

/// <summary>
/// Marks a plugin function that only the person's own action may run — a press on their card (feedback on an
/// answer they were given) — because it records something in their name without a confirmation step. A
/// language model is never offered it, and <see cref="LanguageModel.ToolCallGuard"/> refuses a call of it anyway.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = false)]
public sealed class PersonOnlyAttribute : Attribute;
