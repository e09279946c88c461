using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Knowledge;

/// <summary>Questions about one topic, labelled by the words they share most.</summary>
public sealed record QuestionTopic(string Label, IReadOnlyList<UnansweredQuestion> Questions);

/// <summary>A question the assistant could not answer, or whose answer was marked not helpful.</summary>
public sealed record UnansweredQuestion(string Id, string Question, DateTimeOffset AskedAt, bool Abstained, string? Reason, string? OrganisationId);

/// <summary>
/// Groups questions by meaning: each question joins the first group whose centroid is close
/// enough (cosine of the embeddings), otherwise it starts a new group. Greedy and order-dependent,
/// which is fine for the tens to hundreds of questions an editor reviews.
/// </summary>
public static class QuestionTopics
{
    public const double JoinSimilarity = 0.55;

    public static async Task<IReadOnlyList<QuestionTopic>> GroupAsync(IReadOnlyList<UnansweredQuestion> questions, IEmbeddingGenerator<string, Embedding<float>> embeddings, CancellationToken cancellationToken)
    {
        if (questions.Count == 0)
        {
            return [];
        }

        var vectors = await embeddings.GenerateAsync(questions.Select(q => q.Question), cancellationToken: cancellationToken);
        var groups = new List<(float[] Sum, List<int> Members)>();
        for (var i = 0; i < questions.Count; i++)
        {
            var vector = vectors[i].Vector.Span;
            var bestGroup = -1;
            var bestScore = JoinSimilarity;
            for (var g = 0; g < groups.Count; g++)
            {
                var sum = groups[g].Sum;
                var score = TensorPrimitives.CosineSimilarity(sum, vector);
                if (score >= bestScore)
                {
                    (bestGroup, bestScore) = (g, score);
                }
            }

            if (bestGroup < 0)
            {
                groups.Add((vector.ToArray(), [i]));
            }
            else
            {
                TensorPrimitives.Add(groups[bestGroup].Sum, vector, groups[bestGroup].Sum);
                groups[bestGroup].Members.Add(i);
            }
        }

        return groups
            .Select(g => new QuestionTopic(Label(g.Members.Select(i => questions[i].Question)), g.Members.Select(i => questions[i]).ToList()))
            .OrderByDescending(t => t.Questions.Count)
            .ThenBy(t => t.Label, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The (at most three) words most of the group's questions use.</summary>
    private static string Label(IEnumerable<string> questions)
    {
        var counts = new Dictionary<string, (int Count, int First)>();
        var order = 0;
        foreach (var question in questions)
        {
            foreach (var word in KeywordTerms.Words(question).Where(w => w.Length > 2 && !w.All(char.IsDigit)))
            {
                var current = counts.TryGetValue(word, out var seen) ? seen : (Count: 0, First: order++);
                counts[word] = (current.Count + 1, current.First);
            }
        }

        var label = counts.OrderByDescending(kv => kv.Value.Count).ThenBy(kv => kv.Value.First).Take(3).Select(kv => kv.Key).ToList();
        return label.Count == 0 ? "other" : string.Join(", ", label);
    }
}
