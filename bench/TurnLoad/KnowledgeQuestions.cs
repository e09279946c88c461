/// <summary>
/// Thousands of distinct knowledge questions in a partner's phrasing: topics of the enablement corpus
/// asked in different ways and from different standpoints, shuffled, so a load run never repeats one.
/// </summary>
internal static class KnowledgeQuestions
{
    private static readonly string[] Topics =
    [
        "deal registration protection", "the 45-day extension", "registration reminders", "registration conflicts",
        "the rules of engagement", "incumbency under RoE-4", "marketplace private offers", "co-sell with a Northbeam AE",
        "MDF accrual", "MDF claims and proof of performance", "MDF co-funding", "the PSAT survey", "Gold tier requirements",
        "Platinum tier benefits", "the quarterly tier evaluation", "onboarding steps", "certification levels",
        "the FCPA attestation", "the ESG attestation", "data-protection terms", "U-shaped attribution", "time-decay attribution",
        "Shapley attribution", "partner-influenced revenue", "ROPI", "partner time to value", "edge gateway security",
        "EU sovereign deployment", "AI Studio bias reviews", "encryption in transit", "the co-innovation lab",
        "influence partners", "the enablement team", "customer references for Gold",
    ];

    private static readonly string[] Frames =
    [
        "how does {0} work", "what are the rules for {0}", "can you explain {0}", "what should I know about {0}",
        "is there a deadline for {0}", "how long does {0} take", "what do partners get from {0}", "who decides on {0}",
        "what are the requirements for {0}", "quick question about {0} - how does it work", "where can I read about {0}",
        "what happens with {0}", "tell me about {0}", "how do we handle {0}", "what's the policy on {0}",
        "give me the short version of {0}", "what's important about {0}", "how is {0} decided",
    ];

    private static readonly string[] Standpoints =
    [
        "", " as a reseller", " for a systems integrator", " as a new partner", " for an MSP", " for our team",
        " as a Silver partner", " for a Gold partner", " in simple terms", " for an ISV",
    ];

    public static IReadOnlyList<string> All(int seed)
    {
        var all = Topics.SelectMany(t => Frames.SelectMany(f => Standpoints.Select(s => string.Format(System.Globalization.CultureInfo.InvariantCulture, f, t) + s))).ToArray();
        new Random(seed).Shuffle(all);
        return all;
    }
}

/// <summary>Hands out each question once, to whichever worker asks next.</summary>
internal sealed class QuestionSupply(IReadOnlyList<string> questions)
{
    private int _next = -1;

    public int Used => Math.Min(Volatile.Read(ref _next) + 1, questions.Count);

    public string Next()
    {
        var index = Interlocked.Increment(ref _next);
        return index < questions.Count ? questions[index] : throw new InvalidOperationException($"All {questions.Count} distinct questions were asked; shorten the run.");
    }
}
