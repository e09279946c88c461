using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>An MDF request a message names ("MDF-12"), checked through <see cref="MdfService.FindAsync"/> under the
/// caller's rights: another partner's request is as unknown to a partner as one that does not exist.</summary>
internal sealed class MdfMentions(MdfService mdf) : IMentionResolver
{
    public MentionKind Kind => MentionKind.MdfRequest;

    public async Task<Mention> ResolveAsync(Caller caller, string text, CancellationToken cancellationToken)
    {
        if (MdfNumber.FindAll(text).Cast<long?>().FirstOrDefault() is not { } number)
        {
            return Mention.Absent(Kind);
        }

        try
        {
            var view = await mdf.FindAsync(caller, number, cancellationToken);
            return new Mention(Kind, MentionState.Found, MdfNumber.Format(number), view.Number) { Stage = view.Status.ToString().ToLowerInvariant() };
        }
        catch (Exception ex) when (ex is ProgramNotFoundException or ProgramAccessDeniedException)
        {
            return new Mention(Kind, MentionState.Unknown, MdfNumber.Format(number));
        }
    }
}
