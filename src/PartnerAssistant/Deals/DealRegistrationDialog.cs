using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>
/// The deal registration form as a Teams dialog (<c>deals.register</c>): opened from a card button or
/// the app's command, it stays open with the problems listed until the form is right, then registers
/// and posts the registration's card into the conversation. Submitting the dialog is the partner's
/// deliberate act, so unlike a typed request it needs no extra "yes".
/// </summary>
public sealed class DealRegistrationDialog(DealRegistry registry, DirectoryService directory, IOptions<DealOptions> options) : IDialogProvider
{
    public const string Id = "deals.register";

    public string DialogId => Id;

    public async Task<DialogStep> OpenAsync(AssistantTurn turn, JsonObject data, CancellationToken cancellationToken)
    {
        if (!turn.Caller.Role.IsPartner() || turn.Caller.Organisation.IsVendor)
        {
            return DialogStep.ShowMessage("Deals are registered by partners; ask \"who is working on Contoso?\" to see registrations instead.");
        }

        // The opening button may carry what is already known (e.g. the customer of a search result).
        var draft = RegistrationDraft.FromSubmit(data) with { SubmissionKey = Guid.NewGuid().ToString("N") };
        var partners = await directory.ListOrganisationsAsync(cancellationToken);
        return DialogStep.ShowCard("Register a deal", DealCards.RegistrationForm(draft, turn.Caller.Organisation, partners, options.Value));
    }

    public async Task<DialogStep> SubmitAsync(AssistantTurn turn, JsonObject data, CancellationToken cancellationToken)
    {
        var caller = turn.Caller;
        var draft = RegistrationDraft.FromSubmit(data);
        if (string.IsNullOrEmpty(draft.SubmissionKey))
        {
            // Teams retries a submit it did not hear back from; the key makes the retry find the first registration.
            return DialogStep.ShowMessage("That form is out of date. Open the registration form again.");
        }

        var request = draft.ToRequest(options.Value.DefaultCurrency);
        try
        {
            var result = await registry.RegisterAsync(caller, request, cancellationToken);
            var reply = DealsPlugin.Registered(result.Registration, result.Duplicate, result.CoexistenceNote, result.Registration.FlaggedPossibleMatch);
            return DialogStep.Close(reply);
        }
        catch (DealValidationException ex)
        {
            var partners = await directory.ListOrganisationsAsync(cancellationToken);
            return DialogStep.ShowCard("Register a deal", DealCards.RegistrationForm(draft, caller.Organisation, partners, options.Value, ex.Problems));
        }
        catch (Exception ex) when (ex is DealAccessDeniedException or DealRuleException)
        {
            return DialogStep.ShowMessage(ex.Message);
        }
    }
}
