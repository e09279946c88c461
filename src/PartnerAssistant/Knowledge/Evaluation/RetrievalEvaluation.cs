using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Knowledge.Evaluation;

/// <summary>One evaluation question: how a partner (or staff member) asks, and the documents that answer it (none: the corpus does not cover it).</summary>
public sealed record EvaluationQuestion(string Id, string Question, IReadOnlyList<string> Answers, string Audience);

/// <summary>Retrieval quality for one group of questions.</summary>
public sealed record RetrievalScores(string Group, int Questions, double RecallAt1, double RecallAt5, double Mrr, double PassageRecallAt5);

/// <summary>How well the relevance threshold separates questions the corpus answers from those it does not.</summary>
public sealed record AbstentionScores(double Threshold, int Unanswerable, int Abstained, int CorrectAbstentions, double Precision, double Recall, int AnswerableAbstained);

public sealed record EvaluationResult(IReadOnlyList<RetrievalScores> Retrieval, AbstentionScores Abstention, IReadOnlyList<AbstentionScores> Thresholds, IReadOnlyList<string> Misses)
{
    public override string ToString()
    {
        var text = new StringBuilder();
        text.AppendLine("group      questions  recall@1  recall@5  MRR     passage recall@5");
        foreach (var r in Retrieval)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{r.Group,-10} {r.Questions,9}  {r.RecallAt1,8:F3}  {r.RecallAt5,8:F3}  {r.Mrr,6:F3}  {r.PassageRecallAt5,8:F3}"));
        }

        var a = Abstention;
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"abstention at {a.Threshold:F2}: {a.CorrectAbstentions}/{a.Unanswerable} unanswerable questions abstained (recall {a.Recall:F3}), precision {a.Precision:F3}, {a.AnswerableAbstained} answerable questions abstained"));
        text.AppendLine("threshold sweep (threshold: abstention recall / precision / answerable abstained):");
        foreach (var t in Thresholds)
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {t.Threshold:F2}: {t.Recall:F2} / {t.Precision:F2} / {t.AnswerableAbstained}"));
        }

        if (Misses.Count > 0)
        {
            text.AppendLine("not in the top 5 documents:");
            foreach (var miss in Misses)
            {
                text.AppendLine("  " + miss);
            }
        }

        return text.ToString().TrimEnd();
    }
}

/// <summary>
/// Measures retrieval on a question set, each question asked with its audience's filter.
/// Ranks are over documents (passages collapsed to the document they come from, in order), since
/// the set names the documents that answer; passage recall@5 counts the five passages the search
/// command prints. MRR is the mean of 1/rank of the first answering document (0 beyond 20).
/// </summary>
public sealed class RetrievalEvaluation(KnowledgeRetriever retriever, IOptions<KnowledgeOptions> options)
{
    private const int Depth = 20;

    public static IReadOnlyList<EvaluationQuestion> LoadQuestions(string path) =>
        JsonSerializer.Deserialize<List<EvaluationQuestion>>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))
        ?? throw new InvalidDataException($"{path} holds no questions.");

    public async Task<EvaluationResult> RunAsync(IReadOnlyList<EvaluationQuestion> questions, string? collection, CancellationToken cancellationToken)
    {
        var outcomes = new List<(EvaluationQuestion Question, int? Rank, bool PassageHit, double Best)>();
        foreach (var question in questions)
        {
            var filter = question.Audience == "internal" ? KnowledgeFilter.Internal : KnowledgeFilter.Partner;
            var retrieval = await retriever.RetrieveAsync(question.Question, filter, Depth, collection, cancellationToken);
            var documents = retrieval.Hits.Select(h => h.Chunk.Source).Distinct().ToList();
            var index = documents.FindIndex(question.Answers.Contains);
            var passageHit = retrieval.Hits.Take(5).Any(h => question.Answers.Contains(h.Chunk.Source));
            outcomes.Add((question, index < 0 ? null : index + 1, passageHit, retrieval.BestSimilarity));
        }

        var answerable = outcomes.Where(o => o.Question.Answers.Count > 0).ToList();
        var groups = new List<RetrievalScores>();
        foreach (var (name, members) in new[] { ("partner", answerable.Where(o => o.Question.Audience != "internal").ToList()), ("internal", answerable.Where(o => o.Question.Audience == "internal").ToList()), ("all", answerable) })
        {
            if (members.Count == 0)
            {
                continue;
            }

            groups.Add(new RetrievalScores(name, members.Count,
                members.Count(o => o.Rank == 1) / (double)members.Count,
                members.Count(o => o.Rank <= 5) / (double)members.Count,
                members.Sum(o => o.Rank is { } r ? 1.0 / r : 0) / members.Count,
                members.Count(o => o.PassageHit) / (double)members.Count));
        }

        var sims = outcomes.Select(o => (o.Question.Answers.Count == 0, o.Best)).ToList();
        var sweep = Enumerable.Range(20, 41).Select(i => Abstention(sims, i / 100.0)).ToList();
        var misses = answerable.Where(o => o.Rank is null or > 5)
            .Select(o => $"{o.Question.Id} \"{o.Question.Question}\" → expected {string.Join(", ", o.Question.Answers)} (rank {(o.Rank?.ToString(CultureInfo.InvariantCulture) ?? "none")})")
            .ToList();
        return new EvaluationResult(groups, Abstention(sims, options.Value.AbstainBelow), sweep, misses);
    }

    private static AbstentionScores Abstention(List<(bool Unanswerable, double Best)> outcomes, double threshold)
    {
        var abstained = outcomes.Where(o => o.Best < threshold).ToList();
        var unanswerable = outcomes.Count(o => o.Unanswerable);
        var correct = abstained.Count(o => o.Unanswerable);
        return new AbstentionScores(threshold, unanswerable, abstained.Count, correct,
            abstained.Count == 0 ? 1 : correct / (double)abstained.Count,
            unanswerable == 0 ? 1 : correct / (double)unanswerable,
            abstained.Count - correct);
    }
}
