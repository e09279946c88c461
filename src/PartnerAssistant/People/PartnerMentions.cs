using System.Text.RegularExpressions;
using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.People;

/// <summary>
/// A partner organisation a message names: one in the directory by its name or first word ("Keystone's tier"),
/// or a capitalised name after "for", "of" or before "'s" that is no partner ("scorecard for Globex"), which is
/// unknown. Naming none is fine: the caller's own organisation is meant.
/// </summary>
internal sealed partial class PartnerMentions(AssistantVocabularyProvider vocabulary, IntentCatalog catalog) : IMentionResolver
{
    public MentionKind Kind => MentionKind.Partner;

    public async Task<Mention> ResolveAsync(Caller caller, string text, CancellationToken cancellationToken)
    {
        var entities = MessageEntities.Find(text, await vocabulary.GetAsync(cancellationToken));
        if (entities.FirstOrDefault(e => e.Class == EntityClass.Partner) is { } partner)
        {
            return new Mention(Kind, MentionState.Found, partner.Value, partner.Value);
        }

        // Masking marks what is neither a program term nor the start of a sentence: a name.
        var masked = catalog.Names.Mask(text);
        return masked != text && NamedAfter().Match(text) is { Success: true } named && !entities.Any(e => e.Index == named.Groups["name"].Index)
            ? new Mention(Kind, MentionState.Unknown, named.Groups["name"].Value)
            : Mention.Absent(Kind);
    }

    [GeneratedRegex(@"(?:\b(?:for|of)\s+|^)(?<name>\p{Lu}[\p{L}&-]+(?:\s+\p{Lu}[\p{L}&-]+){0,3})(?=(?:'s|’s)|\s*[?.!,]?\s*$|\s+(?:tier|onboarding|mdf|budget|standing|scorecard))")]
    private static partial Regex NamedAfter();
}
