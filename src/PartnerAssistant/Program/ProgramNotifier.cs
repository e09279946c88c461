using Microsoft.Extensions.Logging;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// Proactive program messages (onboarding reminders, tier proposals, MDF decisions, PSAT surveys).
/// Delivery is best effort: a person who has never talked to the bot cannot be reached yet, and a failed
/// delivery is logged, never undoes the change it reports.
/// </summary>
public sealed class ProgramNotifier(IProactiveMessenger messenger, DirectoryService directory, ILogger<ProgramNotifier> logger)
{
    public async Task<IReadOnlyList<string>> ChannelManagersAsync(CancellationToken cancellationToken) =>
        (await directory.ListPeopleAsync(null, Role.ChannelManager, cancellationToken)).Where(p => p.Active).Select(p => p.Id).ToList();

    /// <summary>The organisation's people in a role (null: everyone), active only.</summary>
    public async Task<IReadOnlyList<string>> PeopleAsync(string organisationId, Role? role, CancellationToken cancellationToken) =>
        (await directory.ListPeopleAsync(organisationId, role, cancellationToken)).Where(p => p.Active).Select(p => p.Id).ToList();

    /// <summary>The partner admins, or everyone of the organisation when it has none.</summary>
    public async Task<IReadOnlyList<string>> AdminsOrEveryoneAsync(string organisationId, CancellationToken cancellationToken)
    {
        var admins = await PeopleAsync(organisationId, Role.PartnerAdmin, cancellationToken);
        return admins.Count > 0 ? admins : await PeopleAsync(organisationId, null, cancellationToken);
    }

    /// <summary>Sends to each person; returns how many were reached.</summary>
    public async Task<int> SendAsync(IEnumerable<string> people, AssistantReply reply, CancellationToken cancellationToken)
    {
        var reached = 0;
        foreach (var person in people.Distinct(StringComparer.Ordinal))
        {
            try
            {
                if (await messenger.SendToPersonAsync(person, reply, cancellationToken))
                {
                    reached++;
                }
                else
                {
                    logger.LogDebug("Could not reach {PersonId} for a program message yet", person);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "A program message to {PersonId} failed", person);
            }
        }

        return reached;
    }
}
