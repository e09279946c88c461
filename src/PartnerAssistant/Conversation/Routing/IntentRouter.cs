using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using PartnerAssistant.People;

namespace PartnerAssistant.Conversation.Routing;

/// <summary>How sure the offline router must be before it acts, under the section <c>Router</c>.</summary>
public sealed class RouterOptions
{
    public const string SectionName = "Router";

    /// <summary>Score at or above which the best intent is run directly, if it leads by
    /// <see cref="Margin"/>. Default: 0.36. Range 0–1.</summary>
    [Range(0.0, 1.0)]
    public double AcceptScore { get; set; } = 0.36;

    /// <summary>Lead over the next intent needed to run a strong match directly. Default: 0.05. Range 0–1.</summary>
    [Range(0.0, 1.0)]
    public double Margin { get; set; } = 0.05;

    /// <summary>Lead over the next intent that makes a weaker match (above <see cref="ClarifyScore"/>)
    /// clear enough to run without asking. Default: 0.05. Range 0–1.</summary>
    [Range(0.0, 1.0)]
    public double ClearLead { get; set; } = 0.05;

    /// <summary>Score below which an intent is not considered at all. Default: 0.22. Range 0–1.</summary>
    [Range(0.0, 1.0)]
    public double ClarifyScore { get; set; } = 0.22;

    /// <summary>Score at which an action takes a request or a statement that matched nothing well ("open the PSAT for
    /// me", "we'd like some co-funding for a hackathon"), if it is the best match: the knowledge base, which takes what
    /// matches nothing, only answers questions. Default: 0.15. Range 0–1.</summary>
    [Range(0.0, 1.0)]
    public double RequestScore { get; set; } = 0.15;

    /// <summary>The intent that takes what matches nothing, if it is registered (free questions go to the
    /// knowledge base). Default: <c>Knowledge.Ask</c>.</summary>
    public string FallbackIntent { get; set; } = "Knowledge.Ask";

    /// <summary>Longest message routed, in characters; a longer one gets a reply saying so (a pasted e-mail is
    /// not a deal registration). Default: 2,000. Range 100–100,000.</summary>
    [Range(100, 100_000)]
    public int MaxUtteranceLength { get; set; } = 2_000;

    /// <summary>How long the previous question stays the context of a follow-up ("and can it be extended?").
    /// Default: 30 minutes. Range 0 (no follow-ups across turns) to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan FollowUpWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How old the router's vocabulary (for spelling correction and names) may get before it is
    /// rebuilt in the background, to take in new customers, partners and documents. Default: 10 minutes.
    /// Range 1 second to 1 day.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan VocabularyRefresh { get; set; } = TimeSpan.FromMinutes(10);
}

public enum RouteKind
{
    /// <summary>Run <see cref="RouteDecision.Intent"/>.</summary>
    Run,

    /// <summary>Ask the user which of <see cref="RouteDecision.Candidates"/> they meant.</summary>
    Clarify,

    /// <summary>Nothing matched and there is no fallback.</summary>
    Unknown,
}

public sealed record RouteDecision(RouteKind Kind, Intent? Intent, IReadOnlyList<IntentScore> Candidates, double Score)
{
    /// <summary>The sentence embedding of the masked utterance, when the matcher computed one (else empty):
    /// the turn hands it on so the same text is not embedded twice.</summary>
    public ReadOnlyMemory<float> Vector { get; init; }
}

/// <summary>
/// The offline router: picks the intent for an utterance among those the caller's role may use,
/// asks a clarifying question when two are close or the best is weak, and hands what matches
/// nothing to the fallback intent.
/// </summary>
public sealed class IntentRouter(IntentCatalog catalog, IIntentMatcher matcher, IOptions<RouterOptions> options)
{
    public Task<RouteDecision> RouteAsync(string utterance, Role role, CancellationToken cancellationToken) =>
        RouteAsync(MatcherInput.Of(utterance, catalog.Names), role, cancellationToken);

    public async Task<RouteDecision> RouteAsync(MatcherInput utterance, Role role, CancellationToken cancellationToken)
    {
        var result = await matcher.ScoreAsync(utterance, catalog.For(role).ToList(), cancellationToken);
        return Decide(result.Scores, role) with { Vector = result.Vector };
    }

    /// <summary>Runs, asks or falls back on given scores (best first).</summary>
    public RouteDecision Decide(IReadOnlyList<IntentScore> scores, Role role)
    {
        var settings = options.Value;
        var fallback = catalog.ById.GetValueOrDefault(settings.FallbackIntent);
        fallback = fallback is not null && fallback.AllowsRole(role) ? fallback : null;

        var best = scores.Count > 0 ? scores[0] : null;
        if (best is null || best.Score < settings.ClarifyScore)
        {
            return fallback is not null
                ? new RouteDecision(RouteKind.Run, fallback, scores, best?.Score ?? 0)
                : new RouteDecision(RouteKind.Unknown, null, scores, best?.Score ?? 0);
        }

        var runnerUp = scores.Skip(1).FirstOrDefault(s => s.Intent.Id != best.Intent.Id);
        var lead = best.Score - (runnerUp?.Score ?? 0);
        if ((best.Score >= settings.AcceptScore && lead >= settings.Margin) || lead >= settings.ClearLead)
        {
            return new RouteDecision(RouteKind.Run, best.Intent, scores, best.Score);
        }

        var offered = scores.Where(s => s.Score >= settings.ClarifyScore && s.Score >= best.Score - settings.ClearLead).Take(3).ToList();
        if (offered.Count == 1)
        {
            // Only one intent is plausible at all: asking "did you mean X?" would add a turn for nothing.
            return new RouteDecision(RouteKind.Run, best.Intent, scores, best.Score);
        }

        return new RouteDecision(RouteKind.Clarify, null, offered, best.Score);
    }
}
