using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>
/// Tells people about registrations outside their own turns, in Teams: channel managers get the
/// approval card and overdue reviews; partners get decisions, reminders and expiry. Messages to a
/// partner never name another partner. Delivery is best effort: a failure is logged, never undoes
/// the change it reports. Work <see cref="Post"/>ed from a user's turn runs in the background, in
/// order, so a partner's registration never waits for the Bot Connector calls to every manager;
/// stopping the host sends what is still queued.
/// </summary>
public sealed class DealNotifier(IProactiveMessenger messenger, DirectoryService directory, DealDirectory cache, IOptions<DealOptions> options, ILogger<DealNotifier> logger)
    : IHostedService
{
    private readonly Channel<Func<CancellationToken, Task>> _queue = Channel.CreateUnbounded<Func<CancellationToken, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private Task? _worker;
    private int _pending;

    /// <summary>Queues notification work to run after the caller's change has been committed.</summary>
    public void Post(Func<CancellationToken, Task> work)
    {
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(work))
        {
            Interlocked.Decrement(ref _pending);
            logger.LogWarning("A deal notification was dropped: the host is stopping");
            return;
        }

        lock (_gate)
        {
            _worker ??= Task.Run(DrainAsync);
        }
    }

    /// <summary>Completes when everything posted so far has been sent (tests and shutdown wait on this).</summary>
    public async Task WhenIdleAsync(CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _pending) > 0)
        {
            await Task.Delay(10, cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        try
        {
            await WhenIdleAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("{Count} deal notifications were not sent before the host stopped", Volatile.Read(ref _pending));
        }

        await _stopping.CancelAsync();
    }

    private async Task DrainAsync()
    {
        await foreach (var work in _queue.Reader.ReadAllAsync())
        {
            try
            {
                await work(_stopping.Token);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "A deal notification failed");
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    public async Task RegistrationSubmittedAsync(RegistrationView view, IReadOnlyList<RegistrationView> competing, CancellationToken cancellationToken)
    {
        var registrant = await cache.FindOrganisationAsync(view.PartnerId, cancellationToken);
        var state = view.Status == RegistrationStatus.UnderReview
            ? $"in review under {DealRules.Describe(view.ConflictRule ?? DealRules.Review)}" + (view.ConflictsWith.Count > 0 ? $" (conflicts with {string.Join(", ", view.ConflictsWith)})" : "")
            : "no conflict found";
        var reply = AssistantReply.Say(
                $"New deal registration **{view.NumberText}** from {view.PartnerName} for {view.Customer} – {view.Opportunity}: {state}. " +
                $"Decision due by {DealText.Date(DateOnly.FromDateTime(view.ReviewDueAt.UtcDateTime))}.")
            .WithCard(DealCards.Review(view, competing, registrant));
        await SendAsync(await ChannelManagersAsync(cancellationToken), reply, cancellationToken);
    }

    public async Task DecisionAsync(RegistrationView view, DecisionView decision, IReadOnlyList<RegistrationView> competing, CancellationToken cancellationToken)
    {
        var outcome = decision.Kind == DecisionKind.Approved
            ? $"was **approved** under {DealRules.Describe(decision.Rule)}. It is protected until {DealText.Date(DateOnly.FromDateTime(view.ProtectedUntil!.Value.UtcDateTime))}."
            : $"was **rejected** under {DealRules.Describe(decision.Rule)}. You can correct the details and submit a new registration; if you contributed in another role, ask to be recorded in that role so you share attribution (RoE-2).";
        var owner = AssistantReply.Say($"Your registration **{view.NumberText}** ({view.Customer} – {view.Opportunity}) {outcome}\n\nReason: {decision.Reason}")
            .WithCard(DealCards.Registration(view with { ConflictsWith = [], PossibleMatch = null }, internalView: false));
        await SendAsync(await OwnersAsync(view, cancellationToken), owner, cancellationToken);

        foreach (var other in competing.Where(c => c.PartnerId != view.PartnerId))
        {
            var effect = decision.Kind == DecisionKind.Approved
                ? "The channel manager decided in its favour; contact your channel manager if you have evidence that was not considered (within 5 business days)."
                : $"Your {other.NumberText} is not affected.";
            var message = AssistantReply.Say(
                $"A competing registration for {other.Customer}, which overlapped your **{other.NumberText}**, was {(decision.Kind == DecisionKind.Approved ? "approved" : "rejected")} " +
                $"under {DealRules.Describe(decision.Rule)}. {effect}");
            await SendAsync(await OwnersAsync(other, cancellationToken), message, cancellationToken);
        }
    }

    public async Task ReminderAsync(RegistrationView view, int daysLeft, CancellationToken cancellationToken)
    {
        var until = DealText.Date(DateOnly.FromDateTime(view.ProtectedUntil!.Value.UtcDateTime));
        var advice = view.Extended
            ? "It has already been extended once, so it cannot be extended again; if the deal will not close in time, talk to your channel manager."
            : $"If the opportunity is still active and needs more time, request the one-time {options.Value.ExtensionDays}-day extension before then.";
        var reply = AssistantReply.Say($"Reminder: **{view.NumberText}** ({view.Customer} – {view.Opportunity}) loses protection in {daysLeft} day{(daysLeft == 1 ? "" : "s")}, on {until}. {advice}")
            .WithCard(DealCards.Reminder(view with { ConflictsWith = [], PossibleMatch = null }, daysLeft));
        await SendAsync(await OwnersAsync(view, cancellationToken), reply, cancellationToken);
    }

    public async Task ExpiredAsync(RegistrationView view, CancellationToken cancellationToken)
    {
        var reply = AssistantReply.Say(
            $"**{view.NumberText}** ({view.Customer} – {view.Opportunity}) has expired and no longer protects the opportunity. " +
            "Your recorded touches stay on the deal, so you still share attribution if it is won. If the customer revives the project, submit a new registration.");
        await SendAsync(await OwnersAsync(view, cancellationToken), reply, cancellationToken);
    }

    public async Task OverdueAsync(IReadOnlyList<RegistrationView> overdue, CancellationToken cancellationToken)
    {
        var lines = overdue.Select(v => $"- **{v.NumberText}** {v.PartnerName}, {v.Customer} – {v.Opportunity} ({v.StatusText}), due {DealText.Date(DateOnly.FromDateTime(v.ReviewDueAt.UtcDateTime))}");
        var reply = AssistantReply.Say($"{overdue.Count} registration review{(overdue.Count == 1 ? " is" : "s are")} overdue (decisions are due within {options.Value.ReviewBusinessDays} business days):\n\n{string.Join("\n", lines)}")
            .WithSuggestions("show the review queue");
        await SendAsync(await ChannelManagersAsync(cancellationToken), reply, cancellationToken);
    }

    private ValueTask<IReadOnlyList<string>> ChannelManagersAsync(CancellationToken cancellationToken) => cache.ChannelManagersAsync(cancellationToken);

    /// <summary>The submitter and the partner admins of the organisation: reminders must not be lost to a holiday.</summary>
    private async Task<IReadOnlyList<string>> OwnersAsync(RegistrationView view, CancellationToken cancellationToken)
    {
        var admins = await directory.ListPeopleAsync(view.PartnerId, Role.PartnerAdmin, cancellationToken);
        var submitter = await directory.FindByPersonIdAsync(view.SubmittedBy, cancellationToken);
        var people = new List<string>();
        if (submitter is { Person.Active: true } && submitter.OrganisationId == view.PartnerId)
        {
            people.Add(submitter.Person.Id);
        }

        people.AddRange(admins.Where(a => a.Active).Select(a => a.Id));
        return people.Distinct().ToList();
    }

    private async Task SendAsync(IReadOnlyList<string> people, AssistantReply reply, CancellationToken cancellationToken)
    {
        foreach (var person in people)
        {
            try
            {
                if (!await messenger.SendToPersonAsync(person, reply, cancellationToken))
                {
                    logger.LogDebug("Could not reach {PersonId} for a deal notification yet", person);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "A deal notification to {PersonId} failed", person);
            }
        }
    }
}
