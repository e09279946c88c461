using System.ComponentModel.DataAnnotations;

namespace PartnerAssistant.Prediction;

/// <summary>Deal success prediction, under the section <c>Prediction</c>.</summary>
public sealed class PredictionOptions
{
    public const string SectionName = "Prediction";

    /// <summary>The model's folder under <c>{Data:Folder}/models</c>. Default: <c>deal-success</c>.</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9-]*$", ErrorMessage = "Prediction:ModelName must be lower-case letters, digits and dashes.")]
    public string ModelName { get; set; } = "deal-success";

    /// <summary>At first run, when no model exists, generate the vendor's deal history and train on it,
    /// so deals can be scored on a fresh machine. Default: true.</summary>
    public bool TrainAtFirstRun { get; set; } = true;

    /// <summary>Deals in the generated history. Default: 8000 (trains in a few seconds on two cores).</summary>
    [Range(500, 500_000)]
    public int HistoryDeals { get; set; } = 8000;

    /// <summary>Seed of the generated history; the same seed gives the same deals. Default: 7.</summary>
    public int HistorySeed { get; set; } = 7;

    /// <summary>How often a scorer checks whether a new model version was deployed; a file watcher
    /// usually notices sooner. Default: 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ReloadCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Closed deals of each outcome (won, lost) the registry must hold before it can retrain
    /// the model. Default: 40.</summary>
    [Range(10, 100_000)]
    public int MinClosedDealsPerOutcome { get; set; } = 40;

    /// <summary>Threads the trainers use; 0 for all cores. Default: 0.</summary>
    [Range(0, 256)]
    public int TrainingThreads { get; set; }

    /// <summary>Model versions kept on disk, the current one included. Default: 3.</summary>
    [Range(1, 100)]
    public int KeepVersions { get; set; } = 3;
}
