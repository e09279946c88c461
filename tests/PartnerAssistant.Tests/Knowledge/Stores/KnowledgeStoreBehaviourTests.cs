using PartnerAssistant.Knowledge;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Tests.Knowledge.Stores;

/// <summary>
/// What every knowledge store must do, run against each implementation. Vectors here are small and
/// hand-made: the behaviour under test (filters, fusion, staging, replacement) does not depend on
/// which model made them, and hand-made vectors make "the best match" unambiguous.
/// </summary>
public abstract class KnowledgeStoreBehaviourTests : IAsyncLifetime
{
    protected const int Dimensions = 8;
    private static int _collections;

    protected IKnowledgeStore Store { get; private set; } = null!;

    protected string Collection { get; } = $"test-{Interlocked.Increment(ref _collections)}-{Guid.NewGuid():N}"[..24];

    protected abstract Task<IKnowledgeStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SearchAsync_PartnerFilter_NeverReturnsInternalPassage_EvenWhenItIsTheBestMatch()
    {
        await IndexAsync(
            Doc("internal/playbook.md", KnowledgeAudience.Internal, Chunk(Axis(0), "conflict review playbook for channel managers")),
            Doc("program/rules.md", KnowledgeAudience.Partner, Chunk(Mix(0, 1), "rules of engagement for registered partners")),
            Doc("program/overview.md", KnowledgeAudience.All, Chunk(Axis(2), "program overview")));

        var partner = await SearchAsync(Axis(0), ["conflict", "playbook"], KnowledgeFilter.Partner, top: 5);
        var staff = await SearchAsync(Axis(0), ["conflict", "playbook"], KnowledgeFilter.Internal, top: 1);

        Assert.NotEmpty(partner);
        Assert.DoesNotContain(partner, h => h.Chunk.Audience == KnowledgeAudience.Internal);
        Assert.Equal("program/rules.md", partner[0].Chunk.Source);
        Assert.Equal("internal/playbook.md", Assert.Single(staff).Chunk.Source);
    }

    [Fact]
    public async Task SearchAsync_FilterWithTopOne_IsAppliedInsideTheSearchNotAfterIt()
    {
        // Ten internal passages beat the one partner passage on both sides; a store that filtered
        // after taking the top result would return nothing.
        var internals = Enumerable.Range(0, 10).Select(i => Doc($"internal/{i}.md", KnowledgeAudience.Internal, Chunk(Axis(3), "mdf approval guideline"))).ToArray();
        await IndexAsync([.. internals, Doc("program/mdf.md", KnowledgeAudience.Partner, Chunk(Mix(3, 4), "mdf request guideline"))]);

        var hits = await SearchAsync(Axis(3), ["mdf", "guideline"], KnowledgeFilter.Partner, top: 1, candidates: 3);

        Assert.Equal("program/mdf.md", Assert.Single(hits).Chunk.Source);
    }

    [Fact]
    public async Task SearchAsync_TierPartnerTypeAndSourceFilters_NarrowTheResults()
    {
        await IndexAsync(
            Doc("program/co-sell.md", KnowledgeAudience.Partner, ["gold", "platinum"], ["all"], Chunk(Axis(1), "co-sell with an account executive")),
            Doc("program/msp.md", KnowledgeAudience.Partner, ["all"], ["msp"], Chunk(Mix(1, 2), "managed services co-sell")),
            Doc("program/any.md", KnowledgeAudience.All, ["all"], ["all"], Chunk(Mix(1, 5), "co-sell overview")));

        var silver = await SearchAsync(Axis(1), ["co-sell"], KnowledgeFilter.Partner with { Tier = "silver" }, top: 5);
        var gold = await SearchAsync(Axis(1), ["co-sell"], KnowledgeFilter.Partner with { Tier = "gold" }, top: 5);
        var reseller = await SearchAsync(Axis(1), ["co-sell"], KnowledgeFilter.Partner with { PartnerType = "reseller" }, top: 5);
        var oneDocument = await SearchAsync(Axis(1), ["co-sell"], KnowledgeFilter.Partner with { Sources = ["program/msp.md"] }, top: 5);

        Assert.DoesNotContain(silver, h => h.Chunk.Source == "program/co-sell.md");
        Assert.Equal("program/co-sell.md", gold[0].Chunk.Source);
        Assert.DoesNotContain(reseller, h => h.Chunk.Source == "program/msp.md");
        Assert.All(oneDocument, h => Assert.Equal("program/msp.md", h.Chunk.Source));
        Assert.NotEmpty(oneDocument);
    }

