using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BotFramework.Schema;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>
/// Deal registration in chat: register (a pre-filled card, confirmed before it is saved), look up,
/// extend, close, record touches, review and decide, and the attribution and revenue figures. Thin:
/// it reads what the user typed or submitted and calls <see cref="DealRegistry"/> and
/// <see cref="AttributionService"/>, which check the caller's rights. Write actions ask for a "yes" first.
/// </summary>
public sealed partial class DealsPlugin(DealRegistry registry, AttributionService attribution, DirectoryService directory, IOptions<DealOptions> options, TimeProvider time)
{
    private const int ListLimit = 15;

    private DealOptions Settings => options.Value;

    [KernelFunction("RegisterDeal"), Description("Starts a deal registration: shows a form pre-filled with what the user said (customer, opportunity, products, amount, close date, role, other partners).")]
    public async Task<AssistantReply> RegisterDealAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default)
    {
        var caller = kernel.GetCaller();
        if (!caller.Role.IsPartner())
        {
            return AssistantReply.Say($"Deals are registered by partners. As a {caller.Role.Describe()} you can ask \"who is working on Contoso?\" or \"what's the status of DR-1042?\".");
        }

        var partners = await directory.ListOrganisationsAsync(cancellationToken);
        var draft = DealLanguage.ParseRegistration(utterance, Today(), caller.Organisation, partners) with { SubmissionKey = Guid.NewGuid().ToString("N") };
        var understood = new List<string>();
        if (draft.Customer.Length > 0)
        {
            understood.Add($"customer **{draft.Customer}**");
        }

        if (draft.Opportunity.Length > 0)
        {
            understood.Add($"opportunity \"{draft.Opportunity}\"");
        }

        if (draft.Products != Products.None)
        {
            understood.Add(DealCatalog.Describe(draft.Products));
        }

        if (draft.Amount is { } amount)
        {
            understood.Add(Money.Format(amount, draft.Currency ?? Settings.DefaultCurrency) + (draft.Currency is null ? " (currency assumed)" : ""));
        }

        if (draft.ExpectedClose is { } close)
        {
            understood.Add($"closing {DealText.Date(close)}");
        }

        if (draft.OtherPartners.Count > 0)
        {
            var names = partners.ToDictionary(p => p.Id, p => p.Name);
            understood.Add("with " + string.Join(", ", draft.OtherPartners.Select(p => $"{names.GetValueOrDefault(p.PartnerId, p.PartnerId)} ({DealCatalog.Describe(p.Role)})")));
        }

        var text = understood.Count > 0
            ? $"Here is what I understood: {string.Join(", ", understood)}. Check the form, complete the rest and press **Register deal**."
            : "Fill in the form and press **Register deal**. Tip: next time say it in one go, e.g. \"register a deal for Contoso, Azure migration, about 250k, closing in March\".";
        return AssistantReply.Say(text).WithCard(DealCards.RegistrationForm(draft, caller.Organisation, partners, Settings));
    }

    [KernelFunction("SubmitRegistration"), Description("Submits the deal registration form; asks for confirmation, then registers and answers with the registration number and status.")]
    public async Task<AssistantReply> SubmitRegistrationAsync(Kernel kernel,
        [Description("The submitted form as JSON")] string value = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default)
    {
        var caller = kernel.GetCaller();
        if (TryParseObject(value) is not { } submitted)
        {
            return AssistantReply.Say("Use the registration form to submit a deal: say \"register a deal\" to get one.");
        }

        // A form without a key gets one from its content, so concurrent or repeated submits of it register once.
        submitted = CardData.WithSubmissionKey(submitted, caller.Person.Id);
        var draft = DealRegistration(submitted);
        var request = draft.ToRequest(Settings.DefaultCurrency);
        var partners = await directory.ListOrganisationsAsync(cancellationToken);
        return await GuardAsync(async () =>
        {
            if (!IsConfirmed(confirmed))
            {
                var (problems, assessment, already) = await registry.PreviewAsync(caller, request, cancellationToken);
                if (already is not null)
                {
                    return Registered(already, duplicate: true, null, null);
                }

                if (problems.Count > 0)
                {
                    return AssistantReply.Say("Please fix the form:\n\n" + string.Join("\n", problems.Select(p => "- " + p)))
                        .WithCard(DealCards.RegistrationForm(draft, caller.Organisation, partners, Settings, problems));
                }

                var preview = assessment.NeedsReview
                    ? "\n\nHeads-up: it will go to review. " + assessment.PartnerReason(request.Products, request.Role!.Value, Settings.ReviewBusinessDays)
                    : assessment.CoexistenceNote(request.Role!.Value) is { } note ? "\n\n" + note : "";
                var summary = $"register {request.Summary()}";
                return new AssistantReply($"You are about to register **{request.Opportunity}** for **{request.Customer}**: {DealCatalog.Describe(request.Products)}, " +
                    $"{Money.Format(request.Amount!.Value, request.Currency)}, closing {DealText.Date(request.ExpectedClose!.Value)}, as {DealCatalog.Describe(request.Role!.Value)}.{preview}")
                {
                    Confirmation = new PendingConfirmation(DealCards.SubmitIntent, new() { ["value"] = submitted.ToJsonString() }, summary, default)
                    {
                        Facts = RegistrationFacts(caller, request, partners),
                    },
                };
            }

            try
            {
                var result = await registry.RegisterAsync(caller, request, cancellationToken);
                return Registered(result.Registration, result.Duplicate, result.CoexistenceNote, result.Registration.FlaggedPossibleMatch);
            }
            catch (DealValidationException ex)
            {
                return AssistantReply.Say("Please fix the form:\n\n" + string.Join("\n", ex.Problems.Select(p => "- " + p)))
                    .WithCard(DealCards.RegistrationForm(draft, caller.Organisation, partners, Settings, ex.Problems));
            }
        });
    }

    [KernelFunction("ShowMyRegistrations"), Description("Lists open deal registrations: the caller's organisation's for partners, all for the vendor's staff.")]
    public Task<AssistantReply> ShowMyRegistrationsAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var filter = new RegistrationFilter { OpenOnly = true, Limit = 200 };
        var partnerNote = "";
        if (DealRegistry.SeesAllDeals(caller))
        {
            var named = DealLanguage.FindOrganisations(utterance, await directory.ListOrganisationsAsync(cancellationToken));
            if (named.Count > 0)
            {
                filter = filter with { PartnerId = named[0].Id };
                partnerNote = $" of {named[0].Name}";
            }
        }

        var open = await registry.ListAsync(caller, filter, cancellationToken);
        if (open.Count == 0)
        {
            return AssistantReply.Say(caller.Role.IsPartner()
                    ? $"{caller.Organisation.Name} has no open registrations. Say \"register a deal for …\" to start one."
                    : $"There are no open registrations{partnerNote}.")
                .WithSuggestions("register a deal");
        }

        var who = caller.Role.IsPartner() ? $"{Possessive.Of(caller.Organisation.Name)}" : "All";
        var text = new StringBuilder($"{who} open registrations{partnerNote} ({open.Count}):\n\n");
        foreach (var view in open.Take(ListLimit))
        {
            text.Append(Line(view, withPartner: !caller.Role.IsPartner())).Append('\n');
        }

        if (open.Count > ListLimit)
        {
            text.Append($"\n…and {open.Count - ListLimit} more.");
        }

        return AssistantReply.Say(text.ToString()).WithSuggestions($"what's the status of {open[0].NumberText}?", "which registrations expire this month?");
    });

    [KernelFunction("RegistrationStatus"), Description("Shows the status and details of one deal registration by its number (DR-1042).")]
    public Task<AssistantReply> RegistrationStatusAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON, with a number")] string value = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if (NumberFrom(utterance, value) is not { } number)
        {
            return AssistantReply.Say("Which registration? Give me its number, for example \"status of DR-1042\".").WithSuggestions("show my open registrations");
        }

        var view = await registry.FindAsync(caller, number, cancellationToken);
        var text = new StringBuilder($"**{view.NumberText}** ({view.Customer} – {view.Opportunity}) is **{view.StatusText}**");
        text.Append(view.Status switch
        {
            RegistrationStatus.Submitted or RegistrationStatus.UnderReview => view.IsOverdue
                ? $"; the decision was due {DealText.Date(DateOnly.FromDateTime(view.ReviewDueAt.UtcDateTime))} and is overdue — the channel team has been told."
                : $"; a decision is due by {DealText.Date(DateOnly.FromDateTime(view.ReviewDueAt.UtcDateTime))}.",
            RegistrationStatus.Approved => $", protected until {DealText.Date(DateOnly.FromDateTime(view.ProtectedUntil!.Value.UtcDateTime))}{(view.Extended ? " (already extended once)" : "")}.",
            RegistrationStatus.Expired => $"; protection ended {DealText.Date(DateOnly.FromDateTime(view.ProtectedUntil!.Value.UtcDateTime))}.",
            RegistrationStatus.Won or RegistrationStatus.Lost => $" ({DealText.Date(view.ClosedOn!.Value)}, {Money.Format(view.ClosedAmount ?? view.Amount, view.Currency)}).",
            _ => ".",
        });
        if (view.ConflictReason is { Length: > 0 } reason && DealLifecycle.IsPendingReview(view.Status))
        {
            text.Append("\n\n").Append(reason);
        }

        var owner = caller.Role.IsPartner();
        return AssistantReply.Say(text.ToString()).WithCard(DealCards.Registration(view, internalView: !owner, offerExtension: owner));
    });

    [KernelFunction("IsCustomerRegistered"), Description("Says whether a customer already has an active deal registration, without revealing which other partner holds it.")]
    public Task<AssistantReply> IsCustomerRegisteredAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if (CustomerFrom(utterance) is not { } customer)
        {
            return AssistantReply.Say("Which customer? For example \"is Fabrikam registered?\".");
        }

        var answer = await registry.IsRegisteredAsync(caller, customer, cancellationToken);
        var name = answer.Customer ?? customer;
        var text = new StringBuilder();
        if (answer.Own.Count == 0 && answer.ActiveByOthers == 0)
        {
            text.Append($"No, **{name}** has no active registration{(answer.Customer is null ? " (I don't know this customer yet)" : "")}. You are free to register it.");
        }
        else
        {
            text.Append($"Yes, **{name}** has active registrations:\n\n");
            foreach (var own in answer.Own)
            {
                text.Append($"- yours: {Line(own, withPartner: !caller.Role.IsPartner())}\n");
            }

            if (answer.ActiveByOthers > 0)
            {
                text.Append($"- {answer.ActiveByOthers} held by {(answer.ActiveByOthers == 1 ? "another partner" : "other partners")}, covering {DealCatalog.Describe(answer.ProductsByOthers)} " +
                    $"in the {string.Join(" / ", answer.RolesByOthers)} role{(answer.RolesByOthers.Count == 1 ? "" : "s")}.\n");
                text.Append($"\nA registration of yours for overlapping products in the same transacting role would go to review ({DealRules.FirstApprovedWins}); other roles co-exist ({DealRules.RolesCoexist}).");
            }
        }

        if (answer.SimilarCustomerExists)
        {
            text.Append("\n\nThere is also a customer with a similar name on file; if you register, I keep them apart and the channel team checks.");
        }

        return AssistantReply.Say(text.ToString()).WithSuggestions($"register a deal for {name}");
    });

    [KernelFunction("WhoIsWorkingOn"), Description("For the vendor's staff: every partner touch on a customer's deals, with registrations and protection.")]
    public Task<AssistantReply> WhoIsWorkingOnAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if (CustomerFrom(utterance) is not { } customer)
        {
            return AssistantReply.Say("Which customer? For example \"who is working on Contoso?\".");
        }

        var activity = await registry.WhoIsWorkingOnAsync(caller, customer, cancellationToken);
        if (activity.Customers.Count == 0)
        {
            return AssistantReply.Say($"No partner has registered or touched **{customer}**." +
                (activity.PossibleMatches.Count > 0 ? $" Similar customers on file: {string.Join(", ", activity.PossibleMatches)}." : ""));
        }

        var text = new StringBuilder($"Partners working on **{string.Join(" / ", activity.Customers)}**:\n\n");
        foreach (var group in activity.Registrations.Where(r => r.Status != RegistrationStatus.Rejected).OrderByDescending(r => DealLifecycle.IsOpen(r.Status)).ThenByDescending(r => r.Number))
        {
            var protection = group.Status == RegistrationStatus.Approved && group.ProtectedUntil is { } until
                ? $", protected until {DealText.Date(DateOnly.FromDateTime(until.UtcDateTime))} ({DealRules.DirectSalesRespectsProtection}: co-sell with {group.PartnerName})"
                : "";
            text.Append($"- **{group.NumberText}** {group.Opportunity} — {group.PartnerName} as {DealCatalog.Describe(group.Role)}, {group.StatusText}{protection}\n");
            foreach (var touch in group.Touches.Where(t => t.Source != TouchSource.Registration))
            {
                text.Append($"  - {touch.PartnerName}: {DealCatalog.Describe(touch.Role)} ({DealText.Date(touch.TouchedOn)})\n");
            }
        }

        if (activity.PossibleMatches.Count > 0)
        {
            text.Append($"\nSimilar customers kept apart (possible matches): {string.Join(", ", activity.PossibleMatches)}.");
        }

        return AssistantReply.Say(text.ToString());
    });

    [KernelFunction("ExtendRegistration"), Description("Requests the one-time protection extension of an approved registration, before it expires.")]
    public Task<AssistantReply> ExtendRegistrationAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON, with a number")] string value = "",
        [Description("The registration number, e.g. DR-1042")] string number = "",
        [Description("Why more time is needed")] string reason = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if ((RegistrationNumber.Parse(number) ?? NumberFrom(utterance, value)) is not { } dr)
        {
            return AssistantReply.Say("Which registration should I extend? For example \"extend DR-1042\".").WithSuggestions("show my open registrations");
        }

        if (IsConfirmed(confirmed))
        {
            var extended = await registry.ExtendAsync(caller, dr, reason, cancellationToken);
            return AssistantReply.Say($"Done: **{extended.NumberText}** is now protected until {DealText.Date(DateOnly.FromDateTime(extended.ProtectedUntil!.Value.UtcDateTime))}. This was its one extension.")
                .WithCard(DealCards.Registration(extended, internalView: !caller.Role.IsPartner()));
        }

        var view = await registry.FindAsync(caller, dr, cancellationToken);
        if (view.Status != RegistrationStatus.Approved || view.Extended || view.ProtectedUntil <= time.GetUtcNow())
        {
            // Let the registry explain, in the program's words, why not.
            await registry.ExtendAsync(caller, dr, reason, cancellationToken);
        }

        var newDate = DealText.Date(DateOnly.FromDateTime(view.ProtectedUntil!.Value.AddDays(Settings.ExtensionDays).UtcDateTime));
        var why = reason.Length > 0 ? reason : ReasonFrom(utterance) ?? "";
        return new AssistantReply($"**{view.NumberText}** ({view.Customer} – {view.Opportunity}) is protected until {DealText.Date(DateOnly.FromDateTime(view.ProtectedUntil!.Value.UtcDateTime))}. " +
            $"The one-time extension adds {Settings.ExtensionDays} days, to {newDate}; it cannot be extended again after that.")
        {
            Confirmation = new PendingConfirmation("Deals.ExtendRegistration", new() { ["number"] = view.NumberText, ["reason"] = why }, $"extend {view.NumberText} to {newDate}", default)
            {
                Facts = [new("Registration", $"{view.NumberText} ({view.Customer} – {view.Opportunity})"), new("Protected until", $"{newDate} (was {DealText.Date(DateOnly.FromDateTime(view.ProtectedUntil!.Value.UtcDateTime))})"), new("Reason", why)],
            },
        };
    });

    [KernelFunction("RecordOutcome"), Description("Closes a registered deal as won or lost, with its final amount.")]
    public Task<AssistantReply> RecordOutcomeAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("The registration number, e.g. DR-1042")] string number = "",
        [Description("\"won\" or \"lost\"")] string outcome = "",
        [Description("The final amount, a number")] string amount = "",
        [Description("The close date, yyyy-MM-dd")] string closedOn = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if ((RegistrationNumber.Parse(number) ?? NumberFrom(utterance, "")) is not { } dr)
        {
            return AssistantReply.Say("Which deal closed? Tell me its number and the outcome, for example \"DR-1042 was won for 240k\".");
        }

        var won = outcome.Length > 0 ? outcome == "won" : WonOrLost(utterance);
        if (won is null)
        {
            return AssistantReply.Say($"Was {RegistrationNumber.Format(dr)} won or lost? For example \"{RegistrationNumber.Format(dr)} was won for 240k\".");
        }

        decimal? finalAmount = decimal.TryParse(amount, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed) ? parsed : DealLanguage.FindMoney(utterance)?.Amount;
        DateOnly? closed = DateOnly.TryParseExact(closedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : DealLanguage.FindDate(utterance, Today());
        if (IsConfirmed(confirmed))
        {
            var view = await registry.RecordOutcomeAsync(caller, dr, won.Value, finalAmount, closed, cancellationToken);
            return AssistantReply.Say($"Recorded: **{view.NumberText}** {view.StatusText} on {DealText.Date(view.ClosedOn!.Value)}, {Money.Format(view.ClosedAmount ?? view.Amount, view.Currency)}." +
                (view.Status == RegistrationStatus.Won ? " Its partner touches now count toward attribution." : ""));
        }

        var current = await registry.FindAsync(caller, dr, cancellationToken);
        DealLifecycle.Check(current.Number, current.Status, won.Value ? RegistrationStatus.Won : RegistrationStatus.Lost);
        var shown = Money.Format(finalAmount ?? current.Amount, current.Currency);
        var when = closed ?? Today();
        return new AssistantReply($"**{current.NumberText}** ({current.Customer} – {current.Opportunity}) will be closed as **{(won.Value ? "won" : "lost")}**, {shown}, on {DealText.Date(when)}.")
        {
            Confirmation = new PendingConfirmation("Deals.RecordOutcome", new()
            {
                ["number"] = current.NumberText,
                ["outcome"] = won.Value ? "won" : "lost",
                ["amount"] = finalAmount?.ToString(CultureInfo.InvariantCulture) ?? "",
                ["closedOn"] = DealText.Iso(when),
            }, $"close {current.NumberText} as {(won.Value ? "won" : "lost")} ({shown})", default)
            {
                Facts = [new("Registration", $"{current.NumberText} ({current.Customer} – {current.Opportunity})"), new("Outcome", won.Value ? "won" : "lost"), new("Final amount", shown), new("Closed on", DealText.Date(when))],
            },
        };
    });

    [KernelFunction("RecordTouch"), Description("Records a partner's touch on a registered deal: the partner, its role and the date.")]
    public Task<AssistantReply> RecordTouchAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("The registration number, e.g. DR-1042")] string number = "",
        [Description("The partner organisation id")] string partner = "",
        [Description("The role: influence, referral, integration, isv-component, marketplace or reseller")] string role = "",
        [Description("The touch date, yyyy-MM-dd")] string on = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if ((RegistrationNumber.Parse(number) ?? NumberFrom(utterance, "")) is not { } dr)
        {
            return AssistantReply.Say("On which registration? For example \"add Meridian as influence on DR-1042\".");
        }

        var organisations = await directory.ListOrganisationsAsync(cancellationToken);
        var who = partner.Length > 0 ? organisations.FirstOrDefault(o => o.Id == partner) : DealLanguage.FindOrganisations(utterance, organisations).FirstOrDefault();
        if (who is null)
        {
            return AssistantReply.Say($"Which partner touched {RegistrationNumber.Format(dr)}, and in which role? For example \"add Meridian as influence on {RegistrationNumber.Format(dr)}\".");
        }

        var touchRole = DealCatalog.ParseRole(role) ?? RoleAfter(utterance, who) ?? DealCatalog.DefaultRole(who.PartnerType);
        DateOnly? touchedOn = DateOnly.TryParseExact(on, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : DealLanguage.FindDate(utterance, Today());
        if (IsConfirmed(confirmed))
        {
            var view = await registry.RecordTouchAsync(caller, dr, who.Id, touchRole, touchedOn, cancellationToken);
            return AssistantReply.Say($"Recorded {who.Name} as {DealCatalog.Describe(touchRole)} on **{view.NumberText}**; it shares attribution if the deal is won.")
                .WithCard(DealCards.Registration(view, internalView: !caller.Role.IsPartner()));
        }

        var current = await registry.FindAsync(caller, dr, cancellationToken);
        var when = touchedOn ?? Today();
        return new AssistantReply($"I'll record **{who.Name}** as {DealCatalog.Describe(touchRole)} on **{current.NumberText}** ({current.Customer} – {current.Opportunity}), dated {DealText.Date(when)}.")
        {
            Confirmation = new PendingConfirmation("Deals.RecordTouch", new()
            {
                ["number"] = current.NumberText,
                ["partner"] = who.Id,
                ["role"] = DealCatalog.Code(touchRole),
                ["on"] = DealText.Iso(when),
            }, $"record {who.Name} as {DealCatalog.Describe(touchRole)} on {current.NumberText}", default)
            {
                Facts = [new("Registration", $"{current.NumberText} ({current.Customer} – {current.Opportunity})"), new("Partner", who.Name), new("Role", DealCatalog.Describe(touchRole)), new("Touch date", DealText.Date(when))],
            },
        };
    });

    [KernelFunction("ReviewQueue"), Description("For channel managers: registrations waiting for a decision, the most urgent first, and which are overdue.")]
    public Task<AssistantReply> ReviewQueueAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var queue = await registry.ReviewQueueAsync(caller, cancellationToken);
        if (queue.Count == 0)
        {
            return AssistantReply.Say("Nothing is waiting for review.");
        }

        var overdue = queue.Count(v => v.IsOverdue);
        var text = new StringBuilder($"{queue.Count} registration{(queue.Count == 1 ? "" : "s")} waiting for a decision" +
            (overdue > 0 ? $", **{overdue} overdue**" : "") + $" (due within {Settings.ReviewBusinessDays} business days):\n\n");
        foreach (var view in queue.Take(ListLimit))
        {
            text.Append(Line(view, withPartner: true)).Append(view.ConflictRule is { } rule ? $" — {rule}" : "").Append('\n');
        }

        var reply = AssistantReply.Say(text.ToString());
        foreach (var view in queue.Take(3))
        {
            var (full, competing) = await registry.ForReviewAsync(caller, view.Number, cancellationToken);
            reply = reply.WithCard(DealCards.Review(full, competing, await directory.FindOrganisationAsync(full.PartnerId, cancellationToken)));
        }

        return reply;
    });

    [KernelFunction("ReviewRegistration"), Description("For channel managers: the approval card of one registration, with the conflict evidence.")]
    public Task<AssistantReply> ReviewRegistrationAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON, with a number")] string value = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        if (NumberFrom(utterance, value) is not { } number)
        {
            return AssistantReply.Say("Which registration? For example \"review DR-1044\".").WithSuggestions("show the review queue");
        }

        var (view, competing) = await registry.ForReviewAsync(caller, number, cancellationToken);
        return AssistantReply.Say($"{view.NumberText} from {view.PartnerName}: {view.StatusText}.")
            .WithCard(DealCards.Review(view, competing, await directory.FindOrganisationAsync(view.PartnerId, cancellationToken)));
    });

    [KernelFunction("Approve"), Description("For channel managers: approves a registration, citing the rule applied and a reason; both partners are told.")]
    public Task<AssistantReply> ApproveAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON: number, rule, reason")] string value = "",
        [Description("The registration number")] string number = "",
        [Description("The reason for the decision")] string reason = "",
        [Description("The rule of engagement applied, RoE-1 to RoE-6")] string rule = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default) => DecideAsync(kernel, approve: true, utterance, value, number, reason, rule, confirmed, cancellationToken);

    [KernelFunction("Reject"), Description("For channel managers: rejects a registration, citing the rule applied and a reason; both partners are told.")]
    public Task<AssistantReply> RejectAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("Card data as JSON: number, rule, reason")] string value = "",
        [Description("The registration number")] string number = "",
        [Description("The reason for the decision")] string reason = "",
        [Description("The rule of engagement applied, RoE-1 to RoE-6")] string rule = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default) => DecideAsync(kernel, approve: false, utterance, value, number, reason, rule, confirmed, cancellationToken);

    [KernelFunction("Attribution"), Description("For the vendor's staff: how credit for a won deal, or for a period, is shared between partners under an attribution model.")]
    public Task<AssistantReply> AttributionAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var model = AttributionModels.Find(utterance);
        if (RegistrationNumber.FindAll(utterance) is [var number, ..])
        {
            var models = model is { } chosen ? [chosen] : Enum.GetValues<AttributionModel>();
            var text = new StringBuilder();
            DealAttribution? first = null;
            foreach (var m in models)
            {
                var result = await attribution.ForDealAsync(caller, number, m, cancellationToken);
                if (first is null)
                {
                    first = result;
                    text.Append($"Credit for **{result.Number}** ({result.Customer} – {result.Opportunity}), won {DealText.Date(result.ClosedOn)} for {Money.Format(result.Revenue, result.Currency)}:\n\n");
                }

                text.Append($"- **{AttributionModels.Describe(m)}**: {string.Join(", ", result.Credits.Select(c => $"{c.PartnerName} {Money.Format(c.Credit, result.Currency)}"))}\n");
            }

            return AssistantReply.Say(text.ToString());
        }

        var today = Today();
        var (from, to) = DealLanguage.FindPeriod(utterance, today) ?? (today.AddYears(-1).AddDays(1), today);
        var period = await attribution.ForPeriodAsync(caller, model ?? AttributionModel.Linear, from, to, cancellationToken);
        if (period.Deals == 0)
        {
            return AssistantReply.Say($"No deals were won between {DealText.Date(from)} and {DealText.Date(to)}.");
        }

        var lines = period.Credits.Select(c => $"- {c.PartnerName} ({c.PartnerType}): {Money.Format(c.Credit, period.Currency)} over {c.Deals} deal{(c.Deals == 1 ? "" : "s")}");
        return AssistantReply.Say($"Partner credit, **{AttributionModels.Describe(period.Model)}**, {DealText.Date(from)} – {DealText.Date(to)}: {period.Deals} won deals, {Money.Format(period.Revenue, period.Currency)}.\n\n" +
                string.Join("\n", lines) + (model is null ? "\n\nOther models: first-touch, last-touch, time-decay, U-shaped, W-shaped, Shapley — name one to switch." : ""))
            .WithSuggestions("same with shapley", "ROPI by partner type this year");
    });

    [KernelFunction("PartnerRevenue"), Description("For the vendor's staff: partner-influenced and partner-sourced revenue and ROPI, per partner and per partner type.")]
    public Task<AssistantReply> PartnerRevenueAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var today = Today();
        var (from, to) = DealLanguage.FindPeriod(utterance, today) ?? (today.AddYears(-1).AddDays(1), today);
        var model = AttributionModels.Find(utterance) ?? AttributionModel.Linear;
        var report = await attribution.RevenueAsync(caller, model, from, to, cancellationToken);
        var c = report.Currency;
        var text = new StringBuilder($"Partner revenue {DealText.Date(from)} – {DealText.Date(to)} ({AttributionModels.Describe(model)} attribution):\n\n");
        text.Append($"- Won: {report.WonDeals} deals, {Money.Format(report.WonRevenue, c)}\n");
        text.Append($"- Partner-influenced revenue: {Money.Format(report.PartnerInfluenced, c)}; partner-sourced: {Money.Format(report.PartnerSourced, c)}\n");
        text.Append($"- Program investment (MDF, rebates, enablement): {Money.Format(report.Investment, c)}; ROPI {FormatRopi(report.Ropi)}\n\n**By partner type**\n");
        foreach (var type in report.PartnerTypes)
        {
            text.Append($"- {type.PartnerType}: attributed {Money.Format(type.Attributed, c)}, influenced {Money.Format(type.Influenced, c)}, sourced {Money.Format(type.Sourced, c)}, ROPI {FormatRopi(type.Ropi)}\n");
        }

        text.Append("\n**By partner**\n");
        foreach (var partner in report.Partners.Take(ListLimit))
        {
            text.Append($"- {partner.PartnerName}: attributed {Money.Format(partner.Attributed, c)}, influenced {Money.Format(partner.Influenced, c)}, sourced {Money.Format(partner.Sourced, c)}, " +
                $"investment {Money.Format(partner.Investment, c)}, ROPI {FormatRopi(partner.Ropi)}\n");
        }

        return AssistantReply.Say(text.ToString());
    });

    [KernelFunction("ExpiringRegistrations"), Description("Lists approved registrations whose protection ends soon (this month, or within a number of days).")]
    public Task<AssistantReply> ExpiringRegistrationsAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var today = Today();
        var days = Regex.Match(utterance, @"\b(\d{1,3})\s+days?\b") is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : utterance.Contains("this month", StringComparison.OrdinalIgnoreCase) ? DateTime.DaysInMonth(today.Year, today.Month) - today.Day + 1
            : utterance.Contains("week", StringComparison.OrdinalIgnoreCase) ? 7
            : 30;
        var expiring = await registry.ExpiringAsync(caller, days, cancellationToken);
        if (expiring.Count == 0)
        {
            return AssistantReply.Say($"No registration{(caller.Role.IsPartner() ? " of yours" : "")} loses protection in the next {days} days.");
        }

        var text = new StringBuilder($"Protection ends within {days} days for:\n\n");
        foreach (var view in expiring.Take(ListLimit))
        {
            text.Append(Line(view, withPartner: !caller.Role.IsPartner())).Append(view.Extended ? " (already extended)" : "").Append('\n');
        }

        var extendable = expiring.FirstOrDefault(v => !v.Extended);
        var reply = AssistantReply.Say(text.ToString() + "\nAn approved registration can be extended once, before it expires.");
        return extendable is not null && caller.Role.IsPartner() ? reply.WithSuggestions($"extend {extendable.NumberText}") : reply;
    });

    private async Task<AssistantReply> DecideAsync(Kernel kernel, bool approve, string utterance, string value, string number, string reason, string rule, string confirmed, CancellationToken cancellationToken)
    {
        var turn = kernel.GetTurn();
        var caller = turn.Caller;
        var data = TryParseObject(value);
        var onCard = turn.Activity.Type == ActivityTypes.Invoke;
        var dr = RegistrationNumber.Parse(number) ?? NumberFrom(utterance, value);
        var why = Coalesce(reason, Text(data, "reason"), ReasonFrom(utterance));
        var cited = Coalesce(rule, Text(data, "rule"), RuleFrom(utterance));
        var isConfirmed = IsConfirmed(confirmed) || (onCard && Text(data, "confirmed") == "true");
        return await GuardAsync(async () =>
        {
            if (dr is not { } n)
            {
                return AssistantReply.Say($"Which registration should I {(approve ? "approve" : "reject")}? For example \"{(approve ? "approve" : "reject")} DR-1044 because …\".");
            }

            if (isConfirmed)
            {
                var decided = await registry.DecideAsync(caller, n, approve, why, cited, cancellationToken);
                var last = decided.Decisions.LastOrDefault();
                return AssistantReply.Say($"**{decided.NumberText}** {(approve ? "approved" : "rejected")} under {DealRules.Describe(last?.Rule ?? cited ?? DealRules.Review)}. " +
                        $"{decided.PartnerName} has been told{(decided.ConflictsWith.Count > 0 ? ", and so has every partner it conflicted with" : "")}.")
                    .WithCard(DealCards.Registration(decided, internalView: true));
            }

            var (view, competing) = await registry.ForReviewAsync(caller, n, cancellationToken);
            DealLifecycle.Check(view.Number, view.Status, approve ? RegistrationStatus.Approved : RegistrationStatus.Rejected);
            if (cited is not null && DealRegistry.ParseRule(cited) is null)
            {
                throw new DealValidationException([$"\"{cited}\" is not a rule of engagement; cite RoE-1 to RoE-6."]);
            }

            var needsReason = !approve || view.Status == RegistrationStatus.UnderReview;
            if (needsReason && why is null)
            {
                const string ask = "Give a reason for the decision: both partners are told, and it is kept in the audit log.";
                return onCard
                    ? AssistantReply.Say(ask).WithCard(DealCards.Review(view, competing, await directory.FindOrganisationAsync(view.PartnerId, cancellationToken)))
                    : AssistantReply.Say($"{ask} For example \"{(approve ? "approve" : "reject")} {view.NumberText} because the customer confirmed the earlier proposal\".");
            }

            var ruleText = cited is null ? null : DealRegistry.ParseRule(cited);
            var reasonText = why ?? "No conflicting registration; approved under the program's registration rules.";
            if (onCard)
            {
                return AssistantReply.Say($"Confirm: {(approve ? "approve" : "reject")} {view.NumberText}.").WithCard(DealCards.ConfirmDecision(view, approve, ruleText ?? view.ConflictRule, reasonText));
            }

            return new AssistantReply($"**{view.NumberText}** from {view.PartnerName} ({view.Customer} – {view.Opportunity}, {view.StatusText}) will be **{(approve ? "approved" : "rejected")}**" +
                $"{(ruleText ?? view.ConflictRule) switch { { } r => $" under {DealRules.Describe(r)}", _ => "" }}. Reason: {reasonText}")
            {
                Confirmation = new PendingConfirmation(approve ? DealCards.ApproveIntent : DealCards.RejectIntent,
                    new() { ["number"] = view.NumberText, ["reason"] = why ?? "", ["rule"] = ruleText ?? "" },
                    $"{(approve ? "approve" : "reject")} {view.NumberText}", default)
                {
                    Facts =
                    [
                        new("Registration", $"{view.NumberText} from {view.PartnerName} ({view.Customer} – {view.Opportunity})"),
                        new("Decision", approve ? "approve" : "reject"),
                        new("Rule", (ruleText ?? view.ConflictRule) is { } applied ? DealRules.Describe(applied) : "the program's registration rules"),
                        new("Reason (both partners are told)", reasonText),
                    ],
                },
            };
        });
    }

    /// <summary>Every field a confirmed registration writes, as the partner entered it.</summary>
    private static List<ConfirmationFact> RegistrationFacts(Caller caller, RegistrationRequest request, IReadOnlyList<Organisation> partners)
    {
        var names = partners.ToDictionary(p => p.Id, p => p.Name);
        return
        [
            new("Registering partner", caller.Organisation.Name),
            new("Customer", request.Customer + (string.IsNullOrWhiteSpace(request.CustomerDomain) ? "" : $" ({request.CustomerDomain})")),
            new("Opportunity", request.Opportunity),
            new("Products", DealCatalog.Describe(request.Products)),
            new("Amount", Money.Format(request.Amount!.Value, request.Currency)),
            new("Expected close", DealText.Date(request.ExpectedClose!.Value)),
            new("Your role", DealCatalog.Describe(request.Role!.Value)),
            new("Other partners", string.Join(", ", request.OtherPartners.Select(p => $"{names.GetValueOrDefault(p.PartnerId, p.PartnerId)} ({DealCatalog.Describe(p.Role)})"))),
        ];
    }

    internal static AssistantReply Registered(RegistrationView view, bool duplicate, string? coexistence, bool? flagged)
    {
        var text = new StringBuilder(duplicate
            ? $"This submission was already registered as **{view.NumberText}** (status: {view.StatusText}); nothing new was created."
            : $"Registered as **{view.NumberText}**. Status: **{view.StatusText}**.");
        if (!duplicate)
        {
            if (view.Status == RegistrationStatus.UnderReview && view.ConflictReason is { } reason)
            {
                text.Append("\n\n").Append(reason);
            }
            else
            {
                text.Append($" A decision is due by {DealText.Date(DateOnly.FromDateTime(view.ReviewDueAt.UtcDateTime))}; protection starts on approval.");
            }

            if (coexistence is not null)
            {
                text.Append("\n\n").Append(coexistence);
            }

            if (flagged == true)
            {
                text.Append("\n\nThe customer's name is close to another customer on file. I kept it separate and flagged it for the channel team.");
            }
        }

        return AssistantReply.Say(text.ToString()).WithCard(DealCards.Registration(view, internalView: false))
            .WithSuggestions($"what's the status of {view.NumberText}?", "show my open registrations");
    }

    private static async Task<AssistantReply> GuardAsync(Func<Task<AssistantReply>> action)
    {
        try
        {
            return await action();
        }
        catch (DealValidationException ex)
        {
            return AssistantReply.Say(ex.Problems.Count == 1 ? ex.Problems[0] : "That needs fixing first:\n\n" + string.Join("\n", ex.Problems.Select(p => "- " + p)));
        }
        catch (DealRuleException ex)
        {
            return AssistantReply.Say(ex.Message);
        }
        catch (DealNotFoundException ex)
        {
            return AssistantReply.Say(ex.Message).WithSuggestions("show my open registrations");
        }
        catch (DealAccessDeniedException ex)
        {
            return AssistantReply.Say("Sorry, that isn't available to you. " + ex.Message);
        }
    }

    private static string Line(RegistrationView view, bool withPartner)
    {
        var state = view.Status switch
        {
            RegistrationStatus.Approved when view.ProtectedUntil is { } until => $"approved, protected until {DealText.Date(DateOnly.FromDateTime(until.UtcDateTime))}",
            RegistrationStatus.Submitted or RegistrationStatus.UnderReview => $"{view.StatusText}, decision {(view.IsOverdue ? "overdue since" : "due")} {DealText.Date(DateOnly.FromDateTime(view.ReviewDueAt.UtcDateTime))}",
            _ => view.StatusText,
        };
        return $"- **{view.NumberText}** {view.Customer} – {view.Opportunity}{(withPartner ? $" · {view.PartnerName}" : "")} · {state} · {Money.Format(view.Amount, view.Currency)}";
    }

    private static RegistrationDraft DealRegistration(JsonObject submitted) => RegistrationDraft.FromSubmit(submitted);

    private static JsonObject? TryParseObject(string value) => CardData.TryParseObject(value);

    private static string? Text(JsonObject? data, string name) => CardData.Text(data, name);

    private static string? Coalesce(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static long? NumberFrom(string utterance, string value) =>
        RegistrationNumber.Parse(Text(TryParseObject(value), "number")) ?? RegistrationNumber.FindAll(utterance).Cast<long?>().FirstOrDefault();

    private static bool IsConfirmed(string confirmed) => string.Equals(confirmed, "true", StringComparison.OrdinalIgnoreCase);

    private string? CustomerFrom(string utterance)
    {
        if (DealLanguage.FindCustomerInQuestion(utterance) is { } customer)
        {
            return customer;
        }

        // "Fabrikam?" or "Contoso registrations": what is left without the question words.
        var rest = Regex.Replace(utterance, @"\b(is|are|was|any|anyone|who|whos|who's|else|else's|registered|registration|registrations|already|working|on|the|for|a|an|deal|deals|partners?|touch(es|ing)?|customer|account|please|check|there|do|we|have|has|tell|me|show|which|what|about)\b", " ", RegexOptions.IgnoreCase);
        rest = Regex.Replace(rest, @"[?!.,]", " ").Trim();
        rest = Regex.Replace(rest, @"\s+", " ");
        return rest.Length > 0 && rest.Split(' ').Length <= 5 ? rest : null;
    }

    private static bool? WonOrLost(string utterance)
    {
        var lower = utterance.ToLowerInvariant();
        if (Regex.IsMatch(lower, @"\b(lost|lose|didn't win|did not win|closed[- ]lost|no deal|went with a competitor)\b"))
        {
            return false;
        }

        return Regex.IsMatch(lower, @"\b(won|win|closed[- ]won|signed|booked)\b") ? true : null;
    }

    private static string? ReasonFrom(string utterance)
    {
        var match = Regex.Match(utterance, @"\b(?:because|reason:?|since|as the|due to|given that)\s+(?<reason>.+)$", RegexOptions.IgnoreCase);
        return match.Success ? match.Groups["reason"].Value.Trim() : null;
    }

    private static string? RuleFrom(string utterance) =>
        Regex.Match(utterance, @"\bRoE\s*-?\s*[1-6]\b", RegexOptions.IgnoreCase) is { Success: true } m ? DealRegistry.ParseRule(m.Value) : null;

    private static PartnerRole? RoleAfter(string utterance, Organisation who)
    {
        var lower = utterance.ToLowerInvariant();
        var name = who.Name.Split(' ')[0].ToLowerInvariant();
        var at = lower.IndexOf(name, StringComparison.Ordinal);
        var window = at >= 0 ? lower[(at + name.Length)..] : lower;
        return DealLanguage.FindRole(window) is { } role && DealCatalog.RolesFor(who.PartnerType).Contains(role) ? role : null;
    }

    private static string FormatRopi(double? ropi) => ropi is { } value ? value.ToString("0.0", CultureInfo.InvariantCulture) + "×" : "n/a (no investment recorded)";

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
}
