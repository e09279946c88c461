using System.Numerics.Tensors;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Knowledge.Answering;

/// <summary>
/// Tells whether the passages found can answer a question at all, beyond the similarity threshold
/// that retrieval already applies. A question is out of scope when it asks the assistant to make
/// something (a poem, a song, a joke) rather than to say what the documents say, or when its words
/// are mostly ones the corpus never uses, the passages found contain few of them, and no sentence of
/// those passages is close in meaning ("what are the opening hours of the canteen"), or when the passages found hold
/// next to none of its words however close they sound ("how many employees does Northbeam have"), or when it asks for
/// an amount or a count and no sentence carrying one is about what it asks ("how much does the exam cost?"), or when it
/// asks a fact about the company as an organisation, or a phone number, that no passage read speaks of ("who is
/// Northbeam's CEO?").
/// </summary>
/// <remarks>
/// The limits were chosen on the tuning half of tests/Evaluation/knowledge-answers.json and on
/// tests/Evaluation/knowledge-questions.json together (see docs/benchmarks.md); the test half was not
/// looked at.
/// </remarks>
public sealed partial class QuestionScope(KnowledgeWordWeights vocabulary, SentenceVectors sentenceVectors, PassageFacts passageFacts, IOptions<KnowledgeOptions> options)
{
    /// <summary>Below this IDF-weighted share of the question's words found in the passages…</summary>
    public const double CoverageBelow = 0.25;

    /// <summary>Below this share the passages hold next to nothing the question asks about ("how many employees does
    /// Northbeam have": only the company's name), however close a sentence of them sounds.</summary>
    public const double NothingBelow = 0.1;

    /// <summary>…with more than this weighted share of words no document uses…</summary>
    public const double UnknownAbove = 0.5;

    /// <summary>…and no sentence of the passages at this cosine with the question or above, it is out of scope.</summary>
    public const double SentenceBelow = 0.6;

    /// <summary>Passages whose sentences are compared with the question (the ones the composer reads).</summary>
    private const int PassagesRead = 4;

    public async Task<bool> IsOutOfScopeAsync(string question, ReadOnlyMemory<float> questionVector, IReadOnlyList<KnowledgeHit> passages, CancellationToken cancellationToken)
    {
        if (MakeRequest().IsMatch(question))
        {
            return true;
        }

        // Something no enablement document covers, though a passage on the program sounds close: live market figures ("what
        // is Northbeam's stock trading at?"), facts about the company as an organisation ("how many employees does Northbeam
        // have", "Northbeam's VAT number"), a number to call ("is there a phone number for partner support?"); unless a
        // passage read does speak of it. Its words are looked for, not their stems: "earnings" is not "earn", nor "founded"
        // "found", and a passage on a "customer employee" says nothing of the company's employees.
        var read = passages.Take(PassagesRead).ToList();
        if (Uncovered(question).Any(asked => !read.Any(h => SpeaksOf($"{h.Chunk.Section}\n{h.Chunk.Text}", asked))))
        {
            return true;
        }

        var words = QuestionAsks.Stems(question).Where(w => !w.Any(char.IsDigit) && !CalendarWord().IsMatch(w)).ToList();
        if (words.Count == 0 || passages.Count == 0)
        {
            return false;
        }

        var corpus = await vocabulary.ForAsync(options.Value.DefaultCollection, cancellationToken);
        var found = QuestionAsks.Stems(string.Join('\n', read.Select(h => $"{h.Chunk.Title}\n{h.Chunk.Section}\n{h.Chunk.Text}")));
        var total = words.Sum(corpus.Weight);
        var coverage = words.Where(w => QuestionAsks.Contains(found, w)).Sum(corpus.Weight) / total;
        var unknown = words.Where(w => !corpus.DocumentFrequency.ContainsKey(w)).Sum(corpus.Weight) / total;
        if (coverage < NothingBelow)
        {
            return true;
        }

        var valueAsked = QuestionAsks.Parse(question).Where(a => (a.Kind & ValueKinds) != AnswerKind.None && ValueAsked().IsMatch(a.Text)).ToList();
        List<PassageCut> Cuts() => read.Select(h => PassageCut.Of(h.Chunk.Id, h.Chunk.Text, h.Chunk.Section, h.Chunk.Title)).ToList();
        if (coverage >= CoverageBelow || unknown <= UnknownAbove)
        {
            return valueAsked.Count > 0 && await NoValueAnswersAsync(valueAsked, Cuts(), corpus, questionVector, cancellationToken);
        }

        var cuts = Cuts();
        var vectors = await sentenceVectors.ForPassagesAsync(cuts, cancellationToken);
        var closest = vectors.SelectMany(v => v.Take(v.Length - 1)).Select(v => TensorPrimitives.Dot(v, questionVector.Span)).DefaultIfEmpty(0).Max();
        return closest < SentenceBelow;
    }