    [Fact]
    public async Task SearchAsync_PassageWithTheExactKeyword_IsFoundThroughTheKeywordSide()
    {
        // The keyword passage points away from the query vector; only keyword search can find it.
        await IndexAsync(
            Doc("a.md", KnowledgeAudience.All, Chunk(Axis(0), "general program information")),
            Doc("b.md", KnowledgeAudience.All, Chunk(Axis(1), "more general information")),
            Doc("roe.md", KnowledgeAudience.All, Chunk(Axis(7), "RoE-5 covers marketplace private offers")));

        var hits = await SearchAsync(Axis(0), ["marketplace"], KnowledgeFilter.Partner, top: 3, candidates: 1);

        Assert.Contains(hits, h => h.Chunk.Source == "roe.md");
    }

    [Fact]
    public async Task SearchAsync_PassageRankedByBothSides_OutranksPassagesRankedByOne()
    {
        await IndexAsync(
            Doc("dense-only.md", KnowledgeAudience.All, Chunk(Axis(0), "quarterly numbers")),
            Doc("both.md", KnowledgeAudience.All, Chunk(Mix(0, 1), "tier evaluation every quarter")),
            Doc("keyword-only.md", KnowledgeAudience.All, Chunk(Axis(6), "tier evaluation checklist")));

        var hits = await SearchAsync(Axis(0), ["tier", "evaluation"], KnowledgeFilter.Partner, top: 3, candidates: 2);

        Assert.Equal("both.md", hits[0].Chunk.Source);
        Assert.True(hits[0].Score > hits[1].Score);
        Assert.InRange(hits.Single(h => h.Chunk.Source == "dense-only.md").Similarity, 0.99, 1.01);
    }

    [Fact]
    public async Task WriteBatch_StagedPassages_StayInvisibleUntilCommit_ThenReplaceTheOldOnes()
    {
        await IndexAsync(Doc("program/mdf.md", KnowledgeAudience.Partner, Chunk(Axis(2), "old mdf text"), Chunk(Axis(2), "old mdf text, part two")));

        await using (var batch = await Store.BeginWriteAsync(Collection, Dimensions, Ct))
        {
            var updated = Doc("program/mdf.md", KnowledgeAudience.Partner, Chunk(Axis(2), "new mdf text"));
            await batch.StageAsync(updated.Document, updated.Chunks, Ct);

            var before = await SearchAsync(Axis(2), ["mdf"], KnowledgeFilter.Partner, top: 5);
            Assert.All(before, h => Assert.StartsWith("old", h.Chunk.Text));
            Assert.Equal(2, before.Count);

            await batch.CommitAsync([], Ct);
        }

        var after = await SearchAsync(Axis(2), ["mdf"], KnowledgeFilter.Partner, top: 5);
        Assert.Equal("new mdf text", Assert.Single(after).Chunk.Text);
        Assert.Equal(1, Assert.Single(await Store.ListDocumentsAsync(Collection, Ct)).Chunks);
    }

    [Fact]
    public async Task WriteBatch_AbandonedBeforeCommit_LeavesThePreviousIndexWholeAndTheNextRunCleansUp()
    {
        await IndexAsync(
            Doc("a.md", KnowledgeAudience.All, Chunk(Axis(0), "alpha version one")),
            Doc("b.md", KnowledgeAudience.All, Chunk(Axis(1), "beta version one")));

        // A run that stages a new version of a.md and removes nothing, then dies before committing.
        var dying = await Store.BeginWriteAsync(Collection, Dimensions, Ct);
        var staged = Doc("a.md", KnowledgeAudience.All, Chunk(Axis(0), "alpha version two"));
        await dying.StageAsync(staged.Document, staged.Chunks, Ct);
        await dying.DisposeAsync();

        var meanwhile = await SearchAsync(Axis(0), ["alpha"], KnowledgeFilter.Partner, top: 5);
        Assert.Equal("alpha version one", Assert.Single(meanwhile, h => h.Chunk.Source == "a.md").Chunk.Text);
        Assert.Equal(["a.md", "b.md"], (await Store.ListDocumentsAsync(Collection, Ct)).Select(d => d.Source));

        await IndexAsync(Doc("b.md", KnowledgeAudience.All, Chunk(Axis(1), "beta version two")));

        var all = await SearchAsync(Mix(0, 1), ["alpha", "beta", "version"], KnowledgeFilter.Partner, top: 10);
        Assert.Equal(["alpha version one", "beta version two"], all.Select(h => h.Chunk.Text).Order());
    }

    [Fact]
    public async Task CommitAsync_RemovedSources_LeaveTheIndex()
    {
        await IndexAsync(
            Doc("keep.md", KnowledgeAudience.All, Chunk(Axis(0), "kept text")),
            Doc("gone.md", KnowledgeAudience.All, Chunk(Axis(0), "removed text")));

        await using (var batch = await Store.BeginWriteAsync(Collection, Dimensions, Ct))
        {
            await batch.CommitAsync(["gone.md"], Ct);
        }

        Assert.Equal(["keep.md"], (await Store.ListDocumentsAsync(Collection, Ct)).Select(d => d.Source));
        Assert.DoesNotContain(await SearchAsync(Axis(0), ["removed"], KnowledgeFilter.Partner, top: 5), h => h.Chunk.Source == "gone.md");
    }

