using System.Numerics.Tensors;
using System.Text;
using Microsoft.Extensions.AI;
using PartnerAssistant.Knowledge.Documents;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Knowledge.Answering;

/// <summary>
/// Answers without a language model: picks the sentences of the top passages closest to the
/// question (embedding similarity, plus the question's words they contain), keeps them in the
/// order the documents have them, and cites each one's passage. Nothing is written that the
/// documents do not say.
/// </summary>
public sealed class ExtractiveAnswerComposer(IEmbeddingGenerator<string, Embedding<float>> embeddings) : IAnswerComposer
{
    private const int PassagesRead = 3;
    private const int MaxSentences = 3;
    private const int MaxWords = 90;

    private sealed record Candidate(int Passage, int Position, int Number, string Sentence, HashSet<string> Words)
    {
        public double Score { get; set; }
    }

    public async Task<ComposedAnswer> ComposeAsync(Retrieval retrieval, IReadOnlyList<NumberedPassage> passages, CancellationToken cancellationToken)
    {
        var candidates = new List<Candidate>();
        for (var p = 0; p < Math.Min(PassagesRead, passages.Count); p++)
        {
            var position = 0;
            foreach (var line in passages[p].Hit.Chunk.Text.Split('\n'))
            {
                foreach (var sentence in MarkdownChunker.Sentences(line.TrimStart('-', '*', ' ')))
                {
                    var words = MarkdownChunker.WordCount(sentence);
                    // A line that only introduces a list ("Silver requires:") says nothing on its own.
                    if (words is >= 4 and <= 70 && !sentence.EndsWith(':'))
                    {
                        candidates.Add(new Candidate(p, position, passages[p].Number, sentence, Stems(sentence)));
                    }

                    position++;
                }
            }
        }

        if (candidates.Count == 0)
        {
            var first = passages[0];
            var words = first.Hit.Chunk.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return new ComposedAnswer(string.Join(' ', words.Take(MaxWords)) + (words.Length > MaxWords ? "…" : "") + $" [{first.Number}]");
        }

        var vectors = await embeddings.GenerateAsync(candidates.Select(c => c.Sentence), cancellationToken: cancellationToken);
        var question = Stems(retrieval.Query);
        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var overlap = question.Count == 0 ? 0 : question.Count(candidate.Words.Contains) / (double)question.Count;
            candidate.Score = TensorPrimitives.Dot(vectors[i].Vector.Span, retrieval.QueryVector.Span)
                + 0.3 * overlap
                + 0.1 * passages[candidate.Passage].Hit.Similarity
                - 0.02 * candidate.Passage;
        }

        var chosen = new List<Candidate>();
        var total = 0;
        var best = candidates.Max(c => c.Score);
        foreach (var candidate in candidates.OrderByDescending(c => c.Score))
        {
            if (chosen.Count == MaxSentences || (chosen.Count > 0 && candidate.Score < best * 0.85))
            {
                break;
            }

            var words = MarkdownChunker.WordCount(candidate.Sentence);
            if (chosen.Count > 0 && total + words > MaxWords)
            {
                continue;
            }

            if (chosen.Any(c => Jaccard(c.Words, candidate.Words) > 0.6))
            {
                continue;
            }

            chosen.Add(candidate);
            total += words;
        }

        var text = new StringBuilder();
        var ordered = chosen.OrderBy(c => c.Passage).ThenBy(c => c.Position).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            var sentence = ordered[i].Sentence.TrimEnd();
            text.Append(text.Length == 0 ? "" : " ").Append(sentence);
            if (!sentence.EndsWith('.') && !sentence.EndsWith('?') && !sentence.EndsWith('!') && !sentence.EndsWith(':'))
            {
                text.Append('.');
            }

            // One citation after each run of sentences from the same passage.
            if (i == ordered.Count - 1 || ordered[i + 1].Number != ordered[i].Number)
            {
                text.Append($" [{ordered[i].Number}]");
            }
        }

        return new ComposedAnswer(text.ToString());
    }

    private static HashSet<string> Stems(string text) => KeywordTerms.Words(text).Select(KeywordTerms.Stem).ToHashSet(StringComparer.Ordinal);

    private static double Jaccard(HashSet<string> a, HashSet<string> b) =>
        a.Count + b.Count == 0 ? 0 : a.Count(b.Contains) / (double)(a.Count + b.Count - a.Count(b.Contains));
}
