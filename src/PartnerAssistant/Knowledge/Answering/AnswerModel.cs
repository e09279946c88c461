namespace PartnerAssistant.Knowledge.Answering;

/// <summary>A numbered source of an answer: the document, the section, where to read it, and the version of the
/// document the passage was cut from (its content hash), which the provenance log keeps.</summary>
public sealed record Citation(int Number, string Source, string Title, string Section, string? Url, string ContentHash = "");

/// <summary>A passage offered to a composer under the citation number it must use.</summary>
public sealed record NumberedPassage(int Number, KnowledgeHit Hit);

/// <summary>What a composer wrote: text citing passages as <c>[n]</c>.</summary>
public sealed record ComposedAnswer(string Text);

/// <summary>
/// Writes the answer from retrieved passages. Retrieval, numbering, citations, abstention and
/// follow-ups happen around it, so the extractive composer (default, no language model) and a
/// grounded-generation composer (Azure OpenAI) share all of them and differ only in the words.
/// </summary>
public interface IAnswerComposer
{
    /// <summary>Composes an answer citing passages by their numbers; the passages are the only facts it may use.</summary>
    Task<ComposedAnswer> ComposeAsync(Retrieval retrieval, IReadOnlyList<NumberedPassage> passages, CancellationToken cancellationToken);
}

/// <summary>The assistant's answer to one question, or its honest "I don't know".</summary>
public sealed record KnowledgeAnswer(
    string QuestionId,
    string Question,
    bool Answered,
    string Text,
    IReadOnlyList<Citation> Citations,
    IReadOnlyList<string> FollowUps,
    double BestSimilarity);
