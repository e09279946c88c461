using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.People;

namespace PartnerAssistant.Knowledge.Answering;

/// <summary>
/// Answers a question from the enablement corpus: retrieves under the caller's audience, says it
/// does not know (and who to ask) when the best passage is not relevant enough, otherwise lets
/// the composer write from the passages and keeps only the citations the text uses. Every
/// question is recorded, so editors can see what went unanswered.
/// </summary>
public sealed partial class KnowledgeAnswerService(
    KnowledgeRetriever retriever,
    IAnswerComposer composer,
    KnowledgeRegistry registry,
    QuestionScope scope,
    IOptions<KnowledgeOptions> options,
    TimeProvider time,
    ILogger<KnowledgeAnswerService> logger)
{
    private const int Retrieved = 8;

    public Task<KnowledgeAnswer> AskAsync(Caller caller, string question, CancellationToken cancellationToken, string? askedAs = null) =>
        AskAsync(caller, question, null, cancellationToken, askedAs);

    /// <summary>Answers a caller's question from what their audience may read, and records it.
    /// <paramref name="questionVector"/> is the question's embedding when the turn already computed it (the router
    /// embeds the same text with the same model, see <see cref="Conversation.AssistantTurn.EmbeddingOf"/>); null embeds
    /// it here. Either way the turn embeds it once. The question log records <paramref name="askedAs"/> (the person's
    /// own words, when something else — a language model — phrased the search) or else the question.</summary>
    public async Task<KnowledgeAnswer> AskAsync(Caller caller, string question, ReadOnlyMemory<float>? questionVector, CancellationToken cancellationToken, string? askedAs = null)
    {
        var settings = options.Value;
        var (answer, _) = await AnswerAsync(question, questionVector, KnowledgeFilter.For(caller), cancellationToken);
        if (!answer.Answered)
        {
            logger.LogInformation("No answer for a question from {Person} (best similarity {Similarity:F2})", caller.Person.Id, answer.BestSimilarity);
        }

        await registry.RecordQuestionAsync(new KnowledgeQuestionRow
        {
            Id = answer.QuestionId,
            Collection = settings.DefaultCollection,
            AskedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            PersonId = caller.Person.Id,
            OrganisationId = caller.OrganisationId,
            Internal = caller.IsInternal,
            Question = (askedAs ?? question) is { Length: > 2000 } longQuestion ? longQuestion[..2000] : askedAs ?? question,
            Answered = answer.Answered,
            BestSimilarity = answer.BestSimilarity,
            Sources = string.Join('|', answer.Citations.Select(c => c.Source).Distinct()),
        }, cancellationToken);
        return answer;
    }

    /// <summary>
    /// The answer to a question under a filter, and the retrieval it came from, without recording
    /// anything (the evaluation measures with it). Says it does not know when no passage the
    /// composer may read is relevant enough, or when the composed text cites none.
    /// </summary>
    public async Task<(KnowledgeAnswer Answer, Retrieval Retrieval)> AnswerAsync(string question, ReadOnlyMemory<float>? questionVector, KnowledgeFilter filter, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var retrieval = await retriever.RetrieveAsync(question, questionVector, filter, Math.Max(Retrieved, settings.AnswerPassages), null, cancellationToken);
        var id = Guid.NewGuid().ToString("N");
        var best = retrieval.BestSimilarity;
        var usable = Usable(retrieval, settings, question);
        if (usable.Count == 0 || await scope.IsOutOfScopeAsync(question, retrieval.QueryVector, usable, cancellationToken))
        {
            return (DontKnow(id, question, best, settings), retrieval);
        }

        var answer = await ComposeAsync(id, retrieval, usable, settings, cancellationToken);
        if (answer.Citations.Count == 0)
        {
            // Nothing vouches for an answer that cites no passage (a language model that abstained, or invented its sources).
            logger.LogInformation("The composed answer cited no passage; answering that I don't know");
            answer = DontKnow(id, question, best, settings);
        }

        return (answer, retrieval);
    }

    /// <summary>
    /// The passages an answer may be composed from: among the first <see cref="KnowledgeOptions.AnswerPassages"/>
    /// by fused rank, those relevant enough, after any passage retrieved whose section is headed by a rule code the question
    /// names; when none is relevant enough, the passage spelling out an abbreviation asked about. Empty means "I don't know" — also when a passage further
    /// down was similar enough, which the composer never sees (a question like "reindex the knowledge
    /// base" used to reach the composer with no passage and crash it).
    /// </summary>
    /// <remarks>A short question can sit below the threshold in meaning while a passage says its words ("what's
    /// the half-life in time decay attribution"): the best keyword match, not far below the threshold, that holds at
    /// least four fifths of the question's words (and at least two) is usable on its own.</remarks>
    private static List<KnowledgeHit> Usable(Retrieval retrieval, KnowledgeOptions settings, string question)
    {
        var candidates = retrieval.Hits.Take(settings.AnswerPassages).ToList();
        var usable = candidates.Where(h => h.Similarity >= settings.AbstainBelow).ToList();

        // "whats RoE-4 about": the section headed by the rule the question names comes first, wherever search ranked it.
        var codes = QuestionAsks.RuleCodes(question);
        if (codes.Count > 0 && retrieval.Hits.Where(h => codes.Any(code => QuestionAsks.Heads(h.Chunk.Section, code))).ToList() is { Count: > 0 } headed)
        {
            return [.. headed, .. usable.Except(headed)];
        }

        if (usable.Count > 0)
        {
            return usable;
        }

        // "VAR stands for?": so short a question embeds poorly; the passage that spells the abbreviation out answers it.
        if (QuestionAsks.AbbreviationAsked(question) is { } abbreviation
            && retrieval.Hits.FirstOrDefault(h => PassageFacts.SpellsOut(h.Chunk.Text, abbreviation)) is { } spelt)
        {
            return [spelt];
        }

        var words = QuestionAsks.Stems(question);
        var keyword = candidates.FirstOrDefault(h => h.KeywordRank == 1 && h.Similarity >= settings.AbstainBelow - KeywordMatchMargin);
        if (words.Count < 2 || keyword is null)
        {
            return usable;
        }

        var said = QuestionAsks.Stems($"{keyword.Chunk.Title}\n{keyword.Chunk.Section}\n{keyword.Chunk.Text}");
        return words.Count(w => QuestionAsks.Contains(said, w)) >= KeywordMatchShare * words.Count ? [keyword] : usable;
    }

    /// <summary>Share of the question's words the passage must hold ("used" in "what's the half life used in time-decay
    /// attribution" need not be there).</summary>
    private const double KeywordMatchShare = 0.8;

    /// <summary>How far below <see cref="KnowledgeOptions.AbstainBelow"/> a passage holding the question's words may be.</summary>
    private const double KeywordMatchMargin = 0.1;

    private static KnowledgeAnswer DontKnow(string id, string question, double best, KnowledgeOptions settings) =>
        new(id, question, false,
            $"I don't know. The enablement documents I can search don't cover that, and I won't guess. Please ask {settings.EnablementContact}; I've noted the question so the team can add an answer.",
            [], [], best);

    /// <summary>Stores a thumbs up or down on an answer the caller was given.</summary>
    public async Task<bool> RecordFeedbackAsync(Caller caller, string questionId, bool helpful, string? reason, CancellationToken cancellationToken)
    {
        var question = await registry.FindQuestionAsync(questionId, cancellationToken);
        // Feedback counts only from the person who asked, so nobody can vote on someone else's answer by id.
        if (question is null || question.PersonId != caller.Person.Id)
        {
            return false;
        }

        await registry.RecordFeedbackAsync(questionId, caller.Person.Id, helpful, reason, cancellationToken);
        return true;
    }

    private async Task<KnowledgeAnswer> ComposeAsync(string id, Retrieval retrieval, List<KnowledgeHit> usable, KnowledgeOptions settings, CancellationToken cancellationToken)
    {
        // Passages relevant enough to answer from, numbered by section: two passages of one section share a number.
        var numbers = new Dictionary<(string, string), int>();
        var numbered = new List<NumberedPassage>();
        foreach (var hit in usable)
        {
            var key = (hit.Chunk.Source, hit.Chunk.Section);
            if (!numbers.TryGetValue(key, out var number))
            {
                number = numbers[key] = numbers.Count + 1;
            }

            numbered.Add(new NumberedPassage(number, hit));
        }

        var composed = await composer.ComposeAsync(retrieval, numbered, cancellationToken);

        // Keep the citations the text uses, renumbered 1, 2, 3 in the order they first appear.
        var renumber = new Dictionary<int, int>();
        foreach (Match marker in CitationMarker().Matches(composed.Text))
        {
            var original = int.Parse(marker.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (numbered.Any(p => p.Number == original) && !renumber.ContainsKey(original))
            {
                renumber[original] = renumber.Count + 1;
            }
        }

        var text = CitationMarker().Replace(composed.Text, m =>
            renumber.TryGetValue(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), out var n) ? $"{(char.IsWhiteSpace(m.Value[0]) ? " " : "")}[{n}]" : "");
        var citations = renumber
            .Select(kv => (Passage: numbered.First(p => p.Number == kv.Key).Hit.Chunk, Number: kv.Value))
            .OrderBy(c => c.Number)
            .Select(c => new Citation(c.Number, c.Passage.Source, c.Passage.Title, c.Passage.Section, Link(c.Passage), c.Passage.ContentHash))
            .ToList();
        var cited = citations.Select(c => (c.Source, c.Section)).ToHashSet();
        var followUps = retrieval.Hits
            .Where(h => h.Similarity >= settings.AbstainBelow * 0.9 && h.Chunk.Section.Length > 0 && !cited.Contains((h.Chunk.Source, h.Chunk.Section)))
            .Select(h => FollowUp(h.Chunk))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(3)
            .ToList();
        return new KnowledgeAnswer(id, retrieval.Query, true, text.Trim(), citations, followUps, retrieval.BestSimilarity);
    }

    /// <summary>The document's address with the section's anchor; null when the document has no address.</summary>
    public static string? Link(KnowledgeChunk chunk) =>
        string.IsNullOrWhiteSpace(chunk.SourceUrl) ? null
        : chunk.Anchor.Length == 0 ? chunk.SourceUrl
        : $"{chunk.SourceUrl}#{chunk.Anchor}";

    /// <summary>A question that asks for a related section, phrased from its heading.</summary>
    internal static string FollowUp(KnowledgeChunk chunk)
    {
        var heading = chunk.Section.Split(" › ").Last().Trim().TrimEnd('.');
        var document = chunk.Title.Split(" — ")[0].Trim();
        var first = heading.Split(' ')[0].ToLowerInvariant();
        if (first is "how" or "what" or "when" or "why" or "who" or "which" or "can" or "do" or "does" or "is" or "are" or "where" or "should")
        {
            return heading.EndsWith('?') ? heading : heading + "?";
        }

        var lowered = heading.Length > 1 && char.IsUpper(heading[0]) && !char.IsUpper(heading[1]) ? char.ToLowerInvariant(heading[0]) + heading[1..] : heading;
        return string.Equals(heading, document, StringComparison.OrdinalIgnoreCase) ? $"Tell me about {lowered}" : $"Tell me about {lowered} ({document})";
    }

    [GeneratedRegex(@"\s?\[(\d{1,2})\]")]
    private static partial Regex CitationMarker();
}
