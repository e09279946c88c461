using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Prediction;

/// <summary>The registry does not hold enough closed deals of each outcome to retrain.</summary>
public sealed class NotEnoughDealsException(string message) : Exception(message);

/// <summary>
/// Trains and deploys deal models: from any CSV (sales operations' own CRM export), from the
/// generated history at first run, and from the deal registry's own closed deals on command.
/// </summary>
public sealed class DealModelTraining(
    DealModelStore store,
    TabularTrainer trainer,
    IOptions<PredictionOptions> options,
    IOptions<DataOptions> data,
    TimeProvider time,
    IEnumerable<IClosedDealsSource> closedDeals,
    ILogger<DealModelTraining> logger)
{
    public const string HistoryFile = "northbeam-deal-history.csv";

    public DealModelStore Store => store;

    /// <summary>Whether a deal registry is connected to retrain from.</summary>
    public bool HasRegistry => closedDeals.Any();

    /// <summary>Trains on a CSV file without deploying; <see cref="Deploy"/> makes it the host's model.</summary>
    public TrainedModel TrainFromCsv(string path, TrainingSettings settings)
    {
        var table = CsvTable.Load(path);
        return trainer.Train(table, settings with { Source = settings.Source is { Length: > 0 } ? settings.Source : Path.GetFileName(path), Threads = Threads(settings.Threads) }, time);
    }

    public DeployedModel Deploy(TrainedModel model) => store.Deploy(model);

    /// <summary>Writes the generated deal history to the data folder and returns its path.</summary>
    public string WriteHistory(string? path = null, int? deals = null, int? seed = null)
    {
        var target = path ?? data.Value.PathTo("models", options.Value.ModelName, "history", HistoryFile);
        var history = DealHistoryGenerator.Generate(deals ?? options.Value.HistoryDeals, seed ?? options.Value.HistorySeed);
        var staging = target + ".tmp";
        DealHistoryGenerator.ToTable(history).Save(staging);
        File.Move(staging, target, overwrite: true);
        return target;
    }

    /// <summary>Generates the vendor's deal history, trains on it and deploys the model.</summary>
    public DeployedModel TrainFromHistory()
    {
        var path = WriteHistory();
        logger.LogInformation("Training the first deal model from the generated history {Path}", path);
        var settings = DealHistoryGenerator.TrainingSettings(
            $"generated Northbeam deal history ({options.Value.HistoryDeals} deals, seed {options.Value.HistorySeed})", threads: options.Value.TrainingThreads);
        var model = trainer.Train(CsvTable.Load(path), settings, time);
        return store.Deploy(model);
    }

    /// <summary>Retrains on the registry's closed deals and deploys the model, once it holds at least
    /// <see cref="PredictionOptions.MinClosedDealsPerOutcome"/> won and as many lost.</summary>
    public async Task<DeployedModel> RetrainFromRegistryAsync(CancellationToken cancellationToken)
    {
        var source = closedDeals.FirstOrDefault()
            ?? throw new InvalidOperationException("No deal registry is connected, so there are no closed deals to retrain from.");
        var deals = await source.ListClosedDealsAsync(cancellationToken);
        var won = deals.Count(d => d.Won);
        var lost = deals.Count - won;
        var minimum = options.Value.MinClosedDealsPerOutcome;
        if (won < minimum || lost < minimum)
        {
            throw new NotEnoughDealsException(
                $"The registry holds {won} won and {lost} lost closed deals; retraining needs at least {minimum} of each.");
        }

        var table = ToTable(deals);
        var settings = DealHistoryGenerator.TrainingSettings($"deal registry ({deals.Count} closed deals)", threads: options.Value.TrainingThreads) with
        {
            Exclude = [DealColumns.ClosedOn],
            SplitBy = deals.All(d => d.Facts.RegisteredOn is not null) ? DealColumns.RegisteredOn : DealColumns.RegistrationNumber,
        };
        var model = trainer.Train(table, settings, time);
        return store.Deploy(model);
    }

    /// <summary>Closed deals as a table with the deal history's columns.</summary>
    public static CsvTable ToTable(IEnumerable<ClosedDeal> deals)
    {
        var columns = DealColumns.EntryTime.Concat([DealColumns.ClosedOn, DealColumns.Outcome]).ToList();
        var rows = deals.Select(deal =>
        {
            var record = deal.Facts.ToRecord();
            var row = new string?[columns.Count];
            for (var c = 0; c < DealColumns.EntryTime.Count; c++)
            {
                row[c] = record[columns[c]];
            }

            row[^2] = deal.ClosedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            row[^1] = deal.Won ? DealColumns.Won : DealColumns.Lost;
            return row;
        }).ToList();
        return new CsvTable(columns, rows);
    }

    private int Threads(int requested) => requested > 0 ? requested : options.Value.TrainingThreads;
}

/// <summary>At first run, trains the deal model from the generated history unless a model is already deployed.</summary>
internal sealed class DealModelPreparation(DealModelTraining training, IOptions<PredictionOptions> options, ILogger<DealModelPreparation> logger) : IAssistantPreparation
{
    public Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.TrainAtFirstRun || training.Store.HasModel)
        {
            return Task.CompletedTask;
        }

        try
        {
            // Replicas sharing the data folder start together: one trains, the others find its model once the lock is theirs.
            using var first = ExclusiveFileLock.Acquire(Path.Combine(training.Store.Folder, ".first-run.lock"), TimeSpan.FromMinutes(15));
            if (training.Store.HasModel)
            {
                return Task.CompletedTask;
            }

            var model = training.TrainFromHistory();
            logger.LogInformation("First deal model ready: {Trainer}, test ROC AUC {Auc:0.000}, trained in {Seconds:0.0} s",
                model.Card.Trainer, model.Card.Auc, model.Card.TrainingSeconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Deal scoring is one capability among several: the host starts without it, and scoring
            // says no model is deployed until one is trained with `deals train`.
            logger.LogError(ex, "Training the first deal model failed; deal scoring stays unavailable until a model is deployed");
        }

        return Task.CompletedTask;
    }
}
