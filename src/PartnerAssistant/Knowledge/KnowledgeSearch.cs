using PartnerAssistant.Cards;
using PartnerAssistant.Conversation;
using PartnerAssistant.Knowledge.Answering;
using PartnerAssistant.People;

namespace PartnerAssistant.Knowledge;

/// <summary>
/// Enablement articles for the Teams compose box: the sections closest to the query that the caller's
/// audience may read, one result per section, as a card with the passage and a link to the source.
/// </summary>
public sealed class KnowledgeSearch(KnowledgeRetriever retriever) : IMessageExtensionSearch
{
    /// <summary>Longest passage excerpt on a card; the link leads to the rest.</summary>
    public const int ExcerptLength = 600;

    public string Name => "knowledge";

    public async Task<IReadOnlyList<SearchResultItem>> SearchAsync(Caller caller, string query, int skip, int count, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            // Nothing to rank by on Teams' initial run; the caller's own deals are the better start.
            return [];
        }

        // Passages of one section come together; fetch extra so a page still has `count` sections.
        var retrieval = await retriever.RetrieveAsync(query, KnowledgeFilter.For(caller), Math.Min((skip + count) * 2, 100), null, cancellationToken);
        return retrieval.Hits
            .GroupBy(h => (h.Chunk.Source, h.Chunk.Section))
            .Select(g => g.OrderByDescending(h => h.Score).First())
            .OrderByDescending(h => h.Similarity)
            .Skip(skip)
            .Take(count)
            .Select(ToResult)
            .ToList();
    }

    private static SearchResultItem ToResult(KnowledgeHit hit)
    {
        var chunk = hit.Chunk;
        var section = chunk.Section.Length > 0 ? chunk.Section : chunk.Title;
        var excerpt = chunk.Text.Length <= ExcerptLength ? chunk.Text : chunk.Text[..ExcerptLength].TrimEnd() + "…";
        var card = AdaptiveCardBuilder.Create().Title(chunk.Title);
        if (chunk.Section.Length > 0)
        {
            card.Text(chunk.Section, subtle: true);
        }

        card.Text(excerpt);
        if (KnowledgeAnswerService.Link(chunk) is { } link)
        {
            card.OpenUrl("Open the article", link);
        }

        // Similarity is a cosine in [-1, 1]; results from other sources rank on 0–1.
        return new SearchResultItem(chunk.Title, section + " — " + Summary(chunk.Text), card.Build(), Math.Clamp(hit.Similarity, 0, 1));
    }

    private static string Summary(string text)
    {
        var flat = text.ReplaceLineEndings(" ");
        return flat.Length <= 120 ? flat : flat[..120].TrimEnd() + "…";
    }
}
