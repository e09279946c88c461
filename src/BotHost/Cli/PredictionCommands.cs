using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PartnerAssistant.Prediction;

namespace BotHost.Cli;

/// <summary>
/// <c>deals train | retrain-from-registry | history | model</c>: train the deal model on a CRM export
/// or the registry's closed deals, see how good it is, and deploy it to the data folder the host
/// loads it from (the host picks up a new model without a restart).
/// </summary>
internal static class PredictionCommands
{
    /// <summary>Adds the prediction commands to the <c>deals</c> command group.</summary>
    public static void AddTo(Command deals)
    {
        deals.Subcommands.Add(Train());
        deals.Subcommands.Add(RetrainFromRegistry());
        deals.Subcommands.Add(History());
        deals.Subcommands.Add(Model());
    }

    private static Command Train()
    {
        var data = new Option<FileInfo>("--data") { Description = "The CSV export (delimiter and column types are detected).", Required = true };
        var label = new Option<string>("--label") { Description = "The outcome column.", Required = true };
        var positive = new Option<string>("--positive") { Description = "The outcome value that counts as won.", Required = true };
        var exclude = new Option<string?>("--exclude") { Description = "Comma-separated columns not to learn from (end-state columns such as days to close)." };
        var splitBy = new Option<string?>("--split-by") { Description = "Id column (group split) or date column (time split). Default: an id-like column, else a date column." };
        var folds = new Option<int>("--folds") { Description = "Also run grouped k-fold cross-validation (e.g. 5). Default: 0, none.", DefaultValueFactory = _ => 0 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of rows held out for the test. Default: 0.2.", DefaultValueFactory = _ => 0.2 };
        var segments = new Option<string?>("--segments") { Description = "Comma-separated columns for the per-segment bias check. Default: route, partner type, region or size band columns." };
        var trainer = new Option<TrainerChoice>("--trainer") { Description = "Auto (FastTree or LightGbm, whichever validates better), FastTree or LightGbm.", DefaultValueFactory = _ => TrainerChoice.Auto };
        var trees = new Option<int>("--trees") { Description = "Boosting rounds. Default: 300.", DefaultValueFactory = _ => 300 };
        var seed = new Option<int>("--seed") { Description = "Seed of the split and the trainers. Default: 1.", DefaultValueFactory = _ => 1 };
        var noDeploy = new Option<bool>("--no-deploy") { Description = "Evaluate only; leave the deployed model as it is." };
        var json = new Option<bool>("--json") { Description = "Print only the model card as JSON on standard output." };
        var train = new Command("train", "Train the deal success model on a CSV with a label column, print its quality, and deploy it.")
        {
            data, label, positive, exclude, splitBy, folds, testFraction, segments, trainer, trees, seed, noDeploy, json,
        };
        train.SetAction((parse, ct) => AdminCommandLine.RunAsync((services, token) =>
        {
            var file = parse.GetValue(data)!;
            if (!file.Exists)
            {
                throw new CommandException($"The file {file.FullName} does not exist.", 2);
            }

            var settings = new TrainingSettings
            {
                Label = parse.GetValue(label)!,
                Positive = parse.GetValue(positive)!,
                Exclude = List(parse.GetValue(exclude)),
                SplitBy = parse.GetValue(splitBy),
                Folds = parse.GetValue(folds),
                TestFraction = parse.GetValue(testFraction),
                Segments = parse.GetValue(segments) is { } s ? List(s) : null,
                Trainer = parse.GetValue(trainer),
                Trees = parse.GetValue(trees),
                Seed = parse.GetValue(seed),
                Source = file.Name,
            };
            var training = services.GetRequiredService<DealModelTraining>();
            TrainedModel model;
            try
            {
                model = training.TrainFromCsv(file.FullName, settings);
            }
            catch (InvalidDataException ex)
            {
                throw new CommandException(ex.Message, 2);
            }

            DeployedModel? deployed = parse.GetValue(noDeploy) ? null : training.Deploy(model);
            Print(model.Card, deployed is null ? null : training.Store.CardPath(deployed.Version), parse.GetValue(json));
            return Task.FromResult(0);
        }, ct));
        return train;
    }

    private static Command RetrainFromRegistry()
    {
        var json = new Option<bool>("--json") { Description = "Print only the model card as JSON on standard output." };
        var command = new Command("retrain-from-registry", "Retrain the deal model on the deal registry's closed deals (needs enough won and lost deals) and deploy it.") { json };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync(async (services, token) =>
        {
            var training = services.GetRequiredService<DealModelTraining>();
            if (!training.HasRegistry)
            {
                throw new CommandException("No deal registry is connected to this host, so there are no closed deals to retrain from.", 3);
            }

            try
            {
                var deployed = await training.RetrainFromRegistryAsync(token);
                Print(deployed.Card, training.Store.CardPath(deployed.Version), parse.GetValue(json));
                return 0;
            }
            catch (NotEnoughDealsException ex)
            {
                throw new CommandException(ex.Message, 4);
            }
        }, ct));
        return command;
    }

