using PartnerAssistant.People;
using PartnerAssistant.Prediction;
using PartnerAssistant.Tests.Infrastructure;
using PartnerAssistant.Tests.Prediction;
using PartnerAssistant.Trust;

namespace PartnerAssistant.Tests.Trust;

/// <summary>Every deal score records the model version and the hash of the data it learned from, and says so when asked.</summary>
[Collection(DealModelCollection.Name)]
public sealed class DealScoreProvenanceTests(DealModelFixture model)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Train_GeneratedHistory_RecordsTheSha256OfExactlyTheTableItLearnedFrom()
    {
        var history = DealHistoryGenerator.ToTable(DealHistoryGenerator.Generate(4000, 7));
        var changed = DealHistoryGenerator.ToTable(DealHistoryGenerator.Generate(4000, 7));
        changed.Rows[17][0] = changed.Rows[17][0] + "x";

        Assert.Matches("^[0-9a-f]{64}$", model.Trained.Card.Data.Sha256);
        Assert.Equal(history.ContentSha256(), model.Trained.Card.Data.Sha256);
        Assert.NotEqual(history.ContentSha256(), changed.ContentSha256());
        Assert.Contains($"- Training data SHA-256: `{model.Trained.Card.Data.Sha256}`", model.Deployed.Card.ToMarkdown());
        Assert.Equal(model.Trained.Card.Data.Sha256, ModelCard.FromJson(model.Deployed.Card.ToJson()).Data.Sha256);
    }

    [Fact]
    public async Task ScoreThenWhy_DescribedDeal_NamesTheModelVersionAndTheTrainingDataHash()
    {
        await using var services = await AssistantServices.CreateAsync();
        var log = services.Get<ProvenanceLog>();
        var sam = (await services.Get<DirectoryService>().FindByPersonIdAsync("sam-rivera", Ct))!;
        var (kernel, state) = TestTurns.Create(sam, "what are the odds on a 300k SI-led deal in EMEA with co-sell?");

        new PredictionPlugin(model.Advisor(), log).ScoreDescribedDeal(kernel, "what are the odds on a 300k SI-led deal in EMEA with co-sell?");
        var recorded = Assert.Single(await log.LatestAsync(state, Ct));
        var (nextTurn, _) = TestTurns.Create(sam, "why did you say that?", state);
        var why = await services.Get<TrustPlugin>().WhyAsync(nextTurn, Ct);

        Assert.Equal(ProvenanceKinds.DealScore, recorded.Kind);
        Assert.Equal(model.Deployed.Version, recorded.Details["modelVersion"]!.GetValue<string>());
        Assert.Equal(model.Trained.Card.Data.Sha256, recorded.Details["trainingDataSha256"]!.GetValue<string>());
        Assert.InRange(recorded.Details["probability"]!.GetValue<double>(), 0.01, 0.99);
        Assert.Contains($"version **{model.Deployed.Version}**", why.Text);
        Assert.Contains($"SHA-256 {model.Trained.Card.Data.Sha256![..12]}", why.Text);
        Assert.Contains("the deal you described", why.Text);
        Assert.Single(await log.ListAsync(ProvenanceKinds.DealScore, null, 10, Ct));
    }

    [Fact]
    public async Task Why_NothingAnsweredYet_SaysSo()
    {
        await using var services = await AssistantServices.CreateAsync();
        var priya = (await services.Get<DirectoryService>().FindByPersonIdAsync("priya-patel", Ct))!;

        var why = await services.Get<TrustPlugin>().WhyAsync(TestTurns.Create(priya, "why did you say that?").Kernel, Ct);

        Assert.StartsWith("I haven't given an answer in this conversation that I can trace yet.", why.Text);
    }
}
