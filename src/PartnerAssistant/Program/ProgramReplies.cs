using BotFramework.Schema;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>What the program's plugins share: turning service refusals into replies, confirmation, the partner a message is about.</summary>
internal static class ProgramReplies
{
    public static async Task<AssistantReply> GuardAsync(Func<Task<AssistantReply>> action)
    {
        try
        {
            return await action();
        }
        catch (ProgramValidationException ex)
        {
            return AssistantReply.Say(ex.Problems.Count == 1 ? ex.Problems[0] : "That needs fixing first:\n\n" + string.Join("\n", ex.Problems.Select(p => "- " + p)));
        }
        catch (ProgramRuleException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
        catch (ProgramNotFoundException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
        catch (ProgramAccessDeniedException ex)
        {
            return AssistantReply.Say("Sorry, that isn't available to you. " + ex.Message);
        }
        catch (Deals.DealAccessDeniedException ex)
        {
            return AssistantReply.Say("Sorry, that isn't available to you. " + ex.Message);
        }
    }

    public static bool IsConfirmed(string confirmed) => string.Equals(confirmed, "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>A write that waits for "yes": the bot shows Yes/No with <paramref name="facts"/> (every field the write sets,
    /// from these same arguments) and re-runs <paramref name="intent"/> with exactly these arguments.</summary>
    public static AssistantReply Confirm(string text, string intent, Dictionary<string, string?> arguments, string summary, IReadOnlyList<ConfirmationFact> facts) =>
        new(text) { Confirmation = new PendingConfirmation(intent, arguments, summary, default) { Facts = facts } };

    /// <summary>True when the turn is a card's Action.Execute (its reply replaces the card).</summary>
    public static bool OnCard(Kernel kernel) => kernel.GetTurn().Activity.Type == ActivityTypes.Invoke;

    /// <summary>
    /// The organisation a message is about: a partner's own; for the vendor's staff the one named in the utterance (or the
    /// card's <c>organisationId</c>). Null when staff named none.
    /// </summary>
    public static async Task<Organisation?> SubjectAsync(Caller caller, string utterance, string? organisationId, DirectoryService directory, CancellationToken cancellationToken)
    {
        if (caller.Role.IsPartner())
        {
            return caller.Organisation;
        }

        var organisations = await directory.ListOrganisationsAsync(cancellationToken);
        if (organisationId is { Length: > 0 } id && organisations.FirstOrDefault(o => string.Equals(o.Id, id, StringComparison.OrdinalIgnoreCase)) is { } byId)
        {
            return byId;
        }

        return Deals.DealLanguage.FindOrganisations(utterance, organisations).FirstOrDefault();
    }

    /// <summary>Fetches and keeps every file attached to the turn for <paramref name="organisationId"/>; returns the stored documents.</summary>
    public static async Task<IReadOnlyList<ProgramDocument>> StoreAttachmentsAsync(Kernel kernel, ProgramDocuments documents, string organisationId, string purpose, CancellationToken cancellationToken)
    {
        var turn = kernel.GetTurn();
        var stored = new List<ProgramDocument>();
        foreach (var attachment in ProgramDocuments.FilesIn(turn.Attachments))
        {
            var file = await documents.FetchAsync(attachment, turn.Activity.ServiceUrl, cancellationToken);
            stored.Add(await documents.StoreAsync(organisationId, purpose, file, turn.Caller.Person.Id, cancellationToken));
        }

        return stored;
    }
}
