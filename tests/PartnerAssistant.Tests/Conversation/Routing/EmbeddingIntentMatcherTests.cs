using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge.Embeddings;
using PartnerAssistant.Tests.Knowledge.Embeddings;

namespace PartnerAssistant.Tests.Conversation.Routing;

/// <summary>The router's embedded examples and classifier are kept beside the embedding model, so a start with the
/// same examples reads them instead of embedding and training again, and scores exactly as before.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class EmbeddingIntentMatcherTests(MiniLmFixture fixture, ITestOutputHelper output)
{
    private static readonly IntentCatalog Catalog = IntentCatalog.Load(Path.Combine(AssetLocator.Require("prompts", "shipped"), "intents"));

    [Fact]
    public async Task WarmUpAsync_SecondStartWithTheSameExamples_ReadsTheCacheAndScoresTheSame()
    {
        foreach (var file in System.IO.Directory.EnumerateFiles(fixture.CacheDirectory, EmbeddingIntentMatcher.CacheName + "-*"))
        {
            File.Delete(file);
        }

        var first = Matcher(Catalog);
        await first.WarmUpAsync(TestContext.Current.CancellationToken);
        var second = Matcher(Catalog);
        await second.WarmUpAsync(TestContext.Current.CancellationToken);

        Assert.False(first.Source!.FromCache);
        Assert.True(second.Source!.FromCache);
        Assert.Single(System.IO.Directory.EnumerateFiles(fixture.CacheDirectory, EmbeddingIntentMatcher.CacheName + "-*"));
        output.WriteLine($"embedded and trained: {first.Source.Elapsed.TotalMilliseconds:F0} ms; read from the cache: {second.Source.Elapsed.TotalMilliseconds:F0} ms");
        foreach (var utterance in new[] { "how far ahead do I need to submit an MDF request?", "approve DR-1042 under RoE-2", "which gateways are down" })
        {
            var input = MatcherInput.Of(utterance, Catalog.Names);
            var a = await first.ScoreAsync(input, Catalog.All, TestContext.Current.CancellationToken);
            var b = await second.ScoreAsync(input, Catalog.All, TestContext.Current.CancellationToken);
            Assert.Equal(a.Scores.Select(s => (s.Intent.Id, s.Score)), b.Scores.Select(s => (s.Intent.Id, s.Score)));
        }
    }

    [Fact]
    public async Task WarmUpAsync_AnExampleChanged_EmbedsAndTrainsAgain()
    {
        await Matcher(Catalog).WarmUpAsync(TestContext.Current.CancellationToken);
        var changed = new IntentCatalog(Catalog.All.Select((intent, i) => i == 0 ? intent with { Examples = [.. intent.Examples, "one more way to say it"] } : intent), Catalog.Names);

        var matcher = Matcher(changed);
        await matcher.WarmUpAsync(TestContext.Current.CancellationToken);

        Assert.False(matcher.Source!.FromCache);
    }

    [Fact]
    public async Task ScoreAsync_ParaphraseNeedingMeaning_ReturnsTheVectorItEmbedded()
    {
        var matcher = Matcher(Catalog);
        var input = MatcherInput.Of("how far ahead do I need to submit an MDF request?", Catalog.Names);

        var result = await matcher.ScoreAsync(input, Catalog.All, TestContext.Current.CancellationToken);
        var embedded = (await fixture.Generator.GenerateAsync([input.Masked], cancellationToken: TestContext.Current.CancellationToken))[0].Vector;

        Assert.Equal(embedded.ToArray(), result.Vector.ToArray());
    }

    private EmbeddingIntentMatcher Matcher(IntentCatalog catalog) =>
        new(catalog, new LexicalIntentMatcher(catalog), fixture.Generator, Options.Create(new EmbeddingOptions { CacheDirectory = fixture.CacheDirectory }),
            NullLogger<EmbeddingIntentMatcher>.Instance);
}