    private static Command History()
    {
        var output = new Option<FileInfo>("--out") { Description = "Where to write the CSV.", Required = true };
        var count = new Option<int?>("--deals") { Description = "How many deals. Default: Prediction:HistoryDeals (8000)." };
        var seed = new Option<int?>("--seed") { Description = "Seed. Default: Prediction:HistorySeed (7)." };
        var command = new Command("history", "Write the generated Northbeam deal history (the first-run training data) as CSV.") { output, count, seed };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync((services, token) =>
        {
            var path = services.GetRequiredService<DealModelTraining>().WriteHistory(parse.GetValue(output)!.FullName, parse.GetValue(count), parse.GetValue(seed));
            Console.WriteLine($"Wrote {path}. Train on it with: deals train --data {path} --label {DealColumns.Outcome} --positive {DealColumns.Won} --exclude \"{string.Join(',', DealColumns.EndState)}\"");
            return Task.FromResult(0);
        }, ct));
        return command;
    }

    private static Command Model()
    {
        var json = new Option<bool>("--json") { Description = "Print the model card as JSON." };
        var command = new Command("model", "Show the deployed deal model's card.") { json };
        command.SetAction((parse, ct) => AdminCommandLine.RunAsync((services, token) =>
        {
            var store = services.GetRequiredService<DealModelStore>();
            var model = store.Current ?? throw new CommandException("No deal model is deployed.", 3);
            Console.WriteLine(parse.GetValue(json) ? model.Card.ToJson() : model.Card.ToMarkdown());
            return Task.FromResult(0);
        }, ct));
        return command;
    }

    private static void Print(ModelCard card, string? cardPath, bool json)
    {
        if (json)
        {
            var node = JsonNode.Parse(card.ToJson())!.AsObject();
            node["deployed"] = cardPath is not null;
            if (cardPath is not null)
            {
                node["modelCard"] = cardPath;
            }

            Console.WriteLine(node.ToJsonString(ModelCard.Json));
            return;
        }

        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"Trained {card.Trainer} on {card.Rows:N0} rows of {card.Data.Source} ({card.Data.Positives:N0} '{card.Data.Positive}'), split {card.DescribeSplit()}, in {card.TrainingSeconds:0.0} s."));
        Console.WriteLine(string.Create(c, $"Candidates (validation ROC AUC): {string.Join(", ", card.Candidates.Select(x => x.ValidationAuc is { } auc ? $"{x.Name} {auc:0.0000}" : $"{x.Name} unavailable ({x.Error})"))}"));
        Console.WriteLine();
        Console.WriteLine(string.Create(c, $"Test ({card.Split.TestRows:N0} rows): ROC AUC {card.Auc:0.0000}  PR AUC {card.PrAuc:0.0000}  log-loss {card.LogLoss:0.0000}  Brier {card.Brier:0.0000}  ECE {card.Ece:0.0000}"));
        Console.WriteLine(string.Create(c, $"Calibration: uncalibrated log-loss {card.LogLossUncalibrated:0.0000} (ECE {card.EceUncalibrated:0.0000}); trainer's in-sample Platt {card.LogLossInSampleCalibration:0.0000}; held-out Platt {card.LogLoss:0.0000}"));
        if (card.CrossValidation is { } cv)
        {
            Console.WriteLine(string.Create(c, $"{cv.Folds}-fold grouped CV: ROC AUC {cv.Auc.Mean:0.0000} ± {cv.Auc.Sd:0.0000}  PR AUC {cv.PrAuc.Mean:0.0000} ± {cv.PrAuc.Sd:0.0000}  log-loss {cv.LogLoss.Mean:0.0000}  ECE {cv.Ece.Mean:0.0000}"));
        }

        Console.WriteLine();
        Console.WriteLine("Calibration (predicted → observed):");
        foreach (var bin in card.Calibration)
        {
            Console.WriteLine(string.Create(c, $"  {bin.From:0.0}-{bin.To:0.0}  {bin.Count,7:N0} rows  mean {bin.MeanPredicted:0.000}  observed {bin.ObservedRate:0.000}"));
        }

        Console.WriteLine();
        Console.WriteLine("Top features (drop in test ROC AUC when shuffled):");
        foreach (var feature in card.Features.Take(10))
        {
            Console.WriteLine(string.Create(c, $"  {feature.Name,-40} {feature.Importance:0.0000}  ({feature.Share:P0})"));
        }

        if (card.Warnings.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Possible outcome leakage:");
            foreach (var warning in card.Warnings)
            {
                Console.WriteLine($"  {warning.Column}: {warning.Reason}");
            }
        }

        var flagged = card.Segments.Where(s => s.Flag is not null).ToList();
        Console.WriteLine();
        Console.WriteLine(flagged.Count == 0
            ? $"Bias check: no segment of {string.Join(", ", card.Segments.Select(s => s.Column).Distinct())} is systematically off."
            : "Bias check, segments systematically off:\n" + string.Join("\n", flagged.Select(s => $"  {s.Column} = {s.Value}: {s.Flag}")));
        Console.WriteLine();
        Console.WriteLine(cardPath is null ? "Not deployed (--no-deploy)." : $"Deployed; the host loads it without a restart. Model card: {cardPath}");
    }

    private static IReadOnlyList<string> List(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
