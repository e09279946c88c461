using System.Numerics.Tensors;
using System.Text;
using System.Text.RegularExpressions;

namespace PartnerAssistant.Knowledge.Answering;

/// <summary>
/// Answers without a language model, quoting the passages: reads what the question asks for
/// (<see cref="QuestionAsks"/>: a duration, an amount, a role, yes or no, a list…), scores every
/// sentence, list item and table row of the best passages by meaning (the question's vector against
/// the sentence and heading vectors stored at ingest), by the question's words, by whether it carries
/// that kind of fact and by whether its section's heading matches, and picks the best one for each
/// thing asked, then the sentences that add to it, within 90 words unless a list was asked for. List
/// items keep their lead-in; a list that answers is given whole; boilerplate is never picked. Nothing
/// is written that the documents do not say, and only the question is embedded.
/// </summary>
public sealed partial class ExtractiveAnswerComposer(SentenceVectors sentenceVectors, PassageFacts passageFacts) : IAnswerComposer
{
    /// <summary>Passages read for sentences (the best by fused rank).</summary>
    private const int PassagesRead = 4;

    /// <summary>Longest answer in words, unless the question asks for a list.</summary>
    public const int MaxWords = 90;

    /// <summary>Longest answer that is a list.</summary>
    public const int MaxListWords = 170;

    /// <summary>Most sentences in an answer that is not a list.</summary>
    private const int MaxSentences = 4;

    // The sentence score: meaning (cosine with the question) plus these. Chosen on the tuning half of
    // tests/Evaluation/knowledge-answers.json (the test half never), one weight at a time.
    private const double LexicalWeight = 0.35;          // × IDF-weighted share of the ask's words in the sentence
    private const double ContextWeight = 0.1;           // × the same for the words said before the question
    private const double KindWeight = 0.12;             // the sentence carries the kind of fact asked (a duration, an amount…)
    private const double HeadingMeaningWeight = 0.15;   // × cosine of the section heading with the question
    private const double HeadingWordsWeight = 0.12;     // × share of the question's words in the heading
    private const double PassageWeight = 0.3;           // × cosine of the whole passage with the question
    private const double RankPenalty = 0.02;            // per place down the fused ranking
    private const double OpeningBonus = 0.03;           // a passage's first sentence
    private const double DefinitionOpening = 0.5;       // … when the question asks what something is
    private const double TitleWordShare = 0.3;          // weight left to a question word that is in the document's title

    // Choosing: an extra unit for an ask only when it beats what is chosen by this much; a list for a
    // list question when within this much of the best; more sentences while within this much of the
    // best, those of the answering section (and the next one) counted up by these bonuses.
    private const double AnsweredWithin = 0.05;
    private const double ListMargin = 0.3;
    private const double FactMargin = 0.2;              // a unit showing the kind of fact asked replaces a better one showing none within this much
    private const double AddWithin = 0.25;
    private const double SamePassageBonus = 0.2;
    private const double NeighbourBonus = 0.04;
    private const double ContrastBonus = 0.15;          // the unit speaks of both things a question contrasts

    private sealed class Candidate(int passage, int number, PassageCut cut, PassageSentence unit, float[] vector, PassageFacts.Unit facts)
    {
        public int Passage { get; } = passage;
        public int Number { get; } = number;
        public PassageCut Cut { get; } = cut;
        public PassageSentence Unit { get; } = unit;
        public float[] Vector { get; } = vector;

        // A copy: an FAQ answer takes on its question's words for this question only.
        public HashSet<string> Stems { get; } = new(facts.Stems, StringComparer.Ordinal);
        public AnswerKind Carries { get; } = facts.Carries;
        public bool Boilerplate { get; } = facts.Boilerplate;
        public IReadOnlyList<HashSet<string>> Defines { get; } = facts.Defines;
        public bool Item => Unit.Kind is SentenceKind.ListItem or SentenceKind.TableRow;
        public double Meaning { get; set; }

        /// <summary>Has a word the question asks about beyond its document's topic.</summary>
        public bool Focused { get; set; }
        public double[] PerAsk { get; set; } = [];
        public double Best => PerAsk.Max();
        public string Key { get; } = facts.Key;
    }

