using PartnerAssistant.Prediction;

namespace PartnerAssistant.Tests.Prediction;

public sealed class DataSplitterTests
{
    [Fact]
    public void ByGroup_RepeatedIds_NeverLandOnBothSides()
    {
        var table = CsvTable.Load(PredictionTestData.OpportunitiesCsv);
        var keys = DataSplitter.GroupKeys(table, table.IndexOf("Opportunity Id"));
        Assert.True(keys.Length > keys.Distinct().Count(), "the fixture repeats ids, or this test proves nothing");

        var plan = DataSplitter.ByGroup(keys, Enumerable.Range(0, keys.Length).ToList(), 0.2, 0.2, seed: 3);

        var test = plan.Test.Select(r => keys[r]).ToHashSet();
        var validation = plan.Validation.Select(r => keys[r]).ToHashSet();
        Assert.DoesNotContain(plan.Train, r => test.Contains(keys[r]) || validation.Contains(keys[r]));
        Assert.DoesNotContain(plan.Validation, r => test.Contains(keys[r]));
        Assert.Equal(keys.Length, plan.Train.Length + plan.Validation.Length + plan.Test.Length);
        Assert.InRange(plan.Test.Length / (double)keys.Length, 0.15, 0.25);
    }

    [Fact]
    public void ByGroup_NoIdColumn_KeepsIdenticalRowsTogether()
    {
        var rows = new List<string?[]>();
        for (var i = 0; i < 200; i++)
        {
            rows.Add(["EMEA", (i % 50).ToString(), i % 3 == 0 ? "Won" : "Lost"]);
        }

        var table = new CsvTable(["Region", "Amount", "Outcome"], rows);
        var keys = DataSplitter.GroupKeys(table, -1);

        var plan = DataSplitter.ByGroup(keys, Enumerable.Range(0, rows.Count).ToList(), 0.3, 0.2, seed: 1, SplitKind.Row);

        var tested = plan.Test.Select(r => keys[r]).ToHashSet();
        Assert.NotEmpty(tested);
        Assert.DoesNotContain(plan.Train.Concat(plan.Validation), r => tested.Contains(keys[r]));
    }

    [Fact]
    public void ByTime_LatestRecordsAreTested()
    {
        var table = CsvTable.Load(PredictionTestData.OpportunitiesCsv);
        var keys = DataSplitter.GroupKeys(table, table.IndexOf("Opportunity Id"));
        var created = table.IndexOf("Created On");
        var dates = table.Rows.Select(r => ColumnProfiler.TryParseDate(r[created]!, out var d) ? d : (DateTime?)null).ToList();

        var plan = DataSplitter.ByTime(keys, dates, 0.2, 0.2, "Created On");

        var lastTrained = plan.Train.Concat(plan.Validation).Max(r => dates[r]);
        var firstTested = plan.Test.Min(r => dates[r]);
        Assert.True(firstTested >= lastTrained, $"test starts {firstTested:d}, training ends {lastTrained:d}");
        var tested = plan.Test.Select(r => keys[r]).ToHashSet();
        Assert.DoesNotContain(plan.Train, r => tested.Contains(keys[r]));
    }

    [Fact]
    public void Folds_SameKey_SameFold_AndEveryFoldUsed()
    {
        var keys = Enumerable.Range(0, 500).Select(i => $"id:{i % 120}").ToArray();

        var folds = DataSplitter.Folds(keys, 5, seed: 9);

        Assert.All(keys.Select((k, i) => (k, i)).GroupBy(x => x.k), g => Assert.Single(g.Select(x => folds[x.i]).Distinct()));
        Assert.Equal([0, 1, 2, 3, 4], folds.Distinct().Order());
    }
}
