using Microsoft.Extensions.Time.Testing;
using PartnerAssistant.People;
using PartnerAssistant.Prediction;

namespace PartnerAssistant.Tests.Prediction;

[Collection(DealModelCollection.Name)]
public sealed class DealScorerTests(DealModelFixture model)
{
    /// <summary>A Gold reseller's 300k resale deal with no helpers and no conflict: room for every lever.</summary>
    public static readonly DealFacts PlainDeal = new()
    {
        PartnerType = PartnerType.Reseller,
        PartnerTier = Tier.Gold,
        Route = RouteToMarket.Resale,
        Region = "NA",
        Segment = CustomerSegment.Enterprise,
        AmountUsd = 300_000,
        Products = NorthbeamProducts.DataFabric,
        PartnersInvolved = 1,
        CertifiedSi = false,
        CoSell = false,
        InfluencePartner = false,
        IsvComponent = false,
        ChannelConflict = false,
        Competitor = CompetitorKind.LegacyIncumbent,
        PriorCustomerRevenueUsd = 0,
    };

    [Fact]
    public void Explain_Contributions_NameRealColumnsLargestFirst()
    {
        var explanation = model.Scorer.Explain(PlainDeal.ToRecord());

        Assert.NotEmpty(explanation.Contributions);
        Assert.All(explanation.Contributions, c => Assert.Contains(c.Column, DealColumns.EntryTime));
        Assert.All(explanation.Contributions, c => Assert.Contains(c.Column, model.Deployed.Schema.Columns));
        var magnitudes = explanation.Contributions.Select(c => Math.Abs(c.Contribution)).ToList();
        Assert.Equal(magnitudes.OrderByDescending(m => m), magnitudes);
        Assert.Equal("no", explanation.Contributions.Single(c => c.Column == DealColumns.CoSell).Value);
    }

    [Fact]
    public void Assess_StrongAndWeakDeals_ExplainWithTheFactsThatDriveThem()
    {
        var advisor = model.Advisor();
        var strong = PlainDeal with { CoSell = true, CertifiedSi = true, PartnersInvolved = 2, Competitor = CompetitorKind.None };
        var weak = PlainDeal with { ChannelConflict = true, Competitor = CompetitorKind.Hyperscaler, PartnerTier = Tier.Registered };

        var good = advisor.Assess(strong);
        var bad = advisor.Assess(weak);

        Assert.True(good.Probability > bad.Probability, $"{good.Probability} vs {bad.Probability}");
        Assert.InRange(good.Raising.Count, 1, 3);
        Assert.InRange(bad.Lowering.Count, 1, 3);
        Assert.Contains(good.Raising, f => f.Column is DealColumns.CoSell or DealColumns.CertifiedSi or DealColumns.Competitor);
        Assert.Contains(bad.Lowering, f => f.Column is DealColumns.ChannelConflict or DealColumns.Competitor or DealColumns.PartnerTier or DealColumns.CoSell or DealColumns.CertifiedSi);
        Assert.Equal(good.Raising.Select(f => f.Contribution).OrderByDescending(c => c), good.Raising.Select(f => f.Contribution));
        Assert.Equal(bad.Lowering.Select(f => f.Contribution).OrderBy(c => c), bad.Lowering.Select(f => f.Contribution));
        Assert.All(good.Raising.Concat(good.Lowering), f => Assert.Equal(DealColumns.Describe(f.Column, f.Value), f.Words));
    }

    [Fact]
    public void Explain_ConflictReported_ItsContributionTurnsDown()
    {
        double ConflictContribution(DealFacts facts) =>
            model.Scorer.Explain(facts.ToRecord()).Contributions.Single(c => c.Column == DealColumns.ChannelConflict).Contribution;

        var calm = ConflictContribution(PlainDeal);
        var conflicted = ConflictContribution(PlainDeal with { ChannelConflict = true });

        Assert.True(conflicted < 0, $"conflict contributes {conflicted}");
        Assert.True(conflicted < calm, $"{conflicted} with conflict, {calm} without");
    }

    [Fact]
    public void WhatIf_AddingCoSellOrACertifiedSi_RaisesTheProbability()
    {
        var advisor = model.Advisor();

        var coSell = advisor.WhatIf(PlainDeal, "co-sell")!;
        var si = advisor.WhatIf(PlainDeal, "certified-si")!;
        var conflict = advisor.WhatIf(PlainDeal, new DealFacts { ChannelConflict = true }, "with channel conflict");

        Assert.True(coSell.To > coSell.From, $"co-sell {coSell.From} -> {coSell.To}");
        Assert.True(si.To > si.From, $"certified SI {si.From} -> {si.To}");
        Assert.True(conflict.To < conflict.From, $"conflict {conflict.From} -> {conflict.To}");
        Assert.Equal(coSell.From, model.Scorer.Score(PlainDeal.ToRecord()), 6);
    }

    [Fact]
    public void Assess_SuggestedWhatIfs_AreImprovementsBestFirst()
    {
        var assessment = model.Advisor().Assess(PlainDeal);

        Assert.InRange(assessment.WhatIfs.Count, 1, 2);
        Assert.All(assessment.WhatIfs, w => Assert.True(w.To > w.From));
        Assert.All(assessment.WhatIfs, w => Assert.Equal(assessment.Probability, w.From, 6));
        Assert.Equal(assessment.WhatIfs.Select(w => w.Delta).OrderByDescending(d => d), assessment.WhatIfs.Select(w => w.Delta));
    }

