using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;
using PartnerAssistant.Hosting;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace PartnerAssistant.Tests.Deals;

/// <summary>The offline router on the deal utterances held out from the intent examples, for the role each is meant for.</summary>
public sealed class DealsRoutingTests
{
    private static readonly string Root = AssetLocator.Require("prompts", "The prompts folder ships with the repository.");

    public static TheoryData<string, string> HeldOut()
    {
        var file = AssetLocator.Require(Path.Combine("tests", "PartnerAssistant.Tests", "Conversation", "Routing", "heldout", "deals.yaml"), "The held-out file ships with the tests.");
        var reader = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).IgnoreUnmatchedProperties().Build();
        var parsed = reader.Deserialize<HeldOutFile>(File.ReadAllText(file));
        var data = new TheoryData<string, string>();
        foreach (var intent in parsed.Intents)
        {
            foreach (var utterance in intent.Utterances)
            {
                data.Add($"{parsed.Plugin}.{intent.Function}", utterance);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HeldOut))]
    public async Task RouteAsync_HeldOutDealUtteranceOnWordsAlone_OffersItsIntentAndNeverRunsAnotherDealAction(string intent, string utterance)
    {
        var catalog = IntentCatalog.Load(Path.Combine(Root, "intents"));
        var router = new IntentRouter(catalog, new LexicalIntentMatcher(catalog), Options.Create(new RouterOptions()));
        var role = catalog.ById[intent].AllowsRole(Role.PartnerUser) ? Role.PartnerUser
            : catalog.ById[intent].AllowsRole(Role.ChannelManager) ? Role.ChannelManager
            : Role.SalesRep;

        var scores = new LexicalIntentMatcher(catalog).Score(MatcherInput.Of(utterance, catalog.Names), catalog.For(role).ToList());
        var decision = await router.RouteAsync(utterance, role, TestContext.Current.CancellationToken);

        // Words alone (the router's mode when the embedding model is missing) must at least put the intent in the
        // top two, so the clarifying question offers it.
        Assert.True(scores.Take(2).Any(s => s.Intent.Id == intent),
            $"RANK \"{utterance}\" as {role.Slug()}: {string.Join(", ", scores.Take(3).Select(c => $"{c.Intent.Id} {c.Score:F2}"))}");
        // The lexical matcher scores a paraphrase with names it has never seen low, so the router may ask or fall
        // back to the knowledge base instead of running it; what it must never do is run a different deal action
        // (another capability's listing may win on shared words like "waiting for approval" in this degraded mode).
        Assert.False(decision.Kind == RouteKind.Run && decision.Intent!.Id != intent && decision.Intent.Plugin == "Deals",
            $"ROUTE \"{utterance}\" as {role.Slug()}: ran {decision.Intent?.Id} ({decision.Score:F2})");
    }

    private sealed class HeldOutFile
    {
        public string Plugin { get; set; } = "";
        public List<HeldOutIntent> Intents { get; set; } = [];
    }

    private sealed class HeldOutIntent
    {
        public string Function { get; set; } = "";
        public List<string> Utterances { get; set; } = [];
    }
}
