using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Documents;

namespace PartnerAssistant.Tests.Knowledge;

/// <summary>
/// Issue 14: documents whose front matter names tiers or partner types were shown to every partner.
/// Retrieval for a partner now keeps to its own tier and partner type; staff see everything.
/// </summary>
[Collection(EnablementCorpusCollection.Name)]
public sealed class TierAndPartnerTypeFilterTests(EnablementCorpusFixture corpus)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RetrieveAsync_GoldOnlyDocument_ReachesAGoldPartnerAndStaffButNotASilverOne()
    {
        var retriever = corpus.Require().Get<KnowledgeRetriever>();
        const string question = "how do we get a Northbeam account executive and solution engineer to co-sell on our deal?";
        var silverReseller = await corpus.CallerAsync("demo-partner");
        var goldIntegrator = await corpus.CallerAsync("demo-partner-2");
        var manager = await corpus.CallerAsync("demo-manager");

        var silver = await retriever.RetrieveAsync(question, KnowledgeFilter.For(silverReseller), 50, null, Ct);
        var gold = await retriever.RetrieveAsync(question, KnowledgeFilter.For(goldIntegrator), 50, null, Ct);
        var staff = await retriever.RetrieveAsync(question, KnowledgeFilter.For(manager), 50, null, Ct);

        Assert.DoesNotContain(silver.Hits, h => h.Chunk.Source == "program/co-sell.md");
        Assert.All(silver.Hits, h => Assert.True(h.Chunk.Tiers.Contains("all") || h.Chunk.Tiers.Contains("silver"), h.Chunk.Source));
        Assert.Equal("program/co-sell.md", gold.Hits[0].Chunk.Source);
        Assert.Contains(staff.Hits, h => h.Chunk.Source == "program/co-sell.md");
    }

    [Fact]
    public async Task RetrieveAsync_DocumentForOtherPartnerTypes_DoesNotReachAReseller()
    {
        var retriever = corpus.Require().Get<KnowledgeRetriever>();
        const string question = "how do we run a bias review of a model before we deploy it for a customer?";
        var reseller = await corpus.CallerAsync("demo-partner");
        var integrator = await corpus.CallerAsync("demo-partner-2");

        var forReseller = await retriever.RetrieveAsync(question, KnowledgeFilter.For(reseller), 50, null, Ct);
        var forIntegrator = await retriever.RetrieveAsync(question, KnowledgeFilter.For(integrator), 50, null, Ct);

        Assert.DoesNotContain(forReseller.Hits, h => h.Chunk.Source == "trusted-data/bias-reviews.md");
        Assert.All(forReseller.Hits, h => Assert.True(h.Chunk.PartnerTypes.Contains("all") || h.Chunk.PartnerTypes.Contains("reseller"), h.Chunk.Source));
        Assert.Contains(forIntegrator.Hits, h => h.Chunk.Source == "trusted-data/bias-reviews.md");
    }

    [Fact]
    public void Read_MisspeltTier_IsRefusedRatherThanHidingTheDocument()
    {
        var error = Assert.Throws<DocumentFormatException>(() => DocumentReader.Read("program/x.md", "---\naudience: partner\ntiers: [gold, platnum]\n---\n# X\n\nText.\n"u8, KnowledgeAudience.Internal));

        Assert.Equal("program/x.md: tiers names 'platnum'; use all, gold, platinum, registered, silver.", error.Message);
    }
}
