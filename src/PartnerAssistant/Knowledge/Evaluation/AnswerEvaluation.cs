using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PartnerAssistant.Knowledge.Answering;

namespace PartnerAssistant.Knowledge.Evaluation;

/// <summary>
/// One question of the answer-quality set (<c>tests/Evaluation/knowledge-answers.json</c>): how a
/// user asks, a short reference answer and the key facts a right answer must contain (each a
/// phrase; alternatives separated by '|'). No reference means the corpus does not cover it.
/// </summary>
public sealed record AnswerQuestion(string Id, string Split, string Audience, string Question, string? Reference, IReadOnlyList<string> Key)
{
    public bool Answerable => Reference is not null;
}

/// <summary>How one way of answering did on the answerable questions.</summary>
public sealed record AnswerScores(string Method, int Questions, double KeyFact, double FactRecall, double MeanWords);

/// <summary>What happened to one question. <c>KeyPassageRank</c> is the rank (from 1) of the first retrieved
/// passage that holds every key fact; null when none does, so a miss there is retrieval's, not the composer's.</summary>
public sealed record AnswerOutcome(AnswerQuestion Question, bool Answered, string Text, bool KeyFact, double? FactRecall, double? OracleRecall, double? First90Recall, double BestSimilarity, int? KeyPassageRank);

public sealed record AnswerEvaluationResult(string Split, IReadOnlyList<AnswerScores> Methods, int Answerable, int AnswerableAnswered, int OutOfScope, int OutOfScopeAbstained, IReadOnlyList<AnswerOutcome> Outcomes)
{
    public double Answered => Answerable == 0 ? 1 : AnswerableAnswered / (double)Answerable;

    public double Abstained => OutOfScope == 0 ? 1 : OutOfScopeAbstained / (double)OutOfScope;

    public override string ToString() => Render(verbose: false);

    public string Render(bool verbose)
    {
        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"split {Split}: {Answerable} answerable questions, {OutOfScope} out of scope"));
        text.AppendLine("method                      key fact  fact recall  mean words");
        foreach (var m in Methods)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{m.Method,-27} {m.KeyFact,8:P1}  {m.FactRecall,11:F3}  {m.MeanWords,10:F1}"));
        }

        var composer = Methods[0];
        var oracle = Methods.First(m => m.Method.StartsWith("oracle", StringComparison.Ordinal));
        var keyRetrieved = Outcomes.Count(o => o.Question.Answerable && o.KeyPassageRank is not null);
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"key facts in one retrieved passage (of 8): {keyRetrieved}/{Answerable}; in the first 3: {Outcomes.Count(o => o.KeyPassageRank <= 3)}"));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"fact recall = {(oracle.FactRecall == 0 ? 0 : composer.FactRecall / oracle.FactRecall):P1} of the oracle; answerable questions answered {AnswerableAnswered}/{Answerable} ({Answered:P1}); out of scope abstained {OutOfScopeAbstained}/{OutOfScope} ({Abstained:P1})"));
        foreach (var outcome in Outcomes)
        {
            var q = outcome.Question;
            var miss = q.Answerable ? !outcome.KeyFact : outcome.Answered;
            if (!miss && !verbose)
            {
                continue;
            }

            var label = !q.Answerable ? (outcome.Answered ? "ANSWERED, out of scope" : "abstained") : !outcome.Answered ? "ABSTAINED" : outcome.KeyFact ? "ok" : "KEY FACT MISSING";
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"- {q.Id} [{label}] \"{q.Question}\" (best {outcome.BestSimilarity:F2}, key in passage {outcome.KeyPassageRank?.ToString(CultureInfo.InvariantCulture) ?? "none"}, recall {outcome.FactRecall?.ToString("F2", CultureInfo.InvariantCulture) ?? "-"}, oracle {outcome.OracleRecall?.ToString("F2", CultureInfo.InvariantCulture) ?? "-"})"));
            if (q.Answerable)
            {
                text.AppendLine($"    key: {string.Join(" + ", q.Key)}");
            }

            if (outcome.Answered)
            {
                text.AppendLine("    → " + outcome.Text.ReplaceLineEndings(" / "));
            }
        }

        return text.ToString().TrimEnd();
    }
}