    /// <summary>
    /// Whether an ask for an amount or a count ("how much does the professional exam cost?", "what's the referral fee
    /// percentage?") finds no sentence that could answer it: of the sentences carrying an amount or a count (a list item
    /// read with its lead-in, every unit with its passage's heading), none holds half of the ask's words weighted by
    /// rarity, and none is at <see cref="ValueSentenceBelow"/> with the question or above. The passages then speak of
    /// the topic with other figures, which an answer would pass off as the one asked for.
    /// </summary>
    private async Task<bool> NoValueAnswersAsync(IReadOnlyList<Ask> asks, IReadOnlyList<PassageCut> cuts, KnowledgeWordWeights.Words corpus, ReadOnlyMemory<float> questionVector, CancellationToken cancellationToken)
    {
        var units = cuts.SelectMany((cut, passage) =>
        {
            var heading = QuestionAsks.Stems(cut.Heading);
            return passageFacts.Of(cut).Select((facts, index) => (Passage: passage, Index: index, Kind: facts.Carries, facts.Stems, Heading: heading));
        }).ToList();
        IReadOnlyList<float[][]>? vectors = null;
        foreach (var ask in asks)
        {
            var words = ask.Stems.Where(w => !w.Any(char.IsDigit) && !CalendarWord().IsMatch(w) && corpus.DocumentFrequency.ContainsKey(w)).ToList();
            var carriers = units.Where(u => (u.Kind & ask.Kind & ValueKinds) != AnswerKind.None).ToList();
            var total = words.Sum(corpus.Weight);
            if (words.Count == 0 || carriers.Any(u => words.Where(w => QuestionAsks.Contains(u.Stems, w) || QuestionAsks.Contains(u.Heading, w)).Sum(corpus.Weight) >= ValueWordShare * total))
            {
                continue;
            }

            vectors ??= await sentenceVectors.ForPassagesAsync(cuts, cancellationToken);
            if (!carriers.Any(u => TensorPrimitives.Dot(vectors[u.Passage][u.Index], questionVector.Span) >= ValueSentenceBelow))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>An ask put as a question for a figure ("how much…", "how many…", "what's the … fee/percentage"), not one that
    /// only names a figure's topic ("does the MDF reimbursement cover travel?").</summary>
    [GeneratedRegex(@"\bhow (?:much|many)\b|\bnumber of\b|\bwhat(?:'s| is| are| was)? (?:the |a |an )?(?:[\w-]+ ){0,3}?(?:percentage|percent|share|rate|amount|price|cost|costs|fee|fees|discount|salary|number)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ValueAsked();

    /// <summary>The kinds of fact that are one figure: an amount (money, a percentage) or a count.</summary>
    private const AnswerKind ValueKinds = AnswerKind.Amount | AnswerKind.Count;

    /// <summary>Share of an ask's rarity-weighted words a sentence carrying its figure must hold to be about it…</summary>
    public const double ValueWordShare = 0.5;

    /// <summary>…unless it is at least this close to the question in meaning.</summary>
    public const double ValueSentenceBelow = 0.5;

    /// <summary>A request to make something up rather than to say what the documents say.</summary>
    [GeneratedRegex(@"^\s*(please\s+|can you\s+|could you\s+)?(write|compose|sing|draw|generate|create|make up|invent|tell)\s+(me\s+|us\s+)?(a|an|some|another)\s+([a-z]+\s+){0,2}(poem|poems|haiku|limerick|sonnet|song|songs|story|stories|joke|jokes|rap|riddle|essay|script|code|program|tweet|slogan)\b", RegexOptions.IgnoreCase)]
    private static partial Regex MakeRequest();

    [GeneratedRegex(@"\b(?:stock|share)s? (?:price|prices|value|trading|trades|ticker)\b|\b(?:stock|share)s? (?:is |are )?trading\b|\bmarket cap(?:italisation|italization)?\b|\bstock market\b|\btrading at\b", RegexOptions.IgnoreCase)]
    private static partial Regex MarketQuestion();

    /// <summary>The company as the subject of a question ("Northbeam's", "does Northbeam have", "at Northbeam").</summary>
    [GeneratedRegex(@"\bnorthbeam\b", RegexOptions.IgnoreCase)]
    private static partial Regex CompanyNamed();

    /// <summary>What one asks about a company as an organisation: its people, money, history and offices.</summary>
    [GeneratedRegex(@"\b(?:employees?|staff|headcount|workforce|ceo|cfo|cto|coo|founders?|founded|salary|salaries|earnings|valuation|headquarters|hq|canteen|cafeteria|parking|christmas|vacation|vat|acquisitions?|competitors?|subsidiar(?:y|ies))\b", RegexOptions.IgnoreCase)]
    private static partial Regex CompanyFact();

    /// <summary>A number to call, whoever's ("is there a phone number for partner support?", "what number can I phone").</summary>
    [GeneratedRegex(@"\b(?<fact>phone|telephone|mobile|fax|hotline) (?:number|no|line)\b|\b(?<fact>hotline)\b|\bnumber (?:can|could|should|do) (?:i|we) (?<fact>call|phone|ring|dial)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PhoneAsked();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Words();

    /// <summary>What a question asks about that the documents do not cover, as the words it uses.</summary>
    private static IEnumerable<string[]> Uncovered(string question)
    {
        var asked = new[]
        {
            MarketQuestion().Match(question),
            CompanyNamed().IsMatch(question) ? CompanyFact().Match(question) : Match.Empty,
            PhoneAsked().Match(question),
        };
        return asked.Where(m => m.Success)
            .Select(m => (m.Groups["fact"].Success ? m.Groups["fact"].Value : m.Value).ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Whether a text says the words asked about, one after the other, the last perhaps in the plural ("salary",
    /// "salaries").</summary>
    private static bool SpeaksOf(string text, string[] asked)
    {
        var words = Words().Matches(text.ToLowerInvariant()).Select(w => w.Value).ToList();
        for (var i = 0; i + asked.Length <= words.Count; i++)
        {
            var last = words[i + asked.Length - 1];
            var final = asked[^1];
            if (asked.SkipLast(1).Select((word, k) => words[i + k] == word).All(same => same)
                && (last == final || last == final + "s" || (final.EndsWith('y') && last == final[..^1] + "ies")))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Days and months say when, not what about.</summary>
    [GeneratedRegex(@"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|today|tomorrow|yesterday|week|weekend)$")]
    private static partial Regex CalendarWord();
}