    public async Task<ComposedAnswer> ComposeAsync(Retrieval retrieval, IReadOnlyList<NumberedPassage> passages, CancellationToken cancellationToken)
    {
        if (passages.Count == 0)
        {
            return new ComposedAnswer("");
        }

        var read = passages.Take(PassagesRead).ToList();
        var cuts = read.Select(p => PassageCut.Of(p.Hit.Chunk.Id, p.Hit.Chunk.Text, p.Hit.Chunk.Section, p.Hit.Chunk.Title)).ToList();
        var vectors = await sentenceVectors.ForPassagesAsync(cuts, cancellationToken);
        var candidates = new List<Candidate>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var p = 0; p < read.Count; p++)
        {
            var facts = passageFacts.Of(cuts[p]);
            foreach (var unit in cuts[p].Units)
            {
                var candidate = new Candidate(p, read[p].Number, cuts[p], unit, vectors[p][unit.Index], facts[unit.Index]);
                // Split passages repeat their neighbour's last sentences; a sentence counts once.
                if (seen.Add(candidate.Key))
                {
                    candidates.Add(candidate);
                }
            }
        }

        if (candidates.Count == 0)
        {
            return FirstWords(read[0]);
        }

        var asks = QuestionAsks.Parse(retrieval.Query);
        var headingMeaning = vectors.Select(v => (double)TensorPrimitives.Dot(v[^1], retrieval.QueryVector.Span)).ToList();
        Score(retrieval, read, headingMeaning, candidates, asks);
        var chosen = Choose(candidates, asks, out var list);
        if (chosen.Count == 0)
        {
            return FirstWords(read[0]);
        }