    [Fact]
    public void WhatIf_CoSellForASilverPartner_NotesTheTierRule()
    {
        var outcome = model.Advisor().WhatIf(PlainDeal with { PartnerTier = Tier.Silver }, "co-sell")!;

        Assert.Equal("co-sell is open to Gold and Platinum partners", outcome.Caveat);
    }

    [Fact]
    public async Task Score_ManyThreadsAtOnce_GiveTheSameAnswersAsOneThread()
    {
        var records = DealHistoryGenerator.Generate(64, seed: 99).Select(d => d.Facts.ToRecord()).ToList();
        var expected = records.Select(r => model.Scorer.Score(r)).ToList();
        var expectedTop = records.Select(r => model.Scorer.Explain(r).Contributions[0].Column).ToList();
        var mismatches = 0;

        await Parallel.ForAsync(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = TestContext.Current.CancellationToken }, (i, _) =>
        {
            var k = i % records.Count;
            var score = model.Scorer.Score(records[k]);
            var explained = model.Scorer.Explain(records[k]);
            if (score != expected[k] || Math.Abs(explained.Probability - expected[k]) > 1e-6 || explained.Contributions[0].Column != expectedTop[k])
            {
                Interlocked.Increment(ref mismatches);
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(0, mismatches);
        Assert.True(expected.Distinct().Count() > 10, "the records should not all score alike");
    }

    [Fact]
    public void Assess_ModelTrainedOnOtherColumns_IsRefusedWithAReason()
    {
        var folder = PredictionTestData.NewFolder();
        try
        {
            using var store = PredictionTestData.Store(folder);
            store.Deploy(new TabularTrainer().Train(CsvTable.Load(PredictionTestData.OpportunitiesCsv), PredictionTestData.OpportunitySettings()));

            var error = Assert.Throws<ModelUnavailableException>(() => new DealAdvisor(new DealScorer(store), []).Assess(PlainDeal));

            Assert.Contains("not on deal registration facts", error.Message);
        }
        finally
        {
            PredictionTestData.Delete(folder);
        }
    }
}

public sealed class DealModelStoreTests
{
    [Fact]
    public void Current_NewVersionDeployedByAnotherProcess_IsPickedUpWithoutRestart()
    {
        var folder = PredictionTestData.NewFolder();
        try
        {
            var table = CsvTable.Load(PredictionTestData.OpportunitiesCsv);
            var trainer = new TabularTrainer();
            var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T08:00:00Z"));
            using var command = PredictionTestData.Store(folder);
            using var host = PredictionTestData.Store(folder, time, TimeSpan.FromSeconds(5));
            var first = command.Deploy(trainer.Train(table, PredictionTestData.OpportunitySettings() with { Seed = 1, Source = "first" }));
            Assert.Equal(first.Version, host.Current!.Version);

            var record = new Dictionary<string, string?> { ["Channel"] = "Partner", ["Region"] = "West", ["Amount"] = "15000,00", ["Has Champion"] = "yes", ["Competitor"] = "None" };
            var second = command.Deploy(trainer.Train(table, PredictionTestData.OpportunitySettings() with { Seed = 2, Trees = 60, Source = "second" }));
            time.Advance(TimeSpan.FromSeconds(6));
            var reloaded = host.Current!;

            Assert.NotEqual(first.Version, second.Version);
            Assert.Equal(second.Version, reloaded.Version);
            Assert.Equal("second", reloaded.Card.Data.Source);
            Assert.Equal(DealScorer.Score(second, record), DealScorer.Score(reloaded, record), 6);
            Assert.NotEqual(DealScorer.Score(first, record), DealScorer.Score(reloaded, record));
        }
        finally
        {
            PredictionTestData.Delete(folder);
        }
    }

    [Fact]
    public void Deploy_WritesModelSchemaAndCardsInTheVersionFolder_AndKeepsFewVersions()
    {
        var folder = PredictionTestData.NewFolder();
        try
        {
            using var store = PredictionTestData.Store(folder);
            var table = CsvTable.Load(PredictionTestData.OpportunitiesCsv);
            var trainer = new TabularTrainer();
            DeployedModel? last = null;
            for (var i = 0; i < 4; i++)
            {
                last = store.Deploy(trainer.Train(table, PredictionTestData.OpportunitySettings() with { Trees = 20 }));
            }

            var versions = System.IO.Directory.GetDirectories(store.Folder);
            Assert.Equal(3, versions.Length);
            Assert.Contains(versions, v => Path.GetFileName(v) == last!.Version);
            foreach (var file in new[] { DealModelStore.ModelFile, DealModelStore.SchemaFile, DealModelStore.CardJsonFile, DealModelStore.CardMarkdownFile })
            {
                Assert.True(File.Exists(Path.Combine(store.Folder, last!.Version, file)), file);
            }

            Assert.Contains(last!.Version, File.ReadAllText(store.PointerPath));
            Assert.Empty(System.IO.Directory.GetFiles(store.Folder, "*.tmp"));
        }
        finally
        {
            PredictionTestData.Delete(folder);
        }
    }
}
