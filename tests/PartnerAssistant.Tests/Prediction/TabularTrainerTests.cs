using System.Text.Json.Nodes;
using PartnerAssistant.Prediction;

namespace PartnerAssistant.Tests.Prediction;

public sealed class TabularTrainerTests(OpportunityModelFixture fixture) : IClassFixture<OpportunityModelFixture>
{
    [Fact]
    public void Train_Fixture_CardJsonCarriesMetricsRowsAndFeatures()
    {
        var json = JsonNode.Parse(fixture.Trained.Card.ToJson())!.AsObject();

        Assert.InRange(json["auc"]!.GetValue<double>(), 0.5, 1.0);
        Assert.InRange(json["prAuc"]!.GetValue<double>(), 0.0, 1.0);
        Assert.Equal(fixture.Table.Rows.Count(r => r[^1] is not null), json["rows"]!.GetValue<int>());
        var features = json["features"]!.AsArray();
        Assert.NotEmpty(features);
        Assert.All(features, f => Assert.Contains(f!["name"]!.GetValue<string>(), fixture.Table.Columns));
        Assert.All(features, f => Assert.True(f!["importance"]!.GetValue<double>() >= 0));
        Assert.Equal(3, json["crossValidation"]!["auc"]!["values"]!.AsArray().Count);
    }

    [Fact]
    public void Train_Fixture_LearnsTheColumnsThatDriveTheOutcome()
    {
        var card = fixture.Trained.Card;

        // The fixture's outcome depends most on a champion and the channel; the id and date are not features.
        Assert.Contains(card.Features.Take(3), f => f.Name == "Has Champion");
        Assert.True(card.Auc > 0.65, $"test ROC AUC {card.Auc}");
        Assert.DoesNotContain(card.Features, f => f.Name is "Opportunity Id" or "Created On" or "Days To Close");
    }

    [Fact]
    public void Train_GroupSplitById_NoIdOnBothSides()
    {
        var split = fixture.Trained.Card.Split;

        Assert.Equal(SplitKind.Group, split.Kind);
        Assert.Equal("Opportunity Id", split.Column);
        Assert.Equal(0, split.GroupsOnBothSides);
    }

    [Fact]
    public void Train_PlattCalibration_LowersLogLossAndCalibrationError()
    {
        var card = fixture.Trained.Card;

        Assert.True(card.LogLoss < card.LogLossUncalibrated, $"log-loss {card.LogLoss} calibrated, {card.LogLossUncalibrated} uncalibrated");
        Assert.True(card.Ece < card.EceUncalibrated, $"ECE {card.Ece} calibrated, {card.EceUncalibrated} uncalibrated");
    }

    [Fact]
    public void Train_LeakyColumns_AreWarnedAbout()
    {
        var settings = PredictionTestData.OpportunitySettings() with { Exclude = [] };

        var card = new TabularTrainer().Train(fixture.Table, settings).Card;

        var contract = Assert.Single(card.Warnings, w => w.Column == "Contract Value");
        Assert.True(contract.SingleColumnAuc >= LeakageDetector.SuspiciousAuc, $"single-column AUC {contract.SingleColumnAuc}");
        Assert.Contains(card.Warnings, w => w.Column == "Days To Close");
        Assert.DoesNotContain(card.Warnings, w => w.Column is "Channel" or "Region" or "Amount" or "Has Champion");
    }

    [Fact]
    public void Train_UnknownPositiveValue_ListsTheLabelValues()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            new TabularTrainer().Train(fixture.Table, PredictionTestData.OpportunitySettings() with { Positive = "Closed Won" }));

        Assert.Contains("No row has 'Closed Won' in 'Result'", error.Message);
        Assert.Contains("Won", error.Message);
        Assert.Contains("Lost", error.Message);
    }

    [Fact]
    public void Train_ExcludedColumnNotInFile_IsRefused()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            new TabularTrainer().Train(fixture.Table, PredictionTestData.OpportunitySettings() with { Exclude = ["Stage"] }));

        Assert.StartsWith("The excluded column 'Stage' is not in the file.", error.Message);
    }

    [Fact]
    public void ModelCard_Markdown_NamesDataSplitMetricsAndSegments()
    {
        var markdown = fixture.Trained.Card.ToMarkdown();

        Assert.Contains("`Result` = `Won`", markdown);
        Assert.Contains("by `Opportunity Id`", markdown);
        Assert.Contains("## Held-out test metrics", markdown);
        Assert.Contains("3-fold grouped cross-validation", markdown);
        Assert.Contains("| Channel | Partner |", markdown);
    }
}

public sealed class LeakageDetectorTests
{
    [Theory]
    [InlineData("Days To Close")]
    [InlineData("days_to_close")]
    [InlineData("StageName")]
    [InlineData("Opportunity Result")]
    [InlineData("Sales Stage Change Count")]
    [InlineData("Elapsed Days In Sales Stage")]
    [InlineData("Ratio Days Qualified To Total Days")]
    [InlineData("Closed On")]
    public void NameReason_EndStateNames_AreFlagged(string column) => Assert.NotNull(LeakageDetector.NameReason(column));

    [Theory]
    [InlineData("Route To Market")]
    [InlineData("Region")]
    [InlineData("Opportunity Amount USD")]
    [InlineData("Revenue From Client Past Two Years")]
    [InlineData("Competitor Type")]
    [InlineData("Co-sell")]
    public void NameReason_EntryTimeNames_AreNotFlagged(string column) => Assert.Null(LeakageDetector.NameReason(column));
}

public sealed class BinaryMetricsTests
{
    [Fact]
    public void RocAuc_TiesCountHalf()
    {
        // Pairs (positive, negative): (0.9,0.1) right, (0.9,0.5) right, (0.5,0.1) right, (0.5,0.5) tie.
        var auc = BinaryMetrics.RocAuc([0.9, 0.5, 0.5, 0.1], [true, true, false, false]);

        Assert.Equal(3.5 / 4, auc, 10);
    }

    [Fact]
    public void AveragePrecision_RanksPositivesFirst_IsOne_AndInterleaved_IsLower()
    {
        Assert.Equal(1.0, BinaryMetrics.AveragePrecision([0.9, 0.8, 0.2], [true, true, false]), 10);
        Assert.Equal((1.0 + 2.0 / 3) / 2, BinaryMetrics.AveragePrecision([0.9, 0.8, 0.2], [true, false, true]), 10);
    }

    [Fact]
    public void Compute_PerfectlyCalibratedBins_HaveZeroEce()
    {
        var p = Enumerable.Repeat(0.25, 8).ToList();
        var y = new[] { true, false, false, false, true, false, false, false };

        var metrics = BinaryMetrics.Compute(p, y);

        Assert.Equal(0, metrics.Ece, 10);
        Assert.Equal(-(0.25 * Math.Log(0.25) + 0.75 * Math.Log(0.75)), metrics.LogLoss, 10);
    }

    [Fact]
    public void SegmentFlag_LargeSystematicGap_IsFlagged_NoiseIsNot()
    {
        Assert.Equal("over-estimates by 12 points", TabularTrainer.SegmentFlag(400, 0.42, 0.30, 0.7, 0.7, 120));
        Assert.Null(TabularTrainer.SegmentFlag(60, 0.36, 0.30, 0.7, 0.7, 18));
        Assert.Null(TabularTrainer.SegmentFlag(200, 0.41, 0.41, 0.53, 0.64, 82));
        Assert.Equal("ranks poorly (ROC AUC 0.53 vs 0.70 overall)", TabularTrainer.SegmentFlag(2000, 0.41, 0.41, 0.53, 0.70, 800));
    }
}
