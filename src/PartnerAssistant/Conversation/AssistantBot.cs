using System.Text.Json;
using System.Text.Json.Nodes;
using BotFramework;
using BotFramework.Adapter;
using BotFramework.Schema;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using PartnerAssistant.Cards;
using PartnerAssistant.Conversation.LanguageModel;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;
using PartnerAssistant.Help;

namespace PartnerAssistant.Conversation;

/// <summary>
/// Translates activities into assistant turns: finds who is speaking, keeps conversation state,
/// picks the plugin function (card actions by name; free text through the language model when one
/// is configured, else the offline router), and sends its reply. It decides nothing about deals or
/// documents itself.
/// </summary>
public sealed class AssistantBot(
    DirectoryService directory,
    ConversationStore store,
    PendingConfirmationStore confirmations,
    IntentRouter router,
    ConversationRouter conversation,
    IntentCatalog intents,
    PluginCatalog plugins,
    HelpPlugin help,
    IEnumerable<IInvokeHandler> invokeHandlers,
    TimeProvider time,
    ILogger<AssistantBot> logger,
    LanguageModelConversation? languageModel = null,
    BotAdapter? adapter = null,
    IHostApplicationLifetime? lifetime = null) : IBot
{
    public const string ConfirmIntent = "Conversation.Confirm";
    private static readonly TimeSpan PendingLifetime = PendingConfirmationStore.Lifetime;
    private readonly Dictionary<string, IInvokeHandler> _invokeHandlers = invokeHandlers.ToDictionary(h => h.Name, StringComparer.OrdinalIgnoreCase);

    public async Task OnTurnAsync(ITurnContext turn, CancellationToken cancellationToken)
    {
        switch (turn.Activity.Type)
        {
            case ActivityTypes.Message:
                await OnMessageAsync(turn, cancellationToken);
                break;
            case ActivityTypes.ConversationUpdate:
                await OnMembersAddedAsync(turn, turn.Activity.MembersAdded ?? [], cancellationToken);
                break;
            case ActivityTypes.InstallationUpdate:
                await OnInstallationUpdateAsync(turn, cancellationToken);
                break;
            case ActivityTypes.Invoke:
                await OnInvokeAsync(turn, cancellationToken);
                break;
            default:
                logger.LogDebug("Ignored a {ActivityType} activity", turn.Activity.Type);
                break;
        }
    }

    private async Task OnMessageAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        var activity = context.Activity;
        var caller = await directory.ResolveAsync(activity.From?.AadObjectId, activity.From?.Id, cancellationToken);
        if (caller is null)
        {
            await context.SendActivityAsync(NotRegistered(activity.From), cancellationToken);
            return;
        }

        await store.SaveReferenceAsync(activity, caller.Person.Id, cancellationToken);
        var utterance = TeamsChannelData.TextWithoutBotMentions(activity);
        var key = AssistantTurn.KeyOf(activity);
        var state = await store.LoadConversationAsync(key, cancellationToken);
        var stateBefore = JsonSerializer.Serialize(state);
        var turn = new AssistantTurn(caller, context, utterance, state);

        var reply = await DecideAsync(turn, stateBefore, cancellationToken);
        if (reply is not null)
        {
            await FinishAsync(turn, stateBefore, reply, context.SendActivityAsync, cancellationToken);
        }
    }

    /// <summary>Sends the reply (with a confirmation card when it asks for one) and saves what the turn changed.</summary>
    private async Task FinishAsync(AssistantTurn turn, string stateBefore, AssistantReply reply,
        Func<Activity, CancellationToken, Task<ResourceResponse>> send, CancellationToken cancellationToken)
    {
        var state = turn.State;
        if (reply.Confirmation is { } confirmation)
        {
            // The card is built from what is stored: the arguments that run on yes and the fields they write.
            var facts = confirmation.Facts.Count > 0
                ? confirmation.Facts
                : ConfirmationCard.FromArguments(plugins.TryGetFunction(confirmation.Intent, out var function) ? function : null, confirmation.Arguments);
            var stored = await confirmations.CreateAsync(turn.ConversationKey, turn.Caller.Person.Id, confirmation, facts, cancellationToken);
            reply = reply.WithCard(ConfirmationCard.Build(stored, turn.Caller.Person.DisplayName)) with { Confirmation = null };
        }

        await send(ToActivity(reply), cancellationToken);
        if (JsonSerializer.Serialize(state) != stateBefore)
        {
            await store.SaveConversationAsync(turn.ConversationKey, state, cancellationToken);
        }
    }

    /// <summary>The reply for a message; null when the language model is still working and its answer
    /// will follow as a proactive message.</summary>
    private async Task<AssistantReply?> DecideAsync(AssistantTurn turn, string stateBefore, CancellationToken cancellationToken)
    {
        var state = turn.State;
        var now = time.GetUtcNow();
        var submitted = turn.Activity.Value as JsonObject;
        var action = submitted.Field("action").Text();

        if (action == ConfirmIntent)
        {
            // A press answers the card it is on, and nothing else.
            var id = CardData.Text(submitted, "confirmationId");
            return id is null
                ? AssistantReply.Say("That confirmation card is out of date; nothing was changed. Ask again if you still want it.")
                : await ResolveConfirmationAsync(turn, id, CardData.Text(submitted, "answer") == "yes", cancellationToken);
        }

        if (action is not null)
        {
            state.Clarification = null;
            return await RunIntentAsync(turn, action, new KernelArguments { ["utterance"] = turn.Utterance, ["value"] = submitted!.ToJsonString() }, cancellationToken);
        }

        if (string.IsNullOrWhiteSpace(turn.Utterance))
        {
            return turn.Attachments.Count > 0
                ? await RunRoutedAsync(turn, "attachment", cancellationToken)
                : AssistantReply.Say("I didn't get any text. What can I help you with?");
        }

        // A typed yes or no answers the person's own latest card; writing about something else closes it.
        if (await confirmations.LatestOpenAsync(turn.ConversationKey, turn.Caller.Person.Id, cancellationToken) is { } pending)
        {
            if (Answers.IsYes(turn.Utterance) || Answers.IsNo(turn.Utterance))
            {
                return await ResolveConfirmationAsync(turn, pending.Id, Answers.IsYes(turn.Utterance), cancellationToken);
            }

            await confirmations.DropOpenAsync(turn.ConversationKey, turn.Caller.Person.Id, cancellationToken);
        }

        if (state.Clarification is { } clarification)
        {
            state.Clarification = null;
            if (now - clarification.AskedAt < PendingLifetime)
            {
                var chosen = Answers.Choice(turn.Utterance, clarification.Intents.Select(id => intents.ById.GetValueOrDefault(id)?.Summary ?? id).ToList());
                if (chosen is { } index)
                {
                    return await RunIntentAsync(turn, clarification.Intents[index], new KernelArguments { ["utterance"] = clarification.Utterance }, cancellationToken);
                }

                if (Answers.IsNo(turn.Utterance))
                {
                    return AssistantReply.Say("No problem. Tell me in other words what you need, or say \"help\" to see what I can do.");
                }
            }
        }

        if (conversation.Refusal(turn.Utterance) is { } refusal)
        {
            return AssistantReply.Say(refusal);
        }

        return languageModel is null
            ? await RunPlannedAsync(turn, cancellationToken)
            : await AnswerWithLanguageModelAsync(languageModel, turn, stateBefore, cancellationToken);
    }

    private async Task<AssistantReply?> AnswerWithLanguageModelAsync(LanguageModelConversation model, AssistantTurn turn, string stateBefore, CancellationToken cancellationToken)
    {
        // A slow answer outlives the channel's request, so the model works on the host's token, not the request's.
        var work = model.RespondAsync(turn, lifetime?.ApplicationStopping ?? CancellationToken.None);
        if (adapter is not null && CanAnswerLater(turn.Activity))
        {
            var first = await Task.WhenAny(work, Task.Delay(model.AcknowledgeAfter, time, cancellationToken));
            if (first != work)
            {
                await turn.Context.SendActivityAsync(ToActivity(AssistantReply.Say("Working on it…")), cancellationToken);
                _ = AnswerLaterAsync(adapter, turn, stateBefore, work);
                return null;
            }
        }

        return await FromOutcomeAsync(turn, await work, cancellationToken);
    }

    /// <summary>Delivers a slow answer into the same conversation once it is ready, then saves the state.</summary>
    private async Task AnswerLaterAsync(BotAdapter botAdapter, AssistantTurn turn, string stateBefore, Task<LanguageModelOutcome> work)
    {
        var stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
        var reference = turn.Activity.GetConversationReference();
        try
        {
            LanguageModelOutcome outcome;
            using (var typing = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                var keepTyping = KeepTypingAsync(botAdapter, reference, typing.Token);
                try
                {
                    outcome = await work;
                }
                finally
                {
                    await typing.CancelAsync();
                    await keepTyping;
                }
            }

            var reply = await FromOutcomeAsync(turn, outcome, stopping);
            await botAdapter.ContinueConversationAsync(reference,
                (proactive, ct) => FinishAsync(turn, stateBefore, reply, proactive.SendActivityAsync, ct), stopping);
            logger.LogInformation("Delivered a slow language model answer to {Person}", turn.Caller.Person.Id);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not deliver the language model's answer to {Person}", turn.Caller.Person.Id);
            try
            {
                await botAdapter.ContinueConversationAsync(reference,
                    (proactive, ct) => proactive.SendTextAsync("Sorry, I couldn't finish that answer. Please ask again.", ct), stopping);
            }
            catch (Exception again)
            {
                logger.LogWarning(again, "Could not send the apology either");
            }
        }
    }

    /// <summary>Typing indicators while a slow answer is being worked on (Teams shows each for a few seconds).</summary>
    private async Task KeepTypingAsync(BotAdapter botAdapter, ConversationReference reference, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await botAdapter.ContinueConversationAsync(reference, (proactive, ct) => proactive.SendActivityAsync(new Activity { Type = ActivityTypes.Typing }, ct), stop);
                await Task.Delay(TimeSpan.FromSeconds(3), time, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (BotFramework.Connector.ConnectorException ex)
        {
            logger.LogDebug(ex, "Could not send a typing indicator");
        }
    }

    /// <summary>When the model has no answer: say why and, where the offline router understands the request, answer it that way.</summary>
    private async Task<AssistantReply> FromOutcomeAsync(AssistantTurn turn, LanguageModelOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.Reply is { } reply)
        {
            return reply;
        }

        var note = outcome.Problem == LanguageModelProblem.Busy ? LanguageModelOutcome.BusyMessage : LanguageModelOutcome.UnavailableMessage;
        var decision = await router.RouteAsync(turn.Utterance, turn.Caller.Role, cancellationToken);
        if (decision.Kind == RouteKind.Unknown)
        {
            return AssistantReply.Say(outcome.Problem == LanguageModelProblem.Busy ? note : note + " Please try again in a minute.");
        }

        var routed = await RunDecisionAsync(turn, decision, cancellationToken);
        return routed with { Text = $"{note} Here is what I can tell without it:\n\n{routed.Text}" };
    }

    // Replies after the request has ended need a channel that accepts them (not expectReplies).
    private static bool CanAnswerLater(Activity activity) =>
        activity.DeliveryMode != DeliveryModes.ExpectReplies && Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out _);

    /// <summary>Free text without a language model: the conversation router's plan, each step run in order and the replies
    /// combined (two questions, two answers), under "Showing results for…" when a spelling correction changed what was asked.</summary>
    private async Task<AssistantReply> RunPlannedAsync(AssistantTurn turn, CancellationToken cancellationToken)
    {
        var plan = await conversation.PlanAsync(turn.Caller, turn.Utterance, turn.State, cancellationToken);
        if (plan.Reply is { } refusal)
        {
            return AssistantReply.Say(refusal);
        }

        var replies = new List<AssistantReply>();
        foreach (var step in plan.Steps)
        {
            logger.LogInformation("Planned {Step} {Intent}", step.Kind, step.Intent?.Id);
            switch (step)
            {
                case { Kind: StepKind.Run, Intent: { } intent }:
                    turn.RememberEmbedding(step.Text, step.Vector);
                    var reply = await RunIntentAsync(turn, intent.Id, new KernelArguments { ["utterance"] = step.Text }, cancellationToken);
                    replies.Add(step.Offers.Count == 0 ? reply : reply with { Suggestions = [.. reply.Suggestions, .. step.Offers] });
                    break;
                case { Kind: StepKind.NotFound, Reply: { } notFound }:
                    replies.Add(AssistantReply.Say(notFound));
                    break;
                case { Kind: StepKind.Clarify, Candidates.Count: > 0 }:
                    replies.Add(Clarify(turn, step.Text, step.Candidates));
                    break;
                default:
                    replies.Add(AssistantReply.Say("Sorry, I can't help with that yet.\n\n" + help.Welcome(turn.Caller, greet: false)));
                    break;
            }
        }

        var combined = AssistantReply.Combine(replies);
        return plan.Understood is { } understood ? combined with { Text = $"Showing results for \"{understood}\".\n\n{combined.Text}" } : combined;
    }

    private async Task<AssistantReply> RunRoutedAsync(AssistantTurn turn, string utterance, CancellationToken cancellationToken) =>
        await RunDecisionAsync(turn, await router.RouteAsync(utterance, turn.Caller.Role, cancellationToken), cancellationToken);

    private async Task<AssistantReply> RunDecisionAsync(AssistantTurn turn, RouteDecision decision, CancellationToken cancellationToken)
    {
        logger.LogInformation("Routed to {Route} {Intent} with score {Score:F2}", decision.Kind, decision.Intent?.Id, decision.Score);
        switch (decision.Kind)
        {
            case RouteKind.Run:
                return await RunIntentAsync(turn, decision.Intent!.Id, new KernelArguments { ["utterance"] = turn.Utterance }, cancellationToken);
            case RouteKind.Clarify:
                return Clarify(turn, turn.Utterance, decision.Candidates);
            default:
                return AssistantReply.Say("Sorry, I can't help with that yet.\n\n" + help.Welcome(turn.Caller, greet: false));
        }
    }

    private AssistantReply Clarify(AssistantTurn turn, string utterance, IReadOnlyList<IntentScore> candidates)
    {
        turn.State.Clarification = new PendingClarification(utterance, candidates.Select(c => c.Intent.Id).ToList(), time.GetUtcNow());
        var options = candidates.Select((c, i) => $"{i + 1}. {c.Intent.Summary}");
        return AssistantReply.Say("I'm not sure which you meant. Did you want to:\n\n" + string.Join("\n", options) + "\n\nAnswer with a number, or rephrase.")
            .WithSuggestions(candidates.Select(c => c.Intent.Summary).ToArray());
    }

    /// <summary>
    /// Answers one stored confirmation. Taking it is one conditional UPDATE, so of any number of concurrent yeses
    /// exactly one runs the write — with the stored arguments only (nothing of the answering message).
    /// </summary>
    private async Task<AssistantReply> ResolveConfirmationAsync(AssistantTurn turn, string confirmationId, bool confirmed, CancellationToken cancellationToken)
    {
        var attempt = await confirmations.ConsumeAsync(confirmationId, turn.ConversationKey, turn.Caller.Person.Id,
            confirmed ? ConfirmationOutcome.Confirmed : ConfirmationOutcome.Cancelled, cancellationToken);
        var pending = attempt.Confirmation;
        switch (attempt.Result)
        {
            case ConsumeResult.SomeoneElses:
                logger.LogWarning("{Person} answered a confirmation that waits for {Owner}", turn.Caller.Person.Id, pending!.PersonId);
                return AssistantReply.Say("That confirmation is someone else's: only the person who asked for the change can answer it. Nothing was changed.");
            case ConsumeResult.AlreadyAnswered when pending!.Outcome == ConfirmationOutcome.Confirmed:
                return AssistantReply.Say($"That was already confirmed ({pending.Summary}); it is done once, so nothing more was changed.");
            case ConsumeResult.AlreadyAnswered when pending!.Outcome == ConfirmationOutcome.Cancelled:
                return AssistantReply.Say($"That was already cancelled ({pending.Summary}). Ask again if you want it after all.");
            case ConsumeResult.Taken:
                break;
            default:
                return AssistantReply.Say("There is nothing waiting for your confirmation any more. Ask again if you still want it.");
        }

        if (!confirmed)
        {
            return AssistantReply.Say($"Cancelled: {pending!.Summary}. Nothing was changed.");
        }

        logger.LogInformation("{Person} confirmed {Intent} ({Confirmation})", turn.Caller.Person.Id, pending!.Intent, pending.Id);
        var arguments = new KernelArguments { ["utterance"] = "" };
        foreach (var (name, value) in pending.Arguments)
        {
            arguments[name] = value;
        }

        arguments[ToolCallGuard.ConfirmedArgument] = "true";
        return await RunIntentAsync(turn, pending.Intent, arguments, cancellationToken);
    }

    /// <summary>Runs an intent's plugin function for the turn's caller, if their role may use it.</summary>
    public async Task<AssistantReply> RunIntentAsync(AssistantTurn turn, string intentId, KernelArguments arguments, CancellationToken cancellationToken)
    {
        if (intents.ById.TryGetValue(intentId, out var intent) && !intent.AllowsRole(turn.Caller.Role))
        {
            logger.LogWarning("{Person} ({Role}) asked for {Intent}, which their role may not use", turn.Caller.Person.Id, turn.Caller.Role, intentId);
            return AssistantReply.Say("Sorry, that isn't available for your role.");
        }

        if (!plugins.TryGetFunction(intentId, out var function))
        {
            logger.LogWarning("No plugin function for intent {Intent}", intentId);
            return AssistantReply.Say("Sorry, that action isn't available.");
        }

        var kernel = plugins.CreateKernel(turn);
        var result = await function.InvokeAsync(kernel, arguments, cancellationToken);
        return result.GetValue<object>() switch
        {
            AssistantReply reply => reply,
            string text => AssistantReply.Say(text),
            null => AssistantReply.Say("Done."),
            var other => AssistantReply.Say(other.ToString() ?? "Done."),
        };
    }

    private async Task OnMembersAddedAsync(ITurnContext context, IReadOnlyList<ChannelAccount> members, CancellationToken cancellationToken)
    {
        foreach (var member in members)
        {
            if (member.Id is null || member.Id == context.Activity.Recipient?.Id)
            {
                continue;
            }

            var caller = await directory.ResolveAsync(member.AadObjectId, member.Id, cancellationToken);
            if (caller is not null && context.Activity.From?.Id == member.Id)
            {
                await store.SaveReferenceAsync(context.Activity, caller.Person.Id, cancellationToken);
            }

            var welcome = caller is null
                ? NotRegistered(member)
                : ToActivity(AssistantReply.Say(help.Welcome(caller, greet: true)));
            welcome.Recipient = new ChannelAccount { Id = member.Id, Name = member.Name, AadObjectId = member.AadObjectId };
            await context.SendActivityAsync(welcome, cancellationToken);
        }
    }

    private async Task OnInstallationUpdateAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        var activity = context.Activity;
        if (activity.Action?.StartsWith("remove", StringComparison.OrdinalIgnoreCase) == true)
        {
            await store.RemoveReferencesAsync(activity.ChannelId ?? "", activity.Conversation!.Id!, cancellationToken);
            return;
        }

        // A personal install also sends membersAdded with the user; greet once, there.
        if (TeamsChannelData.ConversationType(activity) != "personal")
        {
            var caller = await directory.ResolveAsync(activity.From?.AadObjectId, activity.From?.Id, cancellationToken);
            if (caller is not null)
            {
                await store.SaveReferenceAsync(activity, caller.Person.Id, cancellationToken);
                await context.SendActivityAsync(ToActivity(AssistantReply.Say(help.Welcome(caller, greet: true))), cancellationToken);
            }
        }
    }

    private async Task OnInvokeAsync(ITurnContext context, CancellationToken cancellationToken)
    {
        var activity = context.Activity;
        if (activity.Name is null || !_invokeHandlers.TryGetValue(activity.Name, out var handler))
        {
            logger.LogInformation("No handler for invoke {InvokeName}", activity.Name);
            return;
        }

        var caller = await directory.ResolveAsync(activity.From?.AadObjectId, activity.From?.Id, cancellationToken);
        if (caller is null)
        {
            context.InvokeResponse = handler.NotRegistered(activity);
            return;
        }

        var state = await store.LoadConversationAsync(AssistantTurn.KeyOf(activity), cancellationToken);
        var turn = new AssistantTurn(caller, context, "", state);
        context.InvokeResponse = await handler.HandleAsync(turn, this, cancellationToken);
    }

    public static Activity ToActivity(AssistantReply reply)
    {
        var activity = Activity.CreateMessage(reply.Text);
        activity.TextFormat = "markdown";
        if (reply.Cards.Count > 0)
        {
            activity.Attachments = reply.Cards.Select(c => Attachment.AdaptiveCard(c)).ToList();
        }

        if (reply.Suggestions.Count > 0)
        {
            activity.SuggestedActions = new SuggestedActions
            {
                Actions = reply.Suggestions.Select(s => new CardAction { Type = "imBack", Title = s, Value = s }).ToList(),
            };
        }

        return activity;
    }

    private static Activity NotRegistered(ChannelAccount? who)
    {
        var name = who?.Name is { Length: > 0 } n ? $" {n.Split(' ')[0]}" : "";
        return Activity.CreateMessage(
            $"Hi{name}! I'm Partner Assistant for the Northbeam Partner Network, but I don't have you in the partner directory yet, " +
            "so I can't help with program information or deals. Please ask your partner administrator or your Northbeam channel manager to add you" +
            (who?.Id is { Length: > 0 } id ? $" (quote your channel id: {id})." : "."));
    }
}

/// <summary>Answers one kind of invoke activity (by its <c>name</c>) in the HTTP response.</summary>
public interface IInvokeHandler
{
    string Name { get; }

    Task<InvokeResponse> HandleAsync(AssistantTurn turn, AssistantBot bot, CancellationToken cancellationToken);

    /// <summary>The answer for someone who is not in the directory.</summary>
    InvokeResponse NotRegistered(Activity activity) => new(403, new JsonObject { ["error"] = "You are not registered with the Northbeam Partner Network assistant." });
}
