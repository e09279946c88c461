using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation.LanguageModel;

namespace PartnerAssistant.Knowledge.Answering;

/// <summary>
/// Writes answers with the configured language model from the same numbered passages the extractive
/// composer reads (<see cref="GroundedAnswerWriter"/>, <c>prompts/assistant/grounded-answer.yaml</c>).
/// Markers the model invents are dropped before the answer service keeps and renumbers the rest; when
/// the model abstains the text cites nothing, which the service answers as "I don't know". When the
/// model cannot be reached the extractive composer answers instead.
/// </summary>
public sealed class GroundedAnswerComposer(GroundedAnswerWriter writer, ExtractiveAnswerComposer extractive, ILogger<GroundedAnswerComposer> logger) : IAnswerComposer
{
    public async Task<ComposedAnswer> ComposeAsync(Retrieval retrieval, IReadOnlyList<NumberedPassage> passages, CancellationToken cancellationToken)
    {
        // Passages of one section share a number; the model reads them as one numbered source.
        var grounding = passages.GroupBy(p => p.Number)
            .Select(g => new GroundingPassage(g.Key, g.First().Hit.Chunk.Title, g.First().Hit.Chunk.Section,
                KnowledgeAnswerService.Link(g.First().Hit.Chunk), string.Join("\n\n", g.Select(p => p.Hit.Chunk.Text))))
            .ToList();
        try
        {
            var answer = await writer.WriteAsync(retrieval.Query, "partner or Northbeam employee", grounding, cancellationToken);
            return new ComposedAnswer(answer.Answered ? answer.PassageText : "");
        }
        catch (HttpOperationException ex)
        {
            logger.LogWarning(ex, "The language model could not write the answer ({Status}); answering extractively", ex.StatusCode);
            return await extractive.ComposeAsync(retrieval, passages, cancellationToken);
        }
    }
}
