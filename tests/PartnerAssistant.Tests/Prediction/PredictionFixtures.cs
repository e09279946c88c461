using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;
using PartnerAssistant.Prediction;

namespace PartnerAssistant.Tests.Prediction;

/// <summary>Paths and stores for prediction tests, each over its own temporary data folder.</summary>
public static class PredictionTestData
{
    /// <summary>The committed CRM-export fixture (see Fixtures/make_opportunities.py): invented data, semicolon-delimited.</summary>
    public static string OpportunitiesCsv => Path.Combine(AppContext.BaseDirectory, "Prediction", "Fixtures", "opportunities.csv");

    public static TrainingSettings OpportunitySettings(int folds = 0) => new()
    {
        Label = "Result",
        Positive = "Won",
        Exclude = ["Days To Close", "Contract Value"],
        Folds = folds,
        Trees = 100,
        Source = "opportunities.csv",
    };

    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "pa-pred-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(folder);
        return folder;
    }

    public static DealModelStore Store(string folder, TimeProvider? time = null, TimeSpan? reloadInterval = null) =>
        new(Options.Create(new DataOptions { Folder = folder }),
            Options.Create(new PredictionOptions { ReloadCheckInterval = reloadInterval ?? TimeSpan.FromSeconds(5) }),
            time ?? TimeProvider.System,
            NullLogger<DealModelStore>.Instance);

    public static void Delete(string folder)
    {
        try
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A deal model trained once on 4,000 generated Northbeam deals and deployed to a temporary store.</summary>
public sealed class DealModelFixture : IDisposable
{
    public DealModelFixture()
    {
        Folder = PredictionTestData.NewFolder();
        Store = PredictionTestData.Store(Folder);
        var history = DealHistoryGenerator.ToTable(DealHistoryGenerator.Generate(4000, 7));
        Trained = new TabularTrainer().Train(history, DealHistoryGenerator.TrainingSettings("generated history (4,000 deals, seed 7)"));
        Deployed = Store.Deploy(Trained);
        Scorer = new DealScorer(Store);
    }

    public string Folder { get; }
    public DealModelStore Store { get; }
    public TrainedModel Trained { get; }
    public DeployedModel Deployed { get; }
    public DealScorer Scorer { get; }

    public DealAdvisor Advisor(params IDealFactsSource[] sources) => new(Scorer, sources);

    public void Dispose()
    {
        Store.Dispose();
        PredictionTestData.Delete(Folder);
    }
}

[CollectionDefinition(Name)]
public sealed class DealModelCollection : ICollectionFixture<DealModelFixture>
{
    public const string Name = "deal model";
}

/// <summary>A model trained once on the opportunities fixture (not deployed).</summary>
public sealed class OpportunityModelFixture
{
    public OpportunityModelFixture()
    {
        Table = CsvTable.Load(PredictionTestData.OpportunitiesCsv);
        Trained = new TabularTrainer().Train(Table, PredictionTestData.OpportunitySettings(folds: 3));
    }

    public CsvTable Table { get; }
    public TrainedModel Trained { get; }
}
