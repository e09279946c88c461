using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>
/// A registration a message names, checked through <see cref="DealRegistry.FindAsync"/> under the caller's rights:
/// "DR-1042" (or "1042" said alone) the caller may see is found; one they may not see, or that does not exist,
/// is unknown (the answer names it, and never says whose it is). A known customer's deal counts as named too
/// ("the Contoso deal"), for the functions that find a registration by its customer.
/// </summary>
internal sealed class RegistrationMentions(DealRegistry registry, AssistantVocabularyProvider vocabulary) : IMentionResolver
{
    public MentionKind Kind => MentionKind.Registration;

    public async Task<Mention> ResolveAsync(Caller caller, string text, CancellationToken cancellationToken)
    {
        var numbers = MessageEntities.RegistrationNumbers(text, bare: true);
        if (numbers.Count == 0)
        {
            var known = MessageEntities.Find(text, await vocabulary.GetAsync(cancellationToken)).FirstOrDefault(e => e.Class == EntityClass.Customer);
            return known is null ? Mention.Absent(Kind) : new Mention(Kind, MentionState.Found, known.Value, known.Value);
        }

        var (index, length, number) = numbers[0];
        var written = text.Substring(index, length);
        var bare = char.IsDigit(written[0]);
        try
        {
            var found = await registry.FindAsync(caller, number, cancellationToken);
            return new Mention(Kind, MentionState.Found, written, found.NumberText);
        }
        catch (Exception ex) when (ex is DealNotFoundException or DealAccessDeniedException)
        {
            // A bare number that is no registration of the caller's is just a number ("about 1500 seats").
            return bare ? Mention.Absent(Kind) : new Mention(Kind, MentionState.Unknown, RegistrationNumber.Format(number));
        }
    }
}

/// <summary>
/// A customer a message names: one in the registry (found by name as written, or by the registry's own
/// matcher, which knows "Contoso Ltd" is "CONTOSO LIMITED"), or a name said in the shape of a registration
/// question ("is Globex registered?"), which is unknown: the answer says so, naming it. Words that merely
/// follow "on" in another kind of question ("is there a warranty on Edge Runtime?") name no customer.
/// </summary>
internal sealed class CustomerMentions(DealRegistry registry, AssistantVocabularyProvider vocabulary) : IMentionResolver
{
    public MentionKind Kind => MentionKind.Customer;

    public async Task<Mention> ResolveAsync(Caller caller, string text, CancellationToken cancellationToken)
    {
        var known = MessageEntities.Find(text, await vocabulary.GetAsync(cancellationToken)).FirstOrDefault(e => e.Class == EntityClass.Customer);
        if (known is not null)
        {
            return new Mention(Kind, MentionState.Found, known.Value, known.Value);
        }

        if (DealLanguage.FindCustomerInQuestion(text) is not { } named || !named.Any(char.IsLetter))
        {
            return Mention.Absent(Kind);
        }

        try
        {
            var answer = await registry.IsRegisteredAsync(caller, named, cancellationToken);
            return answer.Customer is { } customer
                ? new Mention(Kind, MentionState.Found, named, customer)
                : new Mention(Kind, MentionState.Unknown, named);
        }
        catch (DealAccessDeniedException)
        {
            return new Mention(Kind, MentionState.Unknown, named);
        }
    }
}
