using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PartnerAssistant.People;

namespace PartnerAssistant.Conversation.Routing;

public enum StepKind
{
    /// <summary>Run <see cref="PlannedStep.Intent"/> with <see cref="PlannedStep.Text"/>.</summary>
    Run,

    /// <summary>Say <see cref="PlannedStep.Reply"/>: the message names something the caller cannot see or that does not exist.</summary>
    NotFound,

    /// <summary>Ask which of <see cref="PlannedStep.Candidates"/> was meant.</summary>
    Clarify,
}

/// <summary>One question or request of a message and what to do about it.</summary>
public sealed record PlannedStep(StepKind Kind, string Text, Intent? Intent, string? Reply, IReadOnlyList<IntentScore> Candidates)
{
    /// <summary>The sentence embedding of the masked text when routing computed one; the knowledge base reuses it.</summary>
    public ReadOnlyMemory<float> Vector { get; init; }

    /// <summary>Requests to offer as buttons: the action a question was near, when the knowledge base answered it.</summary>
    public IReadOnlyList<string> Offers { get; init; } = [];

    public static PlannedStep Run(Intent intent, string text, ReadOnlyMemory<float> vector) => new(StepKind.Run, text, intent, null, []) { Vector = vector };

    /// <summary>How the router scored the text (best first), for logs and the accuracy report.</summary>
    public IReadOnlyList<IntentScore> Scores { get; init; } = [];
}

/// <summary>What to do with a message: a reply of its own (bad input), or one step per question it asks.</summary>
public sealed record TurnPlan(string? Reply, IReadOnlyList<PlannedStep> Steps, CorrectedText? Correction)
{
    /// <summary>The corrected message, when a correction changed a word that carries meaning ("Showing results for…").</summary>
    public string? Understood => Correction is { ChangedMeaning: true } correction ? correction.Text : null;

    public static TurnPlan Refuse(string reply) => new(reply, [], null);
}

