using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Documents;

namespace PartnerAssistant.Tests.Knowledge.Documents;

public sealed class MarkdownChunkerTests
{
    [Fact]
    public void Chunk_SectionsUnderTheTitle_BecomeOnePassageEach_NamedAndAnchoredByTheirHeading()
    {
        var chunks = new MarkdownChunker(200, 20).Chunk(Document("""
            # Partner tiers — requirements and benefits

            Intro before any section.

            ## Gold tier

            Gold requires **five** certified individuals.

            ### Gold benefits

            - 4 % MDF accrual
            - 12 % registration discount

            ## Platinum tier

            Platinum requires twelve certified individuals.
            """));

        Assert.Equal(
            [("", "", "Intro before any section."),
             ("Gold tier", "gold-tier", "Gold requires five certified individuals."),
             ("Gold tier › Gold benefits", "gold-benefits", "- 4 % MDF accrual\n- 12 % registration discount"),
             ("Platinum tier", "platinum-tier", "Platinum requires twelve certified individuals.")],
            chunks.Select(c => (c.Section, c.Anchor, c.Text)));
        Assert.Equal([0, 1, 2, 3], chunks.Select(c => c.Ordinal));
        Assert.Equal("Partner tiers — requirements and benefits — Gold tier\nGold requires five certified individuals.", chunks[1].EmbeddingText("Partner tiers — requirements and benefits"));
    }

    [Fact]
    public void Chunk_LongSection_IsSplitWithOverlap_SoEverySentenceIsWholeSomewhere()
    {
        var sentences = Enumerable.Range(1, 30).Select(i => $"Sentence number {i} says one fact about claims.").ToList();
        var chunks = new MarkdownChunker(40, 10).Chunk(Document("# Title\n\n## Claims\n\n" + string.Join(" ", sentences)));

        Assert.True(chunks.Count > 3);
        Assert.All(chunks, c => Assert.InRange(MarkdownChunker.WordCount(c.Text), 1, 40 + 10));
        Assert.All(chunks, c => Assert.Equal("Claims", c.Section));
        Assert.All(sentences, s => Assert.Contains(chunks, c => c.Text.Contains(s, StringComparison.Ordinal)));
        for (var i = 1; i < chunks.Count; i++)
        {
            // Each passage starts with the last sentence of the one before it.
            var previousLast = MarkdownChunker.Sentences(chunks[i - 1].Text).Last();
            Assert.StartsWith(previousLast, chunks[i].Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Chunk_HeadingInsideACodeFence_IsNotASection()
    {
        var chunks = new MarkdownChunker(200, 20).Chunk(Document("# T\n\n## Setup\n\nRun this:\n\n```\n# not a heading\nnpm ci\n```\n\nThen start."));

        Assert.Equal("Setup", Assert.Single(chunks).Section);
    }

    [Theory]
    [InlineData("Gold tier", "gold-tier")]
    [InlineData("RoE-1 First approved registration wins", "roe-1-first-approved-registration-wins")]
    [InlineData("What's MDF? (and who pays)", "whats-mdf-and-who-pays")]
    public void Anchor_Heading_IsGitHubStyle(string heading, string anchor) =>
        Assert.Equal(anchor, MarkdownChunker.Anchor(heading));

    private static KnowledgeDocument Document(string markdown) =>
        new() { Source = "test.md", Title = "Test", Markdown = markdown.Replace("\r\n", "\n", StringComparison.Ordinal) };
}