    [Fact]
    public async Task ListDocumentsAsync_ReportsWhatIsIndexed_WithHashesAudienceAndPassageCounts()
    {
        await IndexAsync(
            Doc("one.md", KnowledgeAudience.Partner, Chunk(Axis(0), "first"), Chunk(Axis(1), "second"), Chunk(Axis(2), "third")),
            Doc("two.md", KnowledgeAudience.Internal, Chunk(Axis(3), "only")));

        var documents = await Store.ListDocumentsAsync(Collection, Ct);

        Assert.Equal(2, documents.Count);
        Assert.Equal(new IndexedDocument("one.md", "Title of one.md", KnowledgeAudience.Partner, "hash-one.md", 3), documents[0]);
        Assert.Equal(new IndexedDocument("two.md", "Title of two.md", KnowledgeAudience.Internal, "hash-two.md", 1), documents[1]);
        Assert.Empty(await Store.ListDocumentsAsync("never-created", Ct));
        Assert.Empty(await Store.SearchAsync("never-created", new HybridQuery(Axis(0), ["x"], KnowledgeFilter.Partner, 3), Ct));
    }

    [Fact]
    public async Task SearchAsync_ReturnsCitableFields_OfThePassage()
    {
        var document = Doc("program/tiers.md", KnowledgeAudience.Partner, Chunk(Axis(4), "Gold needs five certified people"));
        document.Chunks[0].Section = "Gold tier";
        document.Chunks[0].Anchor = "gold-tier";
        await IndexAsync(document);

        var hit = Assert.Single(await SearchAsync(Axis(4), ["gold"], KnowledgeFilter.Partner, top: 1));

        Assert.Equal("Title of program/tiers.md", hit.Chunk.Title);
        Assert.Equal("Gold tier", hit.Chunk.Section);
        Assert.Equal("gold-tier", hit.Chunk.Anchor);
        Assert.Equal("https://partners.northbeam.example/docs/program/tiers.md", hit.Chunk.SourceUrl);
        Assert.Equal(["all"], hit.Chunk.Tiers);
    }

    [Fact]
    public async Task BeginWriteAsync_VectorsOfAnotherSize_AreRefused()
    {
        await IndexAsync(Doc("a.md", KnowledgeAudience.All, Chunk(Axis(0), "text")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Store.BeginWriteAsync(Collection, Dimensions * 2, Ct));

        Assert.Contains("Delete the collection", error.Message);
    }

    protected sealed record TestDocument(IndexedDocument Document, List<KnowledgeChunk> Chunks);

    protected static float[] Axis(int i)
    {
        var vector = new float[Dimensions];
        vector[i] = 1;
        return vector;
    }

    /// <summary>A unit vector mostly along <paramref name="main"/>, a little along <paramref name="other"/> (cosine 0.96 with the main axis).</summary>
    protected static float[] Mix(int main, int other)
    {
        var vector = new float[Dimensions];
        vector[main] = 0.96f;
        vector[other] = MathF.Sqrt(1 - (0.96f * 0.96f));
        return vector;
    }

    private static (float[] Vector, string Text) Chunk(float[] vector, string text) => (vector, text);

    private static TestDocument Doc(string source, KnowledgeAudience audience, params (float[] Vector, string Text)[] chunks) =>
        Doc(source, audience, ["all"], ["all"], chunks);

    private static TestDocument Doc(string source, KnowledgeAudience audience, string[] tiers, string[] partnerTypes, params (float[] Vector, string Text)[] chunks)
    {
        var records = chunks.Select((c, i) => new KnowledgeChunk
        {
            Id = Guid.NewGuid(),
            Source = source,
            Title = $"Title of {source}",
            Section = "",
            Anchor = "",
            SourceUrl = $"https://partners.northbeam.example/docs/{source}",
            Text = c.Text,
            Audience = audience,
            Tiers = tiers,
            PartnerTypes = partnerTypes,
            Ordinal = i,
            ContentHash = $"hash-{source}",
            Vector = c.Vector,
        }).ToList();
        return new TestDocument(new IndexedDocument(source, $"Title of {source}", audience, $"hash-{source}", records.Count), records);
    }

    protected async Task IndexAsync(params TestDocument[] documents)
    {
        await using var batch = await Store.BeginWriteAsync(Collection, Dimensions, Ct);
        foreach (var document in documents)
        {
            await batch.StageAsync(document.Document, document.Chunks, Ct);
        }

        await batch.CommitAsync([], Ct);
    }

    protected async Task<IReadOnlyList<KnowledgeHit>> SearchAsync(float[] vector, string[] keywords, KnowledgeFilter filter, int top, int candidates = 50) =>
        await Store.SearchAsync(Collection, new HybridQuery(vector, keywords, filter, top) { Candidates = candidates }, Ct);
}