/// <summary>
/// The offline front door for free text: decides what a message asks for. It checks the text (empty, too
/// long, emoji only, another language), corrects spelling against the assistant's own vocabulary, splits
/// two or three questions, reads follow-ups against the question before, routes each part with
/// <see cref="IntentRouter"/>, sends a question about how something works to the knowledge base even when an
/// action's wording is closer (offering the action as a button), and lets an action that needs a
/// registration, customer, MDF request or partner run only when the message names one the caller may see, and
/// only in the stage of that thing it applies to (<see cref="Intent.When"/>). Beyond the scores it reads the
/// message's shape: a reference back to what an action just showed stays with that plugin, a condition right
/// after a score is a what-if, a question to the assistant about itself is for help, profile or why, an
/// imperative prefers the request of two close readings, and a remark beside a request is context, not a question.
/// It runs nothing itself: <see cref="AssistantBot"/> runs the plan's steps.
/// </summary>
public sealed partial class ConversationRouter(
    IntentRouter router,
    IntentCatalog catalog,
    AssistantVocabularyProvider vocabularies,
    IEnumerable<IMentionResolver> resolvers,
    IOptions<RouterOptions> options,
    TimeProvider time)
{
    private readonly Dictionary<MentionKind, IMentionResolver> _resolvers = resolvers.ToDictionary(r => r.Kind);
    private readonly ExampleWords _exampleWords = new(catalog);
    private readonly HashSet<string> _askedAsQuestion = catalog.All
        .Where(i => i.Examples.Count > 0 && i.Examples.Count(IsQuestion) * 2 > i.Examples.Count).Select(i => i.Id).ToHashSet(StringComparer.OrdinalIgnoreCase);

    // Examples of an action that lean on the turn before for what they act on ("approve that MDF request") still go through
    // the follow-up reading; "why did you say that?" needs no referent.
    private readonly HashSet<string> _examples = catalog.All
        .SelectMany(i => i.Examples.Where(e => i.Needs == MentionKind.None || !FollowUps.HasPronoun(e))).Select(Normalised).ToHashSet(StringComparer.Ordinal);

    /// <summary>How far under the best score a decision of the other polarity, or one a statement's words name, may be
    /// and still be the one meant: about the spread of the scores of two intents whose examples differ in one word.</summary>
    public const double PairWindow = 0.1;

    /// <summary>How far below the documents an action may score and still take a question for records ("which registrations
    /// run out before the end of the month"), or a statement that asks nothing about how things work ("I've got half an hour
    /// before lunch to clear registration decisions"): their words are the documents' too, and the documents hold no records
    /// and answer questions.</summary>
    public const double RecordsWindow = 0.15;

    /// <summary>The reply for a message that cannot be routed at all (empty, too long, emoji only, another
    /// language), or null. Checked before the language model too, so neither path guesses at such input.</summary>
    public string? Refusal(string utterance) => UtteranceCheck.Check(utterance, options.Value.MaxUtteranceLength).Problem;

    public async Task<TurnPlan> PlanAsync(Caller caller, string utterance, ConversationState state, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (text, problem) = UtteranceCheck.Check(utterance, settings.MaxUtteranceLength);
        if (problem is not null)
        {
            return TurnPlan.Refuse(problem);
        }

        var vocabulary = await vocabularies.GetAsync(cancellationToken);
        var corrected = SpellingCorrector.Correct(text, vocabulary);
        var split = QuestionSplitter.Split(corrected.Text);
        var now = time.GetUtcNow();
        var context = split.Lead is { } lead
            ? new TurnContext(lead, settings.FallbackIntent, now)
            : FollowUps.Previous(state, now, settings.FollowUpWindow);

        var steps = new List<PlannedStep>();
        var typedParts = new Dictionary<PlannedStep, string>(ReferenceEqualityComparer.Instance);
        var contexts = new Dictionary<PlannedStep, TurnContext>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < split.Parts.Count; i++)
        {
            var part = split.Parts[i];
            // A part that is word for word an intent's example ("why did you say that?") means that intent, whatever came before.
            var followUp = IsExample(part) ? null : FollowUps.Resolve(part, context, vocabulary, continues: i > 0, knowledgeIntent: settings.FallbackIntent);
            var effective = followUp?.Text ?? part;
            var step = await PlanPartAsync(caller, part, effective, followUp?.SameIntentAs, context, split.Parts.Count > 1, cancellationToken);
            if (AsksForTheAnswerBefore(part, step, steps))
            {
                continue;
            }

            var planned = followUp is null && split.Parts.Count < QuestionSplitter.MaxParts
                ? await ConjoinedAsync(caller, part, step, context, cancellationToken) ?? [step]
                : [step];
            foreach (var one in planned)
            {
                steps.Add(one);
                typedParts[one] = one == step ? part : one.Text;
                if (one is { Kind: StepKind.Run, Intent: { } ran })
                {
                    context = contexts[one] = new TurnContext(one.Text, ran.Id, now);
                }
            }
        }

        // "hi, can you show my registrations?" is a request; the greeting needs no answer of its own.
        if (steps.Count > 1)
        {
            steps.RemoveAll(s => s.Intent?.Plugin == "Help" && s.Intent.Function == "Greet");
        }

        // "can we get extra time on DR-1028? signing slipped by 6 wks": beside a request, a remark that only the knowledge base
        // took is context for the request, not a question of its own, and the documents have nothing to say to it.
        // Read as typed: a follow-up spelt out has lost its question mark. A request ("tell me about the MDF policy") stays.
        if (steps.Count > 1 && steps.Any(s => s.Kind == StepKind.Run && s.Intent?.Id != settings.FallbackIntent)
            && steps.RemoveAll(s => s.Kind == StepKind.Run && s.Intent?.Id == settings.FallbackIntent && IsRemark(typedParts[s])) > 0)
        {
            // What the next turn refers back to is the last step kept, not the remark.
            context = steps.LastOrDefault(s => contexts.ContainsKey(s)) is { } kept ? contexts[kept] : context;
        }

        // The same step twice says the same thing twice; the sources of the last answer are the same however they were asked for.
        steps = steps.DistinctBy(s => (s.Kind, s.Intent?.Id, s.Intent?.Id == WhyIntent ? "" : s.Text.ToLowerInvariant())).ToList();
        if (context is not null && steps.LastOrDefault() is { Kind: StepKind.Run })
        {
            FollowUps.Remember(state, context);
        }

        return new TurnPlan(null, steps, corrected);
    }

    /// <summary>"feeder 4 telemetry: load 1.2, voltage 0.93, … What's the fault risk?": a question after a step that runs an
    /// action, which that action reads best of all, asks for that action's answer, unless it asks how something works ("…, and
    /// remind me how long an extension lasts", "… How long can a registration be extended in total?"); the documents have
    /// nothing to add.</summary>
    private bool AsksForTheAnswerBefore(string part, PlannedStep step, List<PlannedStep> before) =>
        step is { Kind: StepKind.Run, Intent: { } asked } && asked.Id == options.Value.FallbackIntent && !QuestionForm.Of(part).AsksAboutRules
        && before.LastOrDefault() is { Kind: StepKind.Run, Intent: { } ran } && IsAction(ran)
        && step.Scores.MaxBy(s => s.Score)?.Intent == ran;

    /// <summary>
    /// "show the review queue and the pending tier proposals", "PSAT for MSPs this quarter, plus the program overview": two
    /// things asked for with one verb, which the splitter offers as a possible reading (<see cref="QuestionSplitter.Conjoined"/>)
    /// but cannot settle from the words alone. When each goes to a different action, or the second is a question about how
    /// something works, both are run. Null when the part asks for one thing.
    /// </summary>
    private async Task<IReadOnlyList<PlannedStep>?> ConjoinedAsync(Caller caller, string part, PlannedStep whole, TurnContext? context, CancellationToken cancellationToken)
    {
        var fallback = options.Value.FallbackIntent;
        if (whole.Kind is not (StepKind.Run or StepKind.Clarify) || whole.Intent?.Id == fallback || IsQuestion(part))
        {
            return null;
        }

        // Without a shared verb or a word that only adds ("plus"), an "and" inside a request that ran is part of what it asks.
        foreach (var pair in QuestionSplitter.Conjoined(part).Where(p => p.SharedVerb || p.Additive || whole.Kind == StepKind.Clarify))
        {
            var first = await PlanPartAsync(caller, pair.First, pair.First, null, context, several: false, cancellationToken);
            var second = await PlanPartAsync(caller, pair.Second, pair.Second, null, context, several: false, cancellationToken);
            if (first is { Kind: StepKind.Run, Intent: { } a } && IsAction(a) && second is { Kind: StepKind.Run, Intent: { } b } && a != b
                && (IsAction(b) || (b.Id == fallback && pair.AsksHowItWorks)) && (whole.Kind == StepKind.Clarify || whole.Intent == a || whole.Intent == b))
            {
                return [first, second];
            }
        }

        return null;
    }

    /// <param name="caller">Who asks.</param>
    /// <param name="typed">The part as typed (after spelling).</param>
    /// <param name="text">The part as read against what came before (a follow-up spelt out).</param>
    /// <param name="sameIntentAs">The intent of the question a follow-up repeats about something else ("what about Gold?").</param>
    /// <param name="previous">The question before.</param>
    /// <param name="several">The message asks more than one thing.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    private async Task<PlannedStep> PlanPartAsync(Caller caller, string typed, string text, string? sameIntentAs, TurnContext? previous, bool several, CancellationToken cancellationToken)
    {
        var role = caller.Role;
        var fallback = catalog.ById.GetValueOrDefault(options.Value.FallbackIntent) is { } f && f.AllowsRole(role) ? f : null;

        var vocabulary = await vocabularies.GetAsync(cancellationToken);
        var entities = MessageEntities.Find(text, vocabulary);

        // "would co-sell help?", "and with co-sell?", "and if Keystone came on as an SI?" right after a deal was scored is a
        // what-if on that deal; a message naming another deal or customer ("what are our chances with Adventure Works?"), or
        // an intent's own example, is a new question.
        var afterScore = previous?.Intent.StartsWith("Prediction.", StringComparison.Ordinal) == true;
        // What the person typed decides whether another deal is named: a follow-up spelt out names the scored one.
        if (afterScore && !MessageEntities.Find(typed, vocabulary).Any(e => e.Class is EntityClass.Customer or EntityClass.Registration) && !IsExample(typed)
            && (WhatIfForm().IsMatch(typed) || WhatIfForm().IsMatch(text) || WhatIfCompare().IsMatch(typed) || (WhatIfChange().IsMatch(typed) && BackReference().IsMatch(typed)))
            && catalog.ById.GetValueOrDefault("Prediction.WhatIf") is { } whatIf && whatIf.AllowsRole(role))
        {
            return PlannedStep.Run(whatIf, text, ReadOnlyMemory<float>.Empty);
        }

        // "where's that from?", "says who?" right after an answer asks for the answer's sources, not for its topic again.
        if (previous is not null && FollowUps.AsksAboutTheAnswer(typed)
            && catalog.ById.GetValueOrDefault(WhyIntent) is { } why && why.AllowsRole(role))
        {
            return PlannedStep.Run(why, text, ReadOnlyMemory<float>.Empty);
        }

        var input = new MatcherInput(text, catalog.Names.Mask(WithNamesMasked(text, entities)));
        var decision = await router.RouteAsync(input, role, cancellationToken);
        decision = await ApplicableAsync(caller, text, decision, role, cancellationToken);
        if (sameIntentAs is not null && catalog.ById.GetValueOrDefault(sameIntentAs) is { } repeated && repeated.AllowsRole(role))
        {
            // The same question as before about something else: the same intent, whatever the words alone score.
            decision = decision with { Kind = RouteKind.Run, Intent = repeated };
        }

        if (decision is { Kind: RouteKind.Run, Intent: { Plugin: "Help", Function: "Greet" } greet } && fallback is not null && !IsGreeting(text, greet))
        {
            // A greeting is short or starts as one; a sentence that only shares words with one ("translate 'good morning' …") is not one.
            decision = decision with { Intent = fallback };
        }

        if (input.Masked != text)
        {
            // The vector is of the text with its names replaced: fine for routing, but the knowledge base should search
            // with the name ("Builders Cup"), so it embeds the question itself.
            decision = decision with { Vector = ReadOnlyMemory<float>.Empty };
        }

        var form = QuestionForm.Of(text);
        if (form.IsOutOfScope && fallback is not null)
        {
            // "write a haiku about deal registration": no action writes poems, whatever words it shares with one.
            return Knowledge(fallback, text, decision, []);
        }

        // A registration or MDF request number makes a question about that one thing ("when does DR-1042 expire?"), unless
        // it asks about the rule in general ("can I extend it more than once?").
        var named = entities.Any(e => e.Class is EntityClass.Registration or EntityClass.MdfRequest) && !form.AsksInGeneral;

        // Near scores are settled by the words that tell neighbours apart: a statement of what happened, which way a
        // decision goes, what the message names, a word only one candidate is asked with.
        decision = await SettleAsync(caller, text, input, decision, cancellationToken);

        // "yo any news on MDF-3": a reading that needs a registration when the message names only an MDF request (or the other
        // way round) gives way to a near reading that needs what the message names, and decides the same way ("reject MDF-2").
        if (decision is { Kind: RouteKind.Run, Intent.Needs: MentionKind.Registration or MentionKind.MdfRequest } && NumberedOnly(entities) is { } kind
            && decision.Intent.Needs != kind && decision.Scores.FirstOrDefault(s => s.Intent.Needs == kind && s.Score >= decision.Score - PairWindow
                && (decision.Intent.Decision == DecisionPolarity.None || s.Intent.Decision == decision.Intent.Decision)) is { } fits)
        {
            decision = Run(decision, fits.Intent);
        }

        // "what can this thing do for an enablement editor?", "does the bot have me down as an admin?": a message about the
        // assistant itself is for the intents that answer for it (help, profile, data, why), when one is among the best;
        // the documents describe the program, not the assistant.
        if (fallback is not null && AddressesAssistant().IsMatch(text) && decision.Scores.FirstOrDefault() is { } top && (top.Intent == fallback || IsAboutAssistant(top.Intent))
            && decision.Scores.FirstOrDefault(s => IsAboutAssistant(s.Intent)) is { } self
            && self.Score >= options.Value.RequestScore && self.Score >= top.Score - PairWindow)
        {
            return (await ResolveAsync(caller, self.Intent, text, decision, fallback, weak: false, cancellationToken))!;
        }

        if (decision.Kind == RouteKind.Clarify)
        {
            if (fallback is not null && (form.IsPolicyQuestion || form.IsMixed) && !named && decision.Candidates.FirstOrDefault()?.Intent.AnswersQuestions != true)
            {
                return Knowledge(fallback, text, decision, decision.Candidates.Select(c => c.Intent));
            }

            // "approve MDF-3": the readings all act on one thing the message names; when it is not found, say so rather than ask
            // which reading was meant.
            // (The same resolution as a run: a customer nobody registered is an answer of its own, not a missing thing.)
            if (decision.Candidates.Select(c => c.Intent.Needs).Distinct().Count() == 1 && decision.Candidates[0].Intent.Needs != MentionKind.None
                && await ResolveAsync(caller, decision.Candidates[0].Intent, text, decision, fallback, weak: true, cancellationToken) is { Kind: StepKind.NotFound } missing)
            {
                return missing;
            }

            // Of an action and the documents, the action's, when what it acts on is found: a question for records ("…if a partner
            // already has it protected"), one naming what the action acts on ("is Wingtip Toys spoken for?"), or a message that asks
            // nothing beside the documents alone ("sending over our ESG self-assessment, signed by our CEO"): the documents answer
            // questions.
            if (fallback is not null && !form.AsksHowItWorks
                && decision.Candidates.FirstOrDefault(c => c.Intent != fallback) is { } records && IsAction(records.Intent)
                && (form.AsksForRecords || (decision.Candidates.Any(c => c.Intent == fallback)
                    && (records.Intent.Needs != MentionKind.None || (!IsQuestion(typed) && decision.Candidates.Count == 2))))
                && await ResolveAsync(caller, records.Intent, text, decision, fallback, weak: true, cancellationToken) is { Kind: StepKind.Run } asked)
            {
                return asked;
            }

            if (!several)
            {
                return new PlannedStep(StepKind.Clarify, text, null, null, decision.Candidates) { Vector = decision.Vector, Scores = decision.Candidates };
            }

            // Within a message of several questions, no question back: the closest intent answers.
            decision = decision with { Kind = RouteKind.Run, Intent = decision.Candidates[0].Intent };
        }

        if (decision.Kind != RouteKind.Run || decision.Intent is not { } intent)
        {
            return new PlannedStep(StepKind.Clarify, text, null, null, []) { Vector = decision.Vector, Scores = decision.Candidates };
        }

        if (fallback is not null && intent != fallback && !intent.AnswersQuestions && (form.IsPolicyQuestion || form.IsMixed) && !named && !IsVerbatim(decision)
            && !FarAhead(decision, intent, fallback))
        {
            return Knowledge(fallback, text, decision, [intent]);
        }

        // "we have a 250k deal in LATAM…, would an influence partner change anything?" with no deal scored before: the
        // described deal is scored, and its score answers the what-if.
        if (intent.Id == "Prediction.WhatIf" && !afterScore && DealSize().IsMatch(text)
            && catalog.ById.GetValueOrDefault("Prediction.ScoreDescribedDeal") is { } describe && describe.AllowsRole(role))
        {
            intent = describe;
        }

        // The knowledge base answers questions; a request or a statement ("bin DR-1041, it's a dupe", "we'd like some
        // co-funding for a hackathon") that an action is near enough to goes to that action.
        // A question that names what the best (if weak) match acts on, and the caller may see it ("is Wingtip Toys spoken for?").
        if (intent == fallback && !form.AsksHowItWorks && await ActingOnNamedAsync(caller, text, decision, cancellationToken) is { } acting)
        {
            intent = acting;
        }

        // "whats the word on 1022": a message naming one registration (or MDF request) the caller may see, that nothing
        // else matched, asks about that one.
        if (intent == fallback && !form.AsksHowItWorks && await ShowingNamedAsync(caller, text, role, cancellationToken) is { } shown)
        {
            return shown with { Scores = decision.Candidates };
        }

        // "which of those run out soonest?" right after a list of registrations: a question about what an action just showed
        // is for that plugin's actions, if one is near enough, not for the documents.
        if (intent == fallback && previous is not null && !form.AsksHowItWorks && Anaphor().IsMatch(typed)
            && catalog.ById.GetValueOrDefault(previous.Intent) is { } before && IsAction(before)
            && decision.Scores.FirstOrDefault(s => s.Intent != fallback) is { } near && near.Intent.Plugin == before.Plugin && near.Score >= ShownScore
            && near.Score >= ScoreOf(decision, fallback)
            && await ResolveAsync(caller, near.Intent, text, decision, fallback, weak: true, cancellationToken) is { } onWhatWasShown)
        {
            return onWhatWasShown;
        }

        if (intent == fallback && (form.IsImperative || form.AsksForRecords || (!IsQuestion(text) && !form.AsksHowItWorks) || (!form.AsksHowItWorks && LeadsFallback(decision, fallback) >= WeakLead))
            && decision.Candidates.FirstOrDefault(c => c.Intent != fallback) is { } action && IsAction(action.Intent) && action.Score >= options.Value.RequestScore
            && action.Score >= ScoreOf(decision, fallback) - (form.AsksForRecords || (!IsQuestion(text) && !form.AsksHowItWorks) ? RecordsWindow : PairWindow))
        {
            // So weak a match stands only when what it acts on is named ("tell me a joke" is no registration lookup).
            if (await ResolveAsync(caller, action.Intent, text, decision, fallback, weak: true, cancellationToken) is { } request)
            {
                return request;
            }
        }

        var planned = (await ResolveAsync(caller, intent, text, decision, fallback, weak: false, cancellationToken))!;

        // The knowledge base answers, and an action was a plausible reading too ("what info do I need to register a deal?"):
        // the action is offered as a button rather than guessed.
        return planned is { Kind: StepKind.Run, Offers.Count: 0 } && planned.Intent == fallback && fallback is not null
            ? Knowledge(fallback, text, decision, decision.Scores.Where(s => s.Intent != fallback && s.Score >= options.Value.ClarifyScore).Select(s => s.Intent))
            : planned;
    }

    /// <summary>How many of the best scores are checked against the named thing's stage: beyond them no intent would run.</summary>
    private const int StagedCandidates = 5;

    /// <summary>The decision without the intents that cannot apply to the thing the message names in the stage it is in
    /// (<see cref="Intent.When"/>): "approve MDF-2" approves the request while MDF-2 waits for a decision, and its claim
    /// once it is claimed. When none of them applies, all stay, and the action's own answer says why it cannot.</summary>
    private async Task<RouteDecision> ApplicableAsync(Caller caller, string text, RouteDecision decision, Role role, CancellationToken cancellationToken)
    {
        var staged = decision.Scores.Take(StagedCandidates).Where(s => s.Intent.When.Count > 0).Select(s => s.Intent.Needs).Distinct().ToList();
        foreach (var kind in staged)
        {
            if (!_resolvers.TryGetValue(kind, out var resolver) || await resolver.ResolveAsync(caller, text, cancellationToken) is not { State: MentionState.Found, Stage: { } stage })
            {
                continue;
            }

            bool Fits(Intent intent) => intent.When.Contains(stage, StringComparer.OrdinalIgnoreCase);
            // Only in favour of one that fits and decides the same way: "decline MDF-4" once its claim is approved stays a
            // decline (whose answer says why it cannot), never becomes "mark it paid".
            bool Inapplicable(Intent intent) => intent.Needs == kind && intent.When.Count > 0 && !Fits(intent)
                && decision.Scores.Any(s => s.Intent.Needs == kind && s.Intent.Decision == intent.Decision && Fits(s.Intent));
            if (decision.Scores.Take(StagedCandidates).Any(s => Inapplicable(s.Intent)))
            {
                var scores = decision.Scores.Where(s => !Inapplicable(s.Intent)).ToList();
                decision = router.Decide(scores, role) with { Vector = decision.Vector, Scores = scores };
            }
        }

        return decision;
    }

    /// <summary>The decision after the words that tell close intents apart have had their say (see <see cref="PairWindow"/>).</summary>
    private async Task<RouteDecision> SettleAsync(Caller caller, string text, MatcherInput input, RouteDecision decision, CancellationToken cancellationToken)
    {
        if (decision.Scores.Count == 0)
        {
            return decision;
        }

        var best = decision.Scores[0];
        var near = decision.Scores.TakeWhile(s => s.Score >= best.Score - PairWindow).ToList();
        var statement = !IsQuestion(text);

        // "happy news: DR-1042 closed, 260k": a statement in an intent's cue words, naming what the intent needs, is that intent.
        if (statement)
        {
            foreach (var scored in decision.Scores.Where(s => s.Intent.Cue?.IsMatch(text) == true))
            {
                if (await HasWhatItNeedsAsync(caller, scored.Intent, text, cancellationToken))
                {
                    return Run(decision, scored.Intent);
                }
            }
        }

        // "decline DR-1041…", "reject the claim on MDF-1…", "MDF-2 approved at 9000": the decision word picks the side.
        var polarity = DecisionWords.Of(text);
        var current = decision.Kind == RouteKind.Run ? decision.Intent! : best.Intent;
        if (polarity != DecisionPolarity.None && current.Decision != polarity && (statement || current.Decision != DecisionPolarity.None)
            && near.FirstOrDefault(s => s.Intent.Decision == polarity && (current.Decision == DecisionPolarity.None || s.Intent.Plugin == current.Plugin)) is { } decided)
        {
            return Run(decision, decided.Intent);
        }

        if (decision.Kind != RouteKind.Clarify)
        {
            return decision;
        }

        var candidates = decision.Candidates.Select(c => c.Intent).ToList();
        if (polarity != DecisionPolarity.None && candidates.Any(c => c.Decision == polarity))
        {
            candidates.RemoveAll(c => c.Decision != DecisionPolarity.None && c.Decision != polarity);
        }

        // "I can't remember which organisation I'm registered under": an intent that acts on a customer, registration or
        // MDF request the message does not name is less likely than one that needs nothing named.
        var fitting = new List<Intent>();
        foreach (var candidate in candidates)
        {
            if (await HasWhatItNeedsAsync(caller, candidate, text, cancellationToken))
            {
                fitting.Add(candidate);
            }
        }

        if (fitting.Count > 0)
        {
            candidates = fitting;
        }

        // "register a deal for contoso" is a request: of close candidates, one people ask for with questions ("is Contoso
        // registered?") is the less likely reading.
        if (candidates.Count > 1 && statement && QuestionForm.Of(text).IsImperative && candidates.Count(c => !AskedAsQuestion(c)) is > 0 and var requests && requests < candidates.Count)
        {
            candidates = candidates.Where(c => !AskedAsQuestion(c)).ToList();
        }

        var chosen = candidates.Count == 1 ? candidates[0] : _exampleWords.Distinct(NameMasker.StripMasked(input.Masked), candidates);
        return chosen is null ? decision with { Candidates = decision.Candidates.Where(c => candidates.Contains(c.Intent)).ToList() } : Run(decision, chosen);
    }

    /// <summary>What the message's numbers name, when they are all of one kind: registrations or MDF requests.</summary>
    private static MentionKind? NumberedOnly(IReadOnlyList<EntitySpan> entities)
    {
        var kinds = entities.Select(e => e.Class).Where(c => c is EntityClass.Registration or EntityClass.MdfRequest).Distinct().ToList();
        return kinds is [var only] ? only == EntityClass.Registration ? MentionKind.Registration : MentionKind.MdfRequest : null;
    }

    private static RouteDecision Run(RouteDecision decision, Intent intent) =>
        decision with { Kind = RouteKind.Run, Intent = intent, Score = decision.Scores.FirstOrDefault(s => s.Intent == intent)?.Score ?? decision.Score };

    /// <summary>The intent needs nothing named (a partner defaults to the caller's own), or the text names what it needs and the caller may see it.</summary>
    private async Task<bool> HasWhatItNeedsAsync(Caller caller, Intent intent, string text, CancellationToken cancellationToken) =>
        intent.Needs is MentionKind.None or MentionKind.Partner
        || (_resolvers.TryGetValue(intent.Needs, out var resolver) && (await resolver.ResolveAsync(caller, text, cancellationToken)).State == MentionState.Found);

    /// <summary>The intent that shows the registration or MDF request the text names, run on it, when the caller may see it.</summary>
    private async Task<PlannedStep?> ShowingNamedAsync(Caller caller, string text, Role role, CancellationToken cancellationToken)
    {
        foreach (var intent in catalog.For(role).Where(i => i.Shows is MentionKind.Registration or MentionKind.MdfRequest))
        {
            if (_resolvers.TryGetValue(intent.Shows, out var resolver) && await resolver.ResolveAsync(caller, text, cancellationToken) is { State: MentionState.Found } mention
                && (mention.Kind != MentionKind.Registration || MessageEntities.RegistrationNumbers(text, bare: true).Count > 0))
            {
                return PlannedStep.Run(intent, WithCanonical(text, mention), ReadOnlyMemory<float>.Empty);
            }
        }

        return null;
    }

    /// <summary>The words were an example's own (see <see cref="EmbeddingIntentMatcher.VerbatimScore"/>): the form of the
    /// sentence cannot outweigh that ("is there any money left in our MDF" is a balance request, though it starts like a question).</summary>
    private static bool IsVerbatim(RouteDecision decision) =>
        decision.Kind == RouteKind.Run && decision.Score >= EmbeddingIntentMatcher.VerbatimScore;

    /// <summary>Among the best (if weak) matches, the first that acts on something the message names and the caller may see.</summary>
    private async Task<Intent?> ActingOnNamedAsync(Caller caller, string text, RouteDecision decision, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var floor = Math.Max(settings.RequestScore, (decision.Candidates.FirstOrDefault()?.Score ?? 0) - settings.ClearLead);
        foreach (var candidate in decision.Candidates.TakeWhile(c => c.Score >= floor))
        {
            if (IsAction(candidate.Intent) && candidate.Intent.Needs is not (MentionKind.None or MentionKind.Partner)
                && _resolvers.TryGetValue(candidate.Intent.Needs, out var resolver)
                && (await resolver.ResolveAsync(caller, text, cancellationToken)).State == MentionState.Found)
            {
                return candidate.Intent;
            }
        }

        return null;
    }

    /// <summary>The intent that says where the last answer came from.</summary>
    private const string WhyIntent = "Trust.Why";

    /// <summary>How far an action must lead the knowledge base for a message put as a question to be the action's.</summary>
    public const double ActionLead = 0.3;

    /// <summary>The action leads the knowledge base by a clear margin: the meaning matcher, which has learnt
    /// policy questions as the knowledge base's, reads the message as the action's although it is put as a question
    /// ("what sort of stuff can I use you for?", "…, what's the fault risk?").</summary>
    private static bool FarAhead(RouteDecision decision, Intent intent, Intent fallback) =>
        ScoreOf(decision, intent) - ScoreOf(decision, fallback) >= ActionLead;

    /// <summary>Score at which an action of the plugin that answered the turn before takes a message that refers back to
    /// what it showed ("which of those…"): the reference says what the message is about, so a weaker match than
    /// <see cref="RouterOptions.RequestScore"/> is enough.</summary>
    public const double ShownScore = 0.1;

    /// <summary>How far the best action must lead the knowledge base for a weak match (at or above
    /// <see cref="RouterOptions.RequestScore"/>) on a question that does not ask how something works to be the action's
    /// ("edge stuff all green?"): the documents were no closer.</summary>
    public const double WeakLead = 0.1;

    private static double LeadsFallback(RouteDecision decision, Intent fallback) =>
        (decision.Scores.FirstOrDefault(s => s.Intent != fallback)?.Score ?? 0) - ScoreOf(decision, fallback);

    /// <summary>What the assistant says about itself: the intents that answer questions (<c>answers_questions:</c> what it can
    /// do, who it takes the caller for, what it holds, why it said something), never an action such as erasing data.</summary>
    private static bool IsAboutAssistant(Intent intent) => intent.AnswersQuestions;

    private static double ScoreOf(RouteDecision decision, Intent intent) => decision.Scores.FirstOrDefault(s => s.Intent == intent)?.Score ?? 0;

    /// <summary>A remark: neither a question nor a request ("signing slipped by 6 wks").</summary>
    private static bool IsRemark(string typed)
    {
        var form = QuestionForm.Of(typed);
        return !IsQuestion(typed) && !form.AsksHowItWorks && !form.IsImperative;
    }

    /// <summary>Most of the intent's examples are questions.</summary>
    private bool AskedAsQuestion(Intent intent) => _askedAsQuestion.Contains(intent.Id);

    private bool IsExample(string text) => _examples.Contains(Normalised(text));

    private static string Normalised(string text) => NotWordOrNumber().Replace(text.ToLowerInvariant(), " ").Trim();

    private static bool IsGreeting(string text, Intent greet)
    {
        var words = AssistantVocabulary.Words(text).ToList();
        return words.Count <= 3 || greet.Examples.Any(e => AssistantVocabulary.Words(e).FirstOrDefault() == words[0]);
    }

    /// <summary>An intent that acts on something runs only when the message names one the caller may see. When the
    /// intent was only the best of weak matches (<c>weak</c>), null if the message names nothing it needs.</summary>
    private async Task<PlannedStep?> ResolveAsync(Caller caller, Intent intent, string text, RouteDecision decision, Intent? fallback, bool weak, CancellationToken cancellationToken)
    {
        if (intent.Needs == MentionKind.None || !_resolvers.TryGetValue(intent.Needs, out var resolver))
        {
            return PlannedStep.Run(intent, text, decision.Vector) with { Scores = decision.Candidates };
        }

        var mention = await resolver.ResolveAsync(caller, text, cancellationToken);
        switch (mention.State)
        {
            case MentionState.Found:
                return PlannedStep.Run(intent, WithCanonical(text, mention), decision.Vector) with { Scores = decision.Candidates };
            case MentionState.Unknown when intent.Needs == MentionKind.Customer:
                // The customer check says itself that it does not know the customer, naming it.
                return PlannedStep.Run(intent, text, decision.Vector) with { Scores = decision.Candidates };
            case MentionState.Unknown:
                return new PlannedStep(StepKind.NotFound, text, intent, NotFound(mention), []) { Scores = decision.Candidates };
            case MentionState.Absent when weak && intent.Needs != MentionKind.Partner:
                return null;
            default:
                // Nothing named: a question goes to the knowledge base; a request runs, and the action asks which one.
                return fallback is not null && intent.Needs != MentionKind.Partner && IsQuestion(text)
                    ? Knowledge(fallback, text, decision, [intent])
                    : PlannedStep.Run(intent, text, decision.Vector) with { Scores = decision.Candidates };
        }
    }

    /// <summary>Known customers and partners replaced by the examples' placeholder however they are written ("regster a deel
    /// for contoso"): the name masker only sees capitalised names.</summary>
    private static string WithNamesMasked(string text, IReadOnlyList<EntitySpan> entities)
    {
        foreach (var name in entities.Where(e => e.Class is EntityClass.Customer or EntityClass.Partner).OrderByDescending(e => e.Index))
        {
            var written = text.Substring(name.Index, name.Length);
            var possessive = written.EndsWith("'s", StringComparison.Ordinal) || written.EndsWith("’s", StringComparison.Ordinal);
            text = text[..name.Index] + NameMasker.Placeholder + (possessive ? "'s" : "") + text[(name.Index + name.Length)..];
        }

        return text;
    }

    private PlannedStep Knowledge(Intent fallback, string text, RouteDecision decision, IEnumerable<Intent> near) =>
        PlannedStep.Run(fallback, text, decision.Vector) with { Scores = decision.Candidates, Offers = near.Where(IsAction).Select(Offer).OfType<string>().Distinct().Take(2).ToList() };

    private bool IsAction(Intent intent) => intent.Plugin != "Help" && intent.Id != options.Value.FallbackIntent;

    /// <summary>A button that runs the action: its first example that names no customer and no number.</summary>
    private static string? Offer(Intent intent) =>
        intent.Examples.FirstOrDefault(e => !e.Any(char.IsDigit) && !e.Skip(1).Any(char.IsUpper) && !e.Contains('?'));

    /// <summary>"any news on 1028" → "any news on DR-1028": the number as the action reads it.</summary>
    private static string WithCanonical(string text, Mention mention) =>
        mention is { Kind: MentionKind.Registration, Text: { } written, Canonical: { } canonical } && char.IsDigit(written[0])
            ? text.Replace(written, canonical, StringComparison.Ordinal)
            : text;

    private static string NotFound(Mention mention) => mention.Kind switch
    {
        MentionKind.Registration => $"I can't find a registration for {mention.Text} that you can see. Check the number, or say \"show my open registrations\" to see yours.",
        MentionKind.MdfRequest => $"I can't find an MDF request {mention.Text} that you can see. Check the number, or say \"show our MDF requests\" to see them.",
        MentionKind.Partner => $"I don't know a partner called {mention.Text}. Which partner do you mean?",
        _ => $"I can't find {mention.Text}.",
    };

    private static bool IsQuestion(string text) => text.TrimEnd().EndsWith('?') || QuestionStart().IsMatch(text.TrimStart());

    [GeneratedRegex(@"^(?:what|what's|how|how's|when|where|who|whom|which|why|can|could|may|do|does|did|is|are|was|were|will|would|should|must|has|have)\b", RegexOptions.IgnoreCase)]
    private static partial Regex QuestionStart();

    // "and if Keystone came on as a certified SI?": any condition opening the message ("if not, …" excepted).
    [GeneratedRegex(@"^(?:(?:and|but|so|ok|okay)\s+)?(?:what if|and if|even if|if(?!\s+not\b)|suppose|supposing|imagine|would (?:a |an |the )?[\w -]{2,40}(?:help|change|improve|matter|make)|what about|how about|and without|without|with (?:a |an )?[\w -]{2,30}instead|and with|with (?:a |an |the )?[\w -]{1,30}\w(?=\?*$))\b", RegexOptions.IgnoreCase)]
    private static partial Regex WhatIfForm();

    // Right after a score, a message asking whether something would change it ("say Meridian joins, does that change anything?",
    // "would routing it through the marketplace move the needle?") is a what-if on that deal.
    [GeneratedRegex(@"\b(?:change|changes|help|helps|improve|improves|better|worse|needle|difference|affect|affects|impact|boost|boosts|hurt|hurts|raise|raises|lower|lowers|increase|increases|decrease|decreases|odds|chances)\b.*\?|\b(?:if|once|suppose|say)\b.*\b(?:change|help|improve|better|worse|needle|difference|affect|impact|boost|hurt|raise|lower|increase|decrease|odds|chances|score|look)\b", RegexOptions.IgnoreCase)]
    private static partial Regex WhatIfChange();

    [GeneratedRegex(@"\b(?:you|you're|youre|this thing|this bot|the bot|this assistant|the assistant|partner assistant)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AddressesAssistant();

    /// <summary>"would it be better as a private offer", "how would it look routed through a marketplace instead", "how much better
    /// does it look once…": the scored deal compared with a changed one.</summary>
    [GeneratedRegex(@"^(?:(?:and|so|ok|okay|but|hmm)[,]?\s+)?(?:how (?:much )?(?:better|worse)\b|how would (?:it|that|this|the deal) (?:look|do|score|fare|change)\b|would (?:it|that|this|the deal) (?:be|look|do|score|fare) (?:any )?(?:better|worse|higher|lower|different)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex WhatIfCompare();

    // "does that change anything?", "would routing it through the marketplace move the needle?": the deal just scored.
    [GeneratedRegex(@"\b(?:it|its|that|this|the deal|the score|the odds|the chances|the number|the percentage)\b", RegexOptions.IgnoreCase)]
    private static partial Regex BackReference();

    [GeneratedRegex(@"[^\p{L}\p{N}]+")]
    private static partial Regex NotWordOrNumber();

    [GeneratedRegex(@"\b(?:those|these|them|that one|this one|the ones?|each one|each of them|every one of them)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Anaphor();

    // "a 250k deal", "$400,000", "1.2m": the size of a deal someone describes.
    [GeneratedRegex(@"(?:[$€£]\s?\d|\b\d+(?:[.,]\d+)?\s?(?:k|m|mio|million|thousand)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex DealSize();
}
