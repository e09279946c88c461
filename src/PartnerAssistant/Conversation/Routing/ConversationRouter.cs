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
/// registration, customer, MDF request or partner run only when the message names one the caller may see.
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
        for (var i = 0; i < split.Parts.Count; i++)
        {
            var part = split.Parts[i];
            var followUp = FollowUps.Resolve(part, context, vocabulary, continues: i > 0);
            var effective = followUp?.Text ?? part;
            var step = await PlanPartAsync(caller, part, effective, followUp?.SameIntentAs, context, split.Parts.Count > 1, cancellationToken);
            steps.Add(step);
            if (step is { Kind: StepKind.Run, Intent: { } ran })
            {
                context = new TurnContext(step.Text, ran.Id, now);
            }
        }

        // "hi, can you show my registrations?" is a request; the greeting needs no answer of its own.
        if (steps.Count > 1)
        {
            steps.RemoveAll(s => s.Intent?.Plugin == "Help" && s.Intent.Function == "Greet");
        }

        steps = steps.DistinctBy(s => (s.Kind, s.Intent?.Id, s.Text.ToLowerInvariant())).ToList();
        if (context is not null && steps.LastOrDefault() is { Kind: StepKind.Run })
        {
            FollowUps.Remember(state, context);
        }

        return new TurnPlan(null, steps, corrected);
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

        // "would co-sell help?" right after a deal was scored is a what-if on that deal.
        if (previous?.Intent.StartsWith("Prediction.", StringComparison.Ordinal) == true && (WhatIfForm().IsMatch(typed) || WhatIfForm().IsMatch(text))
            && catalog.ById.GetValueOrDefault("Prediction.WhatIf") is { } whatIf && whatIf.AllowsRole(role))
        {
            return PlannedStep.Run(whatIf, text, ReadOnlyMemory<float>.Empty);
        }

        var vocabulary = await vocabularies.GetAsync(cancellationToken);
        var entities = MessageEntities.Find(text, vocabulary);
        var input = new MatcherInput(text, catalog.Names.Mask(WithNamesMasked(text, entities)));
        var decision = await router.RouteAsync(input, role, cancellationToken);
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
        // A registration or MDF request number makes a question about that one thing ("when does DR-1042 expire?").
        var named = entities.Any(e => e.Class is EntityClass.Registration or EntityClass.MdfRequest);

        if (decision.Kind == RouteKind.Clarify)
        {
            if (fallback is not null && (form.IsPolicyQuestion || form.IsMixed) && !named)
            {
                return Knowledge(fallback, text, decision, decision.Candidates.Select(c => c.Intent));
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

        if (fallback is not null && intent != fallback && (form.IsPolicyQuestion || form.IsMixed) && !named)
        {
            return Knowledge(fallback, text, decision, [intent]);
        }

        // The knowledge base answers questions; a request or a statement ("bin DR-1041, it's a dupe", "we'd like some
        // co-funding for a hackathon") that an action is near enough to goes to that action.
        // A question that names what the best (if weak) match acts on, and the caller may see it ("is Wingtip Toys spoken for?").
        if (intent == fallback && !form.AsksHowItWorks && await ActingOnNamedAsync(caller, text, decision, cancellationToken) is { } acting)
        {
            intent = acting;
        }

        if (intent == fallback && (form.IsImperative || (!IsQuestion(text) && !form.AsksHowItWorks))
            && decision.Candidates.FirstOrDefault() is { } action && IsAction(action.Intent) && action.Score >= options.Value.RequestScore)
        {
            // So weak a match stands only when what it acts on is named ("tell me a joke" is no registration lookup).
            if (await ResolveAsync(caller, action.Intent, text, decision, fallback, weak: true, cancellationToken) is { } request)
            {
                return request;
            }
        }

        return (await ResolveAsync(caller, intent, text, decision, fallback, weak: false, cancellationToken))!;
    }

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

    [GeneratedRegex(@"^(?:(?:and|so|ok|okay)\s+)?(?:what if|and if|if we|if it|if the deal|if they|suppose|supposing|would (?:a |an |the )?[\w -]{2,40}(?:help|change|improve|matter|make)|what about|how about|and without|without|with (?:a |an )?[\w -]{2,30}instead|and with)\b", RegexOptions.IgnoreCase)]
    private static partial Regex WhatIfForm();
}