/// <summary>
/// Measures the answers the assistant gives (<see cref="KnowledgeAnswerService"/>, as a user would
/// get them) on the answer-quality set, beside two baselines computed from the same retrieval in the
/// same run: the first 90 words of the top passage, and the oracle — the best three sentences of the
/// top three passages picked with the reference in hand. Key fact: the answer contains every key
/// phrase. Fact recall: the share of the reference's content words (stemmed, question words left
/// out) that the answer contains.
/// </summary>
public sealed partial class AnswerEvaluation(KnowledgeAnswerService answers)
{
    public static IReadOnlyList<AnswerQuestion> LoadQuestions(string path) =>
        JsonSerializer.Deserialize<List<AnswerQuestion>>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))
        ?? throw new InvalidDataException($"{path} holds no questions.");

    public async Task<AnswerEvaluationResult> RunAsync(IReadOnlyList<AnswerQuestion> questions, string split, CancellationToken cancellationToken)
    {
        var selected = questions.Where(q => split == "all" || q.Split == split).ToList();
        var outcomes = new List<AnswerOutcome>();
        var first90 = new List<(bool Key, double? Recall, int Words)>();
        var oracle = new List<(bool Key, double? Recall, int Words)>();
        foreach (var question in selected)
        {
            var filter = question.Audience == "internal" ? KnowledgeFilter.Internal : KnowledgeFilter.Partner;
            var (answer, retrieval) = await answers.AnswerAsync(question.Question, null, filter, cancellationToken);
            if (!question.Answerable)
            {
                outcomes.Add(new AnswerOutcome(question, answer.Answered, answer.Text, false, null, null, null, answer.BestSimilarity, null));
                continue;
            }

            var text = answer.Answered ? answer.Text : "";
            var top = retrieval.Hits.Select(h => h.Chunk.Text).ToList();
            var firstWords = top.Count == 0 ? "" : string.Join(' ', top[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(ExtractiveAnswerComposer.MaxWords));
            var best = Oracle(question, top.Take(3));
            var recall = Recall(question, text);
            first90.Add((HasKey(question, firstWords), Recall(question, firstWords), Words(firstWords)));
            oracle.Add((HasKey(question, best), Recall(question, best), Words(best)));
            var keyRank = top.FindIndex(passage => HasKey(question, passage));
            outcomes.Add(new AnswerOutcome(question, answer.Answered, answer.Text, answer.Answered && HasKey(question, text), recall, Recall(question, best), Recall(question, firstWords), answer.BestSimilarity,
                keyRank < 0 ? null : keyRank + 1));
        }

        var answerable = outcomes.Where(o => o.Question.Answerable).ToList();
        var methods = new List<AnswerScores>
        {
            Scores("assistant (extractive)", answerable.Select(o => (o.KeyFact, o.FactRecall, o.Answered ? Words(Uncited(o.Text)) : 0)).ToList()),
            Scores("first 90 words of top", first90),
            Scores("oracle: best 3 sentences", oracle),
        };
        var outOfScope = outcomes.Where(o => !o.Question.Answerable).ToList();
        return new AnswerEvaluationResult(split, methods, answerable.Count, answerable.Count(o => o.Answered), outOfScope.Count, outOfScope.Count(o => !o.Answered), outcomes);
    }

    private static AnswerScores Scores(string method, IReadOnlyList<(bool Key, double? Recall, int Words)> rows)
    {
        var recalls = rows.Where(r => r.Recall is not null).Select(r => r.Recall!.Value).ToList();
        return new AnswerScores(method, rows.Count,
            rows.Count == 0 ? 0 : rows.Count(r => r.Key) / (double)rows.Count,
            recalls.Count == 0 ? 0 : recalls.Average(),
            rows.Count == 0 ? 0 : rows.Average(r => r.Words));
    }

    /// <summary>The best (at most) three sentences of the passages for this reference: every combination tried.</summary>
    private static string Oracle(AnswerQuestion question, IEnumerable<string> passages)
    {
        var sentences = passages.SelectMany(p => PassageSentences.Split(p)).Select(u => u.Text).Distinct().ToList();
        var target = Target(question);
        var stems = sentences.Select(s => QuestionAsks.Stems(s)).ToList();
        var best = (Score: -1, Words: int.MaxValue, Text: "");
        for (var a = 0; a < sentences.Count; a++)
        {
            for (var b = a; b < sentences.Count; b++)
            {
                for (var c = b; c < sentences.Count; c++)
                {
                    var covered = target.Count(t => stems[a].Contains(t) || stems[b].Contains(t) || stems[c].Contains(t));
                    var picked = new[] { a, b, c }.Distinct().ToList();
                    var words = picked.Sum(i => MarkdownWords(sentences[i]));
                    if (covered > best.Score || (covered == best.Score && words < best.Words))
                    {
                        best = (covered, words, string.Join(' ', picked.Select(i => sentences[i])));
                    }
                }
            }
        }

        return best.Text;
    }

    /// <summary>The reference's content words that the question does not already say.</summary>
    private static HashSet<string> Target(AnswerQuestion question)
    {
        var target = QuestionAsks.Stems(question.Reference ?? "");
        target.ExceptWith(QuestionAsks.Stems(question.Question));
        return target;
    }

    public static double? Recall(AnswerQuestion question, string answer)
    {
        var target = Target(question);
        if (target.Count == 0)
        {
            return null;
        }

        var stems = QuestionAsks.Stems(answer);
        return target.Count(stems.Contains) / (double)target.Count;
    }

    public static bool HasKey(AnswerQuestion question, string answer)
    {
        var text = Normalize(answer);
        return question.Key.All(key => key.Split('|').Any(alternative => text.Contains(Normalize(alternative), StringComparison.Ordinal)));
    }

    /// <summary>Lower case, one kind of dash, single spaces, no space before '%', no Markdown emphasis.</summary>
    private static string Normalize(string text)
    {
        var lowered = text.ToLowerInvariant().Replace('–', '-').Replace('—', '-').Replace("**", "", StringComparison.Ordinal);
        return SpaceBeforePercent().Replace(Whitespace().Replace(lowered, " "), "%");
    }

    private static string Uncited(string text) => Citation().Replace(text, "");

    private static int Words(string text) => MarkdownWords(text);

    private static int MarkdownWords(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Count(w => w != "-");

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@" %")]
    private static partial Regex SpaceBeforePercent();

    [GeneratedRegex(@"\s?\[\d{1,2}\]")]
    private static partial Regex Citation();
}