        var text = Render(chosen, list);
        // "which rule of engagement covers incumbency?", "whats RoE-4 about": the name of the section that answers is asked for,
        // or is what the question names; its sentences need not say it, so it leads the answer.
        var section = read[chosen.MaxBy(c => c.PerAsk[0])!.Passage].Hit.Chunk.Section;
        var answering = section.Split(" › ")[^1];
        var named = NameQuestion().IsMatch(retrieval.Query) || QuestionAsks.RuleCodes(retrieval.Query).Any(code => QuestionAsks.Heads(section, code));
        return named && answering.Length > 0 && !text.Contains(answering, StringComparison.OrdinalIgnoreCase)
            ? new ComposedAnswer($"{answering}: {text}")
            : new ComposedAnswer(text);
    }

    /// <summary>A question for the name of a rule, section or policy.</summary>
    [GeneratedRegex(@"\b(?:which|what) (?:roe|rule|rules of engagement|rule of engagement|section|clause|policy)\b|\bunder which (?:rule|roe|section|clause)\b", RegexOptions.IgnoreCase)]
    private static partial Regex NameQuestion();

    private static void Score(Retrieval retrieval, IReadOnlyList<NumberedPassage> read, IReadOnlyList<double> headingMeaning, List<Candidate> candidates, IReadOnlyList<Ask> asks)
    {
        // Words common to every candidate tell sentences apart less than rare ones.
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var stem in candidates.SelectMany(c => c.Stems))
        {
            documentFrequency[stem] = documentFrequency.GetValueOrDefault(stem) + 1;
        }

        double Weight(string stem) => Math.Log(1 + candidates.Count / (1.0 + documentFrequency.GetValueOrDefault(stem)));

        // Words of the document's title name its topic, which every sentence of it shares: "who judges the
        // builders cup" is answered by the sentence about judging, not by the one that says "Builders Cup".
        var titles = read.Select(p => QuestionAsks.Stems(p.Hit.Chunk.Title)).ToList();
        Func<string, double> Topic(int passage) =>
            stem => QuestionAsks.Contains(titles[passage], stem) ? TitleWordShare * Weight(stem) : Weight(stem);
        Func<string, double> TopicDiscounted(Candidate candidate) => Topic(candidate.Passage);

        var questionStems = asks.SelectMany(a => a.Stems).ToHashSet(StringComparer.Ordinal);
        // What every unit of a passage shares: how well its section (heading and passage) matches the question.
        var section = read.Select((p, i) =>
                HeadingMeaningWeight * headingMeaning[i]
                + HeadingWordsWeight * Overlap(questionStems, QuestionAsks.Stems(p.Hit.Chunk.Section.Split(" › ")[^1]), Topic(i))
                + PassageWeight * p.Hit.Similarity
                - RankPenalty * i)
            .ToList();
        // What a thing is, a section says first; for what an abbreviation stands for, the unit that spells it out, when one does
        // ("MSP stands for?" in a list that starts with the systems integrator).
        bool Defines(Candidate candidate, Ask ask) => candidate.Defines.Any(term => term.All(t => QuestionAsks.Contains(ask.Stems, t)));
        var abbreviation = QuestionAsks.AbbreviationAsked(retrieval.Query) is not null;
        var defined = asks.Select(ask => abbreviation && (ask.Kind & AnswerKind.Definition) != 0 && candidates.Any(c => Defines(c, ask))).ToArray();
        // "lineage vs provenance - whats the difference": the unit that speaks of both sides, whatever the title says of them.
        var sides = ContrastedSides(retrieval.Query);
        foreach (var candidate in candidates)
        {
            candidate.Meaning = TensorPrimitives.Dot(candidate.Vector, retrieval.QueryVector.Span);
            var contrast = sides is var (first, second) && first.Any(s => QuestionAsks.Contains(candidate.Stems, s)) && second.Any(s => QuestionAsks.Contains(candidate.Stems, s)) ? ContrastBonus : 0;
            candidate.Focused = asks.Any(a => a.Stems.Any(s => !QuestionAsks.Contains(titles[candidate.Passage], s) && QuestionAsks.Contains(candidate.Stems, s)));
            var shared = candidate.Meaning + section[candidate.Passage] + (candidate.Unit.Index == 0 ? OpeningBonus : 0) - (candidate.Boilerplate ? 1 : 0) + contrast;
            candidate.PerAsk = asks.Select((ask, a) => shared
                + LexicalWeight * Overlap(ask.Stems, candidate.Stems, TopicDiscounted(candidate))
                + ContextWeight * Overlap(ask.Context, candidate.Stems, TopicDiscounted(candidate))
                + (ask.Kind != AnswerKind.None && (ask.Kind & candidate.Carries) != 0 ? KindWeight : 0)
                + ((ask.Kind & AnswerKind.Definition) != 0 && (defined[a] ? Defines(candidate, ask) : candidate.Unit.Index == 0 || Defines(candidate, ask)) ? DefinitionOpening : 0)).ToArray();
        }

        // An FAQ entry's question stands in for its answer: the sentence after it scores as well as the question did.
        foreach (var question in candidates.Where(c => c.Unit.Kind == SentenceKind.Question))
        {
            var answer = candidates.FirstOrDefault(c => c.Cut == question.Cut && c.Unit.Index == question.Unit.Index + 1);
            if (answer is not null)
            {
                answer.PerAsk = answer.PerAsk.Zip(question.PerAsk, Math.Max).ToArray();
                answer.Stems.UnionWith(question.Stems);
            }
        }
    }

    /// <summary>The two things a question contrasts ("lineage vs provenance", "the difference between associate and
    /// professional certification"), as the words of each side; null for any other question.</summary>
    private static (HashSet<string> First, HashSet<string> Second)? ContrastedSides(string question)
    {
        var match = Contrast().Match(question);
        if (!match.Success)
        {
            return null;
        }

        var first = QuestionAsks.Stems(match.Groups["first"].Value);
        var second = QuestionAsks.Stems(match.Groups["second"].Value);
        var shared = first.Intersect(second).ToList();
        first.ExceptWith(shared);
        second.ExceptWith(shared);
        return first.Count > 0 && second.Count > 0 ? (first, second) : null;
    }

    [GeneratedRegex(@"\b(?:difference|differences|distinction) between (?<first>[\w -]{2,40}?) and (?<second>[\w -]{2,40}?)(?:$|[?.,;!]| - | – | — )|(?:^|[:,;] ?|\bwhat(?:'s| is| are) )(?<first>[\w -]{2,40}?) (?:vs\.?|versus|compared to|compared with) (?<second>[\w -]{2,40}?)(?:$|[?.,;!]| - | – | — )", RegexOptions.IgnoreCase)]
    private static partial Regex Contrast();

    /// <summary>Kinds of fact a sentence shows plainly (a number of days, an amount, a date, a frequency, a calculation), so one
    /// that shows none does not answer a question asking for one.</summary>
    private const AnswerKind FactKinds = AnswerKind.Duration | AnswerKind.Amount | AnswerKind.Count | AnswerKind.Frequency | AnswerKind.Time | AnswerKind.Formula;

    /// <summary>Whether a unit plainly answers an ask: it has most of the ask's words, and a fact of the kind asked for.</summary>
    private static bool Answers(Candidate candidate, Ask ask)
    {
        var facts = ask.Kind & ~(AnswerKind.YesNo | AnswerKind.Definition | AnswerKind.List | AnswerKind.Reason);
        return ask.Stems.Count > 0
            && ask.Stems.Count(s => QuestionAsks.Contains(candidate.Stems, s)) * 2 >= ask.Stems.Count
            && (facts == AnswerKind.None || (facts & candidate.Carries) != 0);
    }

    /// <summary>IDF-weighted share of <paramref name="wanted"/> found in <paramref name="present"/>.</summary>
    private static double Overlap(IReadOnlySet<string> wanted, IReadOnlySet<string> present, Func<string, double> weight)
    {
        double total = 0, found = 0;
        foreach (var stem in wanted)
        {
            var w = weight(stem);
            total += w;
            if (QuestionAsks.Contains(present, stem))
            {
                found += w;
            }
        }

        return total == 0 ? 0 : found / total;
    }

    private static List<Candidate> Choose(List<Candidate> candidates, IReadOnlyList<Ask> asks, out List<Candidate>? list)
    {
        list = null;
        var quotable = candidates.Where(c => c.Unit.Kind != SentenceKind.Question && !c.Boilerplate).ToList();
        var chosen = new List<Candidate>();
        Candidate? listBeside = null;
        if (quotable.Count == 0)
        {
            return chosen;
        }

        // One unit for each thing asked. With several asks, first the unit that answers most of them
        // together ("90 days, extendable once by 45 days"); then, for an ask it answers clearly worse
        // than another unit does, that unit too. A lead-in that wins stands for its list, and a list
        // asked for ("which reminders…", "what do I need…") is answered by a list when one is close.
        if (asks.Count > 1)
        {
            chosen.Add(quotable.OrderByDescending(c => asks.Count(a => Answers(c, a))).ThenByDescending(c => c.PerAsk.Sum()).First());
        }

        for (var a = 0; a < asks.Count; a++)
        {
            var best = quotable.Where(c => !chosen.Contains(c)).MaxBy(c => c.PerAsk[a]);
            if (best is not null && (asks[a].Kind & AnswerKind.List) != 0 && !best.Item && best.Unit.Kind != SentenceKind.LeadIn)
            {
                var listed = quotable.Where(c => !chosen.Contains(c) && (c.Item || c.Unit.Kind == SentenceKind.LeadIn)).MaxBy(c => c.PerAsk[a]);
                if (listed is not null && listed.PerAsk[a] >= best.PerAsk[a] - ListMargin)
                {
                    best = listed;
                }
            }

            if (best is not null && (asks[a].Kind & AnswerKind.List) != 0 && (best.Item || best.Unit.Kind == SentenceKind.LeadIn))
            {
                best = BestList(quotable.Where(c => !chosen.Contains(c)), a) ?? best;
            }

            // "How long does the review take?": a sentence with a duration beats a closer one without any, when near.
            var facts = asks[a].Kind & FactKinds;
            if (best is not null && facts != AnswerKind.None && (best.Carries & facts) == 0 && best.Unit.Kind != SentenceKind.LeadIn)
            {
                var carrier = quotable.Where(c => !chosen.Contains(c) && (c.Carries & facts) != 0).MaxBy(c => c.PerAsk[a]);
                if (carrier is not null && carrier.PerAsk[a] >= best.PerAsk[a] - FactMargin)
                {
                    best = carrier;
                }
            }

            // A list asked for beside another question ("which reminders do we get … and who gets them") is given as a list
            // when one is close, though a sentence answered the other question better.
            var listForList = (asks[a].Kind & AnswerKind.List) != 0 && best is not null && (best.Item || best.Unit.Kind == SentenceKind.LeadIn)
                && !chosen.Any(c => c.Item || c.Unit.Kind == SentenceKind.LeadIn);
            if (best is not null && (chosen.Count == 0 || best.PerAsk[a] > chosen.Max(c => c.PerAsk[a]) + AnsweredWithin))
            {
                chosen.Add(best);
            }
            else if (listForList && best!.PerAsk[a] >= chosen.Max(c => c.PerAsk[a]) - ListMargin)
            {
                chosen.Add(best);
                listBeside = best;
            }
        }

        // A list that answers is said whole, after its lead-in: when a lead-in won, or when a list was
        // asked for and one of its items won.
        var listAsked = asks.Any(a => (a.Kind & AnswerKind.List) != 0);
        var first = chosen[0].Unit.Kind == SentenceKind.LeadIn || (listAsked && chosen[0].Item) ? chosen[0] : listBeside;
        if (first is not null)
        {
            var leadIn = first.Unit.Kind == SentenceKind.LeadIn ? first.Unit.Index : first.Unit.LeadIn;
            var items = candidates.Where(c => c.Cut == first.Cut && c.Item
                && (leadIn >= 0 ? c.Unit.LeadIn == leadIn : c.Unit.LeadIn < 0 && Math.Abs(c.Unit.Index - first.Unit.Index) < 12)).ToList();
            if (items.Count > 1 && items.Sum(i => i.Unit.Words) <= MaxListWords)
            {
                list = items;
                chosen = [.. chosen.Where(c => !items.Contains(c) && c.Unit.Kind != SentenceKind.LeadIn), .. items];
            }
        }

        chosen.RemoveAll(c => c.Unit.Kind == SentenceKind.LeadIn);
        if (chosen.Count == 0)
        {
            chosen.Add(quotable.Where(c => c.Unit.Kind != SentenceKind.LeadIn).MaxBy(c => c.PerAsk[0])!);
        }

        // Then what adds to it: close in score, not a repeat, within the word budget.
        var budget = list is null ? MaxWords : MaxListWords;
        var top = chosen.Max(c => c.Best);
        var words = chosen.Sum(c => c.Unit.Words);
        // The section that answered is read on first: its other sentences, the next ones most.
        foreach (var candidate in quotable.Where(c => !chosen.Contains(c) && c.Unit.Kind != SentenceKind.LeadIn)
            .OrderByDescending(c => c.Best
                + (chosen.Any(o => o.Cut == c.Cut) ? SamePassageBonus : 0)
                + (chosen.Any(o => o.Cut == c.Cut && c.Unit.Index - o.Unit.Index == 1) ? NeighbourBonus : 0)))
        {
            if (candidate.Best + (chosen.Any(o => o.Cut == candidate.Cut) ? SamePassageBonus : 0) < top - AddWithin || chosen.Count >= (list is null ? MaxSentences : list.Count + 2))
            {
                break;
            }

            if (words + candidate.Unit.Words > budget || chosen.Any(c => Jaccard(c.Stems, candidate.Stems) > 0.6))
            {
                continue;
            }

            // From a section not yet quoted, only a sentence about what was asked (not one that merely names the topic).
            if (!candidate.Focused && !chosen.Any(o => o.Cut == candidate.Cut))
            {
                continue;
            }

            chosen.Add(candidate);
            words += candidate.Unit.Words;
        }

        AddContinuations(chosen, quotable, budget);
        CompleteLists(chosen, candidates, budget, answers: chosen.Take(asks.Count + 1).ToList());
        return chosen;
    }

    /// <summary>For a list question, the list that answers as a whole: lists (a lead-in and its items) compared by
    /// their best three units, so one stray item that sounds right does not bring in a list about something else.
    /// Its lead-in stands for it when it has one, else its best item.</summary>
    private static Candidate? BestList(IEnumerable<Candidate> quotable, int ask)
    {
        var lists = quotable
            .Where(c => c.Item || c.Unit.Kind == SentenceKind.LeadIn)
            .GroupBy(c => (c.Cut, LeadIn: c.Unit.Kind == SentenceKind.LeadIn ? c.Unit.Index : c.Unit.LeadIn))
            .Where(g => g.Key.LeadIn >= 0 || g.Count() > 1)
            .Select(g => (Units: g.ToList(), Score: g.Select(c => c.PerAsk[ask]).OrderDescending().Take(3).Average()))
            .ToList();
        if (lists.Count == 0)
        {
            return null;
        }

        var best = lists.MaxBy(l => l.Score).Units;
        return best.FirstOrDefault(c => c.Unit.Kind == SentenceKind.LeadIn) ?? best.MaxBy(c => c.PerAsk[ask]);
    }

    /// <summary>A sentence that refers back ("It asks: …", "This means …") finishes the sentence before it.</summary>
    private static void AddContinuations(List<Candidate> chosen, List<Candidate> quotable, int budget)
    {
        var words = chosen.Sum(c => c.Unit.Words);
        foreach (var said in chosen.ToList())
        {
            var next = quotable.FirstOrDefault(c => c.Cut == said.Cut && c.Unit.Index == said.Unit.Index + 1);
            if (next is not null && !chosen.Contains(next) && next.Unit.Kind == SentenceKind.Sentence
                && ReferringStart().IsMatch(next.Unit.Text) && words + next.Unit.Words <= budget)
            {
                chosen.Add(next);
                words += next.Unit.Words;
            }
        }
    }

    /// <summary>A list shown in part is shown whole when it fits: its other items are what the reader expects
    /// next, so other added sentences make room for them, but never one picked for something asked
    /// (<paramref name="answers"/>).</summary>
    private static void CompleteLists(List<Candidate> chosen, List<Candidate> candidates, int budget, List<Candidate> answers)
    {
        foreach (var group in chosen.Where(c => c.Item && c.Unit.LeadIn >= 0).GroupBy(c => (c.Cut, c.Unit.LeadIn)).ToList())
        {
            var rest = candidates.Where(c => c.Cut == group.Key.Cut && c.Item && c.Unit.LeadIn == group.Key.LeadIn && !chosen.Contains(c)).ToList();
            var words = chosen.Sum(c => c.Unit.Words) + group.Key.Cut.Units[group.Key.LeadIn].Words;
            // Room is made by dropping the weakest sentences that are not part of this list.
            var droppable = chosen.Where(c => !group.Contains(c) && !answers.Contains(c)).OrderBy(c => c.Best).ToList();
            while (words + rest.Sum(r => r.Unit.Words) > budget && droppable.Count > 0)
            {
                words -= droppable[0].Unit.Words;
                chosen.Remove(droppable[0]);
                droppable.RemoveAt(0);
            }

            if (words + rest.Sum(r => r.Unit.Words) <= budget)
            {
                chosen.AddRange(rest);
            }
        }
    }

    private static string Render(List<Candidate> chosen, List<Candidate>? list)
    {
        var ordered = chosen.OrderBy(c => c.Passage).ThenBy(c => c.Unit.Index).ToList();
        var text = new StringBuilder();
        var saidLeadIns = new HashSet<(int, int)>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var candidate = ordered[i];
            var unit = candidate.Unit;
            if (candidate.Item && unit.LeadIn >= 0 && saidLeadIns.Add((candidate.Passage, unit.LeadIn)))
            {
                // A list item is said after the sentence that introduces it.
                Append(text, candidate.Cut.Units[unit.LeadIn].Text, bullet: false);
            }

            var bullet = candidate.Item && (list is not null || unit.LeadIn >= 0);
            Append(text, bullet ? "- " + ListItemEnd().Replace(unit.Text, "") : unit.Text.TrimEnd(), bullet);

            // One citation after each run of units from the same passage.
            if (i == ordered.Count - 1 || ordered[i + 1].Number != candidate.Number)
            {
                text.Append($" [{candidate.Number}]");
            }
        }

        return text.ToString().Trim();
    }

    private static void Append(StringBuilder text, string sentence, bool bullet)
    {
        if (text.Length > 0)
        {
            text.Append(bullet ? "\n" : " ");
        }

        text.Append(sentence);
        // Bulleted items need no full stop; sentences do.
        if (!bullet && !sentence.EndsWith('.') && !sentence.EndsWith('?') && !sentence.EndsWith('!') && !sentence.EndsWith(':'))
        {
            text.Append('.');
        }
    }

    private static ComposedAnswer FirstWords(NumberedPassage passage)
    {
        var words = passage.Hit.Chunk.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return new ComposedAnswer(string.Join(' ', words.Take(MaxWords)) + (words.Length > MaxWords ? "…" : "") + $" [{passage.Number}]");
    }

    private static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        var shared = a.Count(b.Contains);
        return a.Count + b.Count - shared == 0 ? 0 : shared / (double)(a.Count + b.Count - shared);
    }

    [GeneratedRegex(@"^(it|this|that|these|those|they|such|so|both|each|its|their|then|otherwise|instead|however)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ReferringStart();

    /// <summary>What ends a list item only because the list goes on: ", and", ";", ",".</summary>
    [GeneratedRegex(@"\s*([,;]\s*(and|or)?|\s(and|or))\s*$")]
    private static partial Regex ListItemEnd();

}
