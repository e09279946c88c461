using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Microsoft.ML.Transforms;

namespace PartnerAssistant.Prediction;

[JsonConverter(typeof(JsonStringEnumConverter<TrainerChoice>))]
public enum TrainerChoice
{
    /// <summary>Try FastTree and LightGbm, keep the one with the higher validation ROC AUC.</summary>
    Auto,
    FastTree,
    LightGbm,
}

/// <summary>What to learn from a CSV and how to evaluate it.</summary>
public sealed record TrainingSettings
{
    /// <summary>The outcome column.</summary>
    public required string Label { get; init; }

    /// <summary>The outcome value that counts as success (compared ignoring case; numerically when both are numbers).</summary>
    public required string Positive { get; init; }

    /// <summary>Columns never used as features (end-state columns, free text). Default: none.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>The id column (group split) or date column (time split). Default: null, which picks an
    /// id-like column, else a date column, else keeps identical rows together.</summary>
    public string? SplitBy { get; init; }

    /// <summary>Share of rows held out for testing. Default 0.2.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Share of the remaining rows that choose the trainer and fit the calibration. Default 0.2.</summary>
    public double ValidationFraction { get; init; } = 0.2;

    /// <summary>Grouped cross-validation folds run in addition to the single split; 0 or 1 for none. Default 0.</summary>
    public int Folds { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Columns to report per-segment AUC and calibration for. Default: null, which picks up to
    /// four low-cardinality columns named like a route, partner type, region, segment or size band.</summary>
    public IReadOnlyList<string>? Segments { get; init; }

    public TrainerChoice Trainer { get; init; } = TrainerChoice.Auto;

    /// <summary>Boosting rounds of each trainer. Default 300.</summary>
    public int Trees { get; init; } = 300;

    /// <summary>Threads the trainers may use; 0 for all cores. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>Category values kept per column (by frequency); the rest pool into "(other)". Default 100.</summary>
    public int MaxLevels { get; init; } = 100;

    /// <summary>Where the data came from, for the model card.</summary>
    public string Source { get; init; } = "";
}

/// <summary>A trained, calibrated model with its feature schema and model card.</summary>
public sealed class TrainedModel(MLContext ml, ITransformer model, DataViewSchema inputSchema, FeatureSchema schema, ModelCard card)
{
    public MLContext Ml { get; } = ml;
    public ITransformer Model { get; } = model;
    public DataViewSchema InputSchema { get; } = inputSchema;
    public FeatureSchema Schema { get; } = schema;
    public ModelCard Card { get; set; } = card;

    public void Save(Stream stream) => Ml.Model.Save(Model, InputSchema, stream);
}

/// <summary>
/// Trains a win/loss model from any CSV with a label column: detects the delimiter and column
/// kinds, splits by id or time so duplicates cannot leak, one-hot encodes categories (rare values
/// pooled), imputes and flags missing numbers, tries FastTree and LightGbm and keeps the better on
/// validation ROC AUC, calibrates probabilities with Platt scaling on the validation rows, and
/// reports test metrics, calibration, permutation importance per column, leakage warnings,
/// per-segment checks and, on request, grouped k-fold cross-validation.
/// </summary>
public sealed class TabularTrainer(ILogger<TabularTrainer>? logger = null)
{
    private readonly ILogger _logger = logger ?? (ILogger)NullLogger.Instance;

    public TrainedModel Train(CsvTable table, TrainingSettings settings, TimeProvider? time = null)
    {
        var clock = Stopwatch.StartNew();
        var prepared = Prepare(table, settings);
        var plan = prepared.Plan;
        _logger.LogInformation("Training on {Rows} rows ({Positives} positive), split {Kind} by {Column}: {Train}/{Validation}/{Test}",
            prepared.Rows.Count, prepared.Rows.Count(r => prepared.Labels[r]), plan.Kind, plan.Column, plan.Train.Length, plan.Validation.Length, plan.Test.Length);

        var phase = Stopwatch.StartNew();
        var fit = Fit(prepared, plan.Train, plan.Validation, settings, settings.Seed);
        _logger.LogInformation("Prepared and fitted in {Prepare:0.0} s + {Fit:0.0} s", clock.Elapsed.TotalSeconds - phase.Elapsed.TotalSeconds, phase.Elapsed.TotalSeconds);
        phase.Restart();
        var testInputs = plan.Test.Select(r => fit.Schema.Encode(c => Cell(prepared, r, c), prepared.Labels[r])).ToList();
        var testLabels = plan.Test.Select(r => prepared.Labels[r]).ToList();
        var calibrated = Probabilities(fit.Ml, fit.Model, fit.Schema, testInputs);
        var metrics = BinaryMetrics.Compute(calibrated, testLabels);
        var trainerScored = fit.Uncalibrated.Transform(fit.Schema.ToDataView(fit.Ml, testInputs));
        var raw = BinaryMetrics.Compute(trainerScored.GetColumn<float>("Score").Select(s => 1 / (1 + Math.Exp(-s))).ToList(), testLabels);
        var inSample = BinaryMetrics.Compute(trainerScored.GetColumn<float>("Probability").Select(p => (double)p).ToList(), testLabels);

        var warnings = LeakageDetector.Scan(table, fit.Schema, prepared.Labels, plan.Train, plan.Validation).ToList();
        _logger.LogInformation("Evaluated and scanned for leakage in {Seconds:0.0} s", phase.Elapsed.TotalSeconds);
        phase.Restart();
        var features = PermutationImportance(fit, testInputs, testLabels, metrics.Auc, settings.Seed);
        _logger.LogInformation("Permutation importance in {Seconds:0.0} s", phase.Elapsed.TotalSeconds);
        if (features.FirstOrDefault() is { Share: >= 0.6 } dominant && warnings.All(w => w.Column != dominant.Name))
        {
            warnings.Add(new LeakageWarning(dominant.Name, $"it carries {dominant.Share:P0} of the model's importance; check it is known when a deal is opened"));
        }

        var segments = Segments(prepared, fit.Schema, settings, plan, calibrated, metrics.Auc);
        var trainingSeconds = clock.Elapsed.TotalSeconds;
        CrossValidationSummary? crossValidation = null;
        if (settings.Folds > 1)
        {
            crossValidation = CrossValidate(prepared, settings);
        }

        var card = new ModelCard
        {
            CreatedAt = (time ?? TimeProvider.System).GetUtcNow(),
            Auc = Math.Round(metrics.Auc, 4),
            PrAuc = Math.Round(metrics.PrAuc, 4),
            LogLoss = Math.Round(metrics.LogLoss, 4),
            LogLossUncalibrated = Math.Round(raw.LogLoss, 4),
            LogLossInSampleCalibration = Math.Round(inSample.LogLoss, 4),
            Brier = Math.Round(metrics.Brier, 4),
            Ece = Math.Round(metrics.Ece, 4),
            EceUncalibrated = Math.Round(raw.Ece, 4),
            Rows = prepared.Rows.Count,
            Features = features,
            Trainer = fit.Trainer,
            Candidates = fit.Candidates,
            Data = new DataSummary(settings.Source, prepared.Rows.Count, prepared.Rows.Count(r => prepared.Labels[r]),
                table.Columns[prepared.LabelIndex], settings.Positive, table.Delimiter == '\t' ? "tab" : table.Delimiter.ToString(), table.Rows.Count - prepared.Rows.Count,
                table.ContentSha256()),
            Split = new SplitSummary(plan.Kind, plan.Column, plan.Train.Length, plan.Validation.Length, plan.Test.Length, GroupsOnBothSides(prepared.Keys, plan)),
            Calibration = metrics.Calibration.Select(b => b with { MeanPredicted = Math.Round(b.MeanPredicted, 4), ObservedRate = Math.Round(b.ObservedRate, 4) }).ToList(),
            CrossValidation = crossValidation,
            Warnings = warnings,
            Segments = segments,
            Columns = prepared.Columns,
            TrainingSeconds = Math.Round(trainingSeconds, 1),
        };
        _logger.LogInformation("Trained {Trainer}: test ROC AUC {Auc:0.000}, PR AUC {PrAuc:0.000}, log-loss {LogLoss:0.000} in {Seconds:0.0} s",
            fit.Trainer, card.Auc, card.PrAuc, card.LogLoss, card.TrainingSeconds);
        return new TrainedModel(fit.Ml, fit.Model, fit.InputSchema, fit.Schema, card);
    }

    private sealed record Prepared(CsvTable Table, int LabelIndex, IReadOnlyList<int> Rows, bool[] Labels, IReadOnlyList<ColumnProfile> Features, IReadOnlyList<ColumnUse> Columns, string[] Keys, SplitPlan Plan)
    {
        public Dictionary<string, int> ColumnIndex { get; } = Table.Columns.Select((name, i) => (name, i)).ToDictionary(x => x.name, x => x.i, StringComparer.OrdinalIgnoreCase);
    }

    private sealed record Fitted(MLContext Ml, ITransformer Model, ITransformer Uncalibrated, DataViewSchema InputSchema, FeatureSchema Schema, string Trainer, IReadOnlyList<CandidateResult> Candidates);

    private Prepared Prepare(CsvTable table, TrainingSettings settings)
    {
        if (settings.TestFraction is < 0.05 or > 0.5 || settings.ValidationFraction is < 0.05 or > 0.5)
        {
            throw new InvalidDataException($"The test and validation fractions must be between 0.05 and 0.5 (got {settings.TestFraction} and {settings.ValidationFraction}).");
        }

        if (settings.Folds is < 0 or > 20 || settings.Trees is < 10 or > 5000 || settings.MaxLevels < 1)
        {
            throw new InvalidDataException($"Folds must be 0 to 20, trees 10 to 5000 and levels at least 1 (got {settings.Folds}, {settings.Trees}, {settings.MaxLevels}).");
        }

        var labelIndex = table.RequireIndex(settings.Label, "label");
        var excluded = new HashSet<int>();
        foreach (var name in settings.Exclude.Where(n => !string.IsNullOrWhiteSpace(n)))
        {
            excluded.Add(table.RequireIndex(name, "excluded"));
        }

        var labels = new bool[table.Rows.Count];
        var rows = new List<int>();
        var positiveSeen = false;
        for (var r = 0; r < table.Rows.Count; r++)
        {
            if (table.Rows[r][labelIndex] is not { } value)
            {
                continue;
            }

            labels[r] = IsPositive(value, settings.Positive);
            positiveSeen |= labels[r];
            rows.Add(r);
        }

        if (!positiveSeen)
        {
            var values = rows.Select(r => table.Rows[r][labelIndex]!).Distinct(StringComparer.OrdinalIgnoreCase).Take(10);
            throw new InvalidDataException($"No row has '{settings.Positive}' in '{table.Columns[labelIndex]}'. Its values include: {string.Join(", ", values)}.");
        }

        var positives = rows.Count(r => labels[r]);
        if (positives < 10 || rows.Count - positives < 10)
        {
            throw new InvalidDataException($"Training needs at least 10 rows of each outcome; the file has {positives} positive and {rows.Count - positives} other rows.");
        }

        var profiles = ColumnProfiler.Profile(table, rows);
        var splitIndex = settings.SplitBy is { Length: > 0 } splitBy ? table.RequireIndex(splitBy, "split") : -1;
        if (splitIndex < 0)
        {
            splitIndex = profiles.FirstOrDefault(p => p.Kind == ColumnKind.Identifier && p.Index != labelIndex && !excluded.Contains(p.Index) && ColumnProfiler.LooksLikeIdName(p.Name))?.Index
                ?? profiles.FirstOrDefault(p => p.Kind == ColumnKind.Date && p.Index != labelIndex)?.Index
                ?? -1;
        }

        var idIndex = splitIndex >= 0 && profiles[splitIndex].Kind != ColumnKind.Date
            ? splitIndex
            : profiles.FirstOrDefault(p => p.Kind == ColumnKind.Identifier && ColumnProfiler.LooksLikeIdName(p.Name))?.Index ?? -1;
        var keys = DataSplitter.GroupKeys(table, idIndex);

        var columns = new List<ColumnUse>();
        var features = new List<ColumnProfile>();
        foreach (var profile in profiles)
        {
            string? note = profile.Index == labelIndex ? "the label"
                : excluded.Contains(profile.Index) ? "excluded"
                : profile.Index == splitIndex ? "split column"
                : profile.Kind switch
                {
                    ColumnKind.Identifier => "record id",
                    ColumnKind.Date => "date",
                    ColumnKind.Constant => "a single value",
                    _ => null,
                };
            columns.Add(new ColumnUse(profile.Name, profile.Kind, note is null, note));
            if (note is null)
            {
                features.Add(profile);
            }
        }

        if (features.Count == 0)
        {
            throw new InvalidDataException("No column is left to learn from: every column is the label, excluded, an id, a date or constant.");
        }

        SplitPlan plan;
        if (splitIndex >= 0 && profiles[splitIndex].Kind == ColumnKind.Date)
        {
            var dates = new DateTime?[table.Rows.Count];
            foreach (var r in rows)
            {
                dates[r] = table.Rows[r][splitIndex] is { } cell && ColumnProfiler.TryParseDate(cell, out var date) ? date : null;
            }

            var subsetKeys = rows.Select(r => keys[r]).ToList();
            var subsetDates = rows.Select(r => dates[r]).ToList();
            var local = DataSplitter.ByTime(subsetKeys, subsetDates, settings.TestFraction, settings.ValidationFraction, table.Columns[splitIndex]);
            plan = local with { Train = local.Train.Select(i => rows[i]).ToArray(), Validation = local.Validation.Select(i => rows[i]).ToArray(), Test = local.Test.Select(i => rows[i]).ToArray() };
        }
        else
        {
            plan = DataSplitter.ByGroup(keys, rows, settings.TestFraction, settings.ValidationFraction, settings.Seed,
                idIndex >= 0 ? SplitKind.Group : SplitKind.Row, idIndex >= 0 ? table.Columns[idIndex] : null);
        }

        foreach (var (part, name) in new[] { (plan.Train, "training"), (plan.Validation, "validation"), (plan.Test, "test") })
        {
            var partPositives = part.Count(r => labels[r]);
            if (partPositives == 0 || partPositives == part.Length)
            {
                throw new InvalidDataException($"The {name} rows have only one outcome ({part.Length} rows); the file is too small or too unbalanced for this split.");
            }
        }

        return new Prepared(table, labelIndex, rows, labels, features, columns, keys, plan);
    }

    private Fitted Fit(Prepared prepared, IReadOnlyList<int> train, IReadOnlyList<int> validation, TrainingSettings settings, int seed)
    {
        var table = prepared.Table;
        var ml = new MLContext(seed);
        var schema = BuildSchema(prepared, train, settings);
        var trainInputs = train.Select(r => schema.Encode(c => Cell(prepared, r, c), prepared.Labels[r])).ToList();
        var validationInputs = validation.Select(r => schema.Encode(c => Cell(prepared, r, c), prepared.Labels[r])).ToList();
        var trainView = schema.ToDataView(ml, trainInputs);
        var validationView = schema.ToDataView(ml, validationInputs);

        var preprocessing = ml.Transforms.IndicateMissingValues("MissingFlags", nameof(ModelInput.Numbers))
            .Append(ml.Transforms.Conversion.ConvertType("MissingNumbers", "MissingFlags", DataKind.Single))
            .Append(ml.Transforms.ReplaceMissingValues("FilledNumbers", nameof(ModelInput.Numbers), MissingValueReplacingEstimator.ReplacementMode.Mean, imputeBySlot: true))
            .Append(ml.Transforms.Categorical.OneHotEncoding("CategoryBag", nameof(ModelInput.Categories), OneHotEncodingEstimator.OutputKind.Bag))
            .Append(ml.Transforms.Concatenate("Features", "FilledNumbers", "MissingNumbers", "CategoryBag"));
        var prep = preprocessing.Fit(trainView);
        var trainFeatures = ml.Data.Cache(prep.Transform(trainView));
        var validationFeatures = prep.Transform(validationView);
        schema.Slots = Slots(schema, trainFeatures.Schema);

        var minLeaf = Math.Clamp(train.Count / 300, 10, 200);
        var candidates = new List<CandidateResult>();
        (string Name, ITransformer Predictor, Func<IDataView, ITransformer> Contributions, double Auc)? best = null;
        foreach (var (name, fitTrainer) in Trainers(ml, settings, minLeaf, schema.Slots.Count))
        {
            var watch = Stopwatch.StartNew();
            try
            {
                var (predictor, contributions) = fitTrainer(trainFeatures);
                var scores = predictor.Transform(validationFeatures).GetColumn<float>("Score").Select(s => (double)s).ToList();
                var auc = BinaryMetrics.RocAuc(scores, validationInputs.Select(i => i.Label).ToList());
                candidates.Add(new CandidateResult(name, Math.Round(auc, 4), Math.Round(watch.Elapsed.TotalSeconds, 1)));
                _logger.LogInformation("{Trainer}: validation ROC AUC {Auc:0.0000} in {Seconds:0.0} s", name, auc, watch.Elapsed.TotalSeconds);
                if (best is null || auc > best.Value.Auc)
                {
                    best = (name, predictor, contributions, auc);
                }
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException or TypeInitializationException)
            {
                // LightGbm is a native library; where it cannot load, FastTree still trains.
                candidates.Add(new CandidateResult(name, null, Math.Round(watch.Elapsed.TotalSeconds, 1), ex.GetBaseException().Message));
                _logger.LogWarning("{Trainer} is unavailable on this machine: {Error}", name, ex.GetBaseException().Message);
            }
        }

        if (best is null)
        {
            throw new InvalidOperationException("No trainer could run: " + string.Join("; ", candidates.Select(c => $"{c.Name}: {c.Error}")));
        }

        var chosen = best.Value;
        var uncalibrated = prep.Append(chosen.Predictor);
        var calibrator = ml.BinaryClassification.Calibrators.Platt().Fit(chosen.Predictor.Transform(validationFeatures));
        var contributionsTransformer = chosen.Contributions(trainFeatures);
        var model = prep.Append(chosen.Predictor).Append(contributionsTransformer).Append(calibrator);
        return new Fitted(ml, model, uncalibrated, trainView.Schema, schema, chosen.Name, candidates);
    }

    /// <summary>The candidate trainers. Both are gradient-boosted trees with the same budget; min leaf
    /// size grows with the data (one leaf per ~300 rows, 10 to 200) so small files do not overfit.</summary>
    private static IEnumerable<(string Name, Func<IDataView, (ITransformer, Func<IDataView, ITransformer>)> Fit)> Trainers(MLContext ml, TrainingSettings settings, int minLeaf, int slots)
    {
        int? threads = settings.Threads > 0 ? settings.Threads : null;
        if (settings.Trainer is TrainerChoice.Auto or TrainerChoice.FastTree)
        {
            yield return ("FastTree", data =>
            {
                var model = ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
                {
                    NumberOfTrees = settings.Trees,
                    NumberOfLeaves = 31,
                    LearningRate = 0.05,
                    MinimumExampleCountPerLeaf = minLeaf,
                    FeatureFraction = 0.8,
                    Seed = settings.Seed,
                    NumberOfThreads = threads,
                }).Fit(data);
                return (model, d => ml.Transforms.CalculateFeatureContribution(model, slots, slots, normalize: false).Fit(d));
            });
        }

        if (settings.Trainer is TrainerChoice.Auto or TrainerChoice.LightGbm)
        {
            yield return ("LightGbm", data =>
            {
                var model = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
                {
                    NumberOfIterations = settings.Trees,
                    NumberOfLeaves = 31,
                    LearningRate = 0.05,
                    MinimumExampleCountPerLeaf = minLeaf,
                    Booster = new GradientBooster.Options { L2Regularization = 10, FeatureFraction = 0.8 },
                    Seed = settings.Seed,
                    NumberOfThreads = threads,
                    Silent = true,
                    Verbose = false,
                }).Fit(data);
                return (model, d => ml.Transforms.CalculateFeatureContribution(model, slots, slots, normalize: false).Fit(d));
            });
        }
    }

    private static FeatureSchema BuildSchema(Prepared prepared, IReadOnlyList<int> train, TrainingSettings settings)
    {
        var table = prepared.Table;
        var numeric = new List<NumericFeature>();
        var categorical = new List<CategoricalFeature>();
        var minCount = Math.Max(3, train.Count / 2000);
        foreach (var profile in prepared.Features)
        {
            if (profile.Kind is ColumnKind.Numeric or ColumnKind.Boolean)
            {
                numeric.Add(new NumericFeature(profile.Name, profile.Kind, profile.DecimalComma));
                continue;
            }

            var levels = train.Select(r => table.Rows[r][profile.Index])
                .OfType<string>()
                .GroupBy(v => v, StringComparer.OrdinalIgnoreCase)
                .Where(g => g.Count() >= minCount)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(settings.MaxLevels)
                .Select(g => g.Key)
                .ToList();
            categorical.Add(new CategoricalFeature(profile.Name, levels));
        }

        return new FeatureSchema
        {
            Label = table.Columns[prepared.LabelIndex],
            Positive = settings.Positive,
            Numeric = numeric,
            Categorical = categorical,
        };
    }

    /// <summary>Maps each slot of "Features" (filled numbers, missing flags, category bag) to its column.</summary>
    private static IReadOnlyList<FeatureSlot> Slots(FeatureSchema schema, DataViewSchema transformed)
    {
        var slots = new List<FeatureSlot>();
        for (var i = 0; i < schema.NumericWidth; i++)
        {
            slots.Add(i < schema.Numeric.Count ? new FeatureSlot(schema.Numeric[i].Name, FeatureSlotRole.Value) : new FeatureSlot("", FeatureSlotRole.Value));
        }

        for (var i = 0; i < schema.NumericWidth; i++)
        {
            slots.Add(i < schema.Numeric.Count ? new FeatureSlot(schema.Numeric[i].Name, FeatureSlotRole.Missing) : new FeatureSlot("", FeatureSlotRole.Missing));
        }

        VBuffer<ReadOnlyMemory<char>> names = default;
        transformed["CategoryBag"].GetSlotNames(ref names);
        foreach (var name in names.DenseValues())
        {
            var (column, level) = FeatureSchema.ParseToken(name.ToString());
            slots.Add(column < schema.Categorical.Count ? new FeatureSlot(schema.Categorical[column].Name, FeatureSlotRole.Category, level) : new FeatureSlot("", FeatureSlotRole.Category, level));
        }

        var width = (transformed["Features"].Type as VectorDataViewType)?.Size ?? 0;
        if (width != slots.Count)
        {
            throw new InvalidOperationException($"The feature vector has {width} slots but {slots.Count} were mapped.");
        }

        return slots;
    }

    private List<FeatureImportance> PermutationImportance(Fitted fit, List<ModelInput> inputs, List<bool> labels, double baseAuc, int seed)
    {
        // A sample keeps this to seconds on large files; two shuffles steady the estimate. All shuffled
        // copies are scored in one pass: setting up a pass costs more than scoring a few thousand rows.
        const int repeats = 2;
        var random = new Random(seed);
        var sample = inputs.Count <= 4000 ? inputs : inputs.OrderBy(_ => random.Next()).Take(4000).ToList();
        var sampleLabels = sample.Select(i => i.Label).ToList();
        var columns = fit.Schema.Numeric.Select((n, i) => (n.Name, Numeric: true, Index: i))
            .Concat(fit.Schema.Categorical.Select((c, j) => (c.Name, Numeric: false, Index: j)))
            .ToList();
        var batch = new List<ModelInput>(sample.Count * (columns.Count * repeats + 1));
        batch.AddRange(sample);
        foreach (var (_, isNumeric, index) in columns)
        {
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                var order = Enumerable.Range(0, sample.Count).OrderBy(_ => random.Next()).ToArray();
                for (var i = 0; i < sample.Count; i++)
                {
                    var copy = sample[i].Copy();
                    if (isNumeric)
                    {
                        copy.Numbers[index] = sample[order[i]].Numbers[index];
                    }
                    else
                    {
                        copy.Categories[index] = sample[order[i]].Categories[index];
                    }

                    batch.Add(copy);
                }
            }
        }

        var probabilities = Probabilities(fit.Ml, fit.Model, fit.Schema, batch);
        var sampleBase = sample.Count == inputs.Count ? baseAuc : BinaryMetrics.RocAuc(probabilities.GetRange(0, sample.Count), sampleLabels);
        var drops = new List<(string Name, double Drop)>();
        for (var c = 0; c < columns.Count; c++)
        {
            var total = 0.0;
            for (var repeat = 0; repeat < repeats; repeat++)
            {
                var offset = sample.Count * (1 + c * repeats + repeat);
                total += sampleBase - BinaryMetrics.RocAuc(probabilities.GetRange(offset, sample.Count), sampleLabels);
            }

            drops.Add((columns[c].Name, Math.Max(0, total / repeats)));
        }

        var sum = drops.Sum(d => d.Drop);
        return drops.OrderByDescending(d => d.Drop).ThenBy(d => d.Name, StringComparer.Ordinal)
            .Select(d => new FeatureImportance(d.Name, Math.Round(d.Drop, 4), sum > 0 ? Math.Round(d.Drop / sum, 4) : 0))
            .ToList();
    }

    private static List<SegmentReport> Segments(Prepared prepared, FeatureSchema schema, TrainingSettings settings, SplitPlan plan, IReadOnlyList<double> probabilities, double overallAuc)
    {
        var table = prepared.Table;
        var columns = settings.Segments?.Select(s => table.RequireIndex(s, "segment")).ToList() ?? AutoSegments(prepared);
        var reports = new List<SegmentReport>();
        foreach (var index in columns)
        {
            var band = Banding(table, index, plan.Train);
            foreach (var group in plan.Test.Select((r, i) => (Row: r, I: i)).GroupBy(x => band(table.Rows[x.Row][index])).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var items = group.ToList();
                if (items.Count < 30)
                {
                    continue;
                }

                var p = items.Select(x => probabilities[x.I]).ToList();
                var y = items.Select(x => prepared.Labels[x.Row]).ToList();
                var m = BinaryMetrics.Compute(p, y);
                var positives = y.Count(v => v);
                double? auc = positives >= 5 && y.Count - positives >= 5 ? Math.Round(m.Auc, 4) : null;
                var meanPredicted = p.Average();
                var observed = positives / (double)y.Count;
                reports.Add(new SegmentReport(table.Columns[index], group.Key, y.Count, positives, auc, Math.Round(meanPredicted, 4), Math.Round(observed, 4), Math.Round(m.Ece, 4),
                    SegmentFlag(y.Count, meanPredicted, observed, auc, overallAuc, positives)));
            }
        }

        return reports;
    }

    /// <summary>A segment is flagged when its probabilities are off by at least 5 points and by more than
    /// three standard errors (not noise), or when it ranks at least 0.10 ROC AUC worse than overall and
    /// by more than three standard errors of its AUC (Hanley–McNeil).</summary>
    public static string? SegmentFlag(int rows, double meanPredicted, double observed, double? auc, double overallAuc, int positives)
    {
        var gap = meanPredicted - observed;
        var rate = Math.Clamp(observed, 0.02, 0.98);
        var standardError = Math.Sqrt(rate * (1 - rate) / rows);
        if (rows >= 50 && Math.Abs(gap) >= 0.05 && Math.Abs(gap) > 3 * standardError)
        {
            return gap > 0 ? $"over-estimates by {gap * 100:0} points" : $"under-estimates by {-gap * 100:0} points";
        }

        if (auc is { } segmentAuc && positives >= 20 && rows - positives >= 20 && segmentAuc < overallAuc - 0.10
            && overallAuc - segmentAuc > 3 * AucStandardError(segmentAuc, positives, rows - positives))
        {
            return $"ranks poorly (ROC AUC {segmentAuc:0.00} vs {overallAuc:0.00} overall)";
        }

        return null;
    }

    public static double AucStandardError(double auc, int positives, int negatives)
    {
        var q1 = auc / (2 - auc);
        var q2 = 2 * auc * auc / (1 + auc);
        var variance = (auc * (1 - auc) + (positives - 1) * (q1 - auc * auc) + (negatives - 1) * (q2 - auc * auc)) / ((double)positives * negatives);
        return Math.Sqrt(Math.Max(0, variance));
    }

    private static List<int> AutoSegments(Prepared prepared)
    {
        var named = prepared.Features
            .Where(p => p.Distinct is >= 2 and <= 12 && System.Text.RegularExpressions.Regex.IsMatch(p.Name,
                @"route|partner|channel|region|territory|segment|size|band|categor|tier|type|industry|country", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            .Select(p => p.Index)
            .Take(4)
            .ToList();
        return named.Count > 0 ? named : prepared.Features.Where(p => p.Kind == ColumnKind.Categorical && p.Distinct <= 12).Select(p => p.Index).Take(3).ToList();
    }

    /// <summary>Segment labels: the value itself, or quartile bands of the training rows for numbers with many values.</summary>
    private static Func<string?, string> Banding(CsvTable table, int index, IReadOnlyList<int> train)
    {
        var values = train.Select(r => table.Rows[r][index]).OfType<string>().ToList();
        var numbers = values.Select(v => ColumnProfiler.TryParseNumber(v, false, out var d) ? d : double.NaN).Where(d => !double.IsNaN(d)).Order().ToList();
        if (numbers.Count < values.Count * 0.98 || numbers.Distinct().Count() <= 12)
        {
            return cell => cell ?? FeatureSchema.MissingLevel;
        }

        var cuts = new[] { 0.25, 0.5, 0.75 }.Select(q => numbers[(int)(q * (numbers.Count - 1))]).Distinct().ToArray();
        return cell =>
        {
            if (cell is null || !ColumnProfiler.TryParseNumber(cell, false, out var value))
            {
                return FeatureSchema.MissingLevel;
            }

            var band = cuts.Count(c => value > c);
            var low = band == 0 ? double.NegativeInfinity : cuts[band - 1];
            var high = band == cuts.Length ? double.PositiveInfinity : cuts[band];
            return double.IsNegativeInfinity(low) ? $"≤ {high:G6}" : double.IsPositiveInfinity(high) ? $"> {low:G6}" : $"{low:G6} – {high:G6}";
        };
    }

    private CrossValidationSummary CrossValidate(Prepared prepared, TrainingSettings settings)
    {
        var watch = Stopwatch.StartNew();
        var folds = DataSplitter.Folds(prepared.Keys, settings.Folds, settings.Seed);
        var results = new List<BinaryMetrics>();
        var trainers = new List<string>();
        for (var fold = 0; fold < settings.Folds; fold++)
        {
            var test = prepared.Rows.Where(r => folds[r] == fold).ToList();
            var rest = prepared.Rows.Where(r => folds[r] != fold).ToList();
            var inner = DataSplitter.ByGroup(prepared.Keys, rest, 0, settings.ValidationFraction, settings.Seed + fold + 1);
            var fit = Fit(prepared, inner.Train, inner.Validation, settings, settings.Seed + fold);
            var inputs = test.Select(r => fit.Schema.Encode(c => Cell(prepared, r, c), prepared.Labels[r])).ToList();
            var metrics = BinaryMetrics.Compute(Probabilities(fit.Ml, fit.Model, fit.Schema, inputs), inputs.Select(i => i.Label).ToList());
            results.Add(metrics);
            trainers.Add(fit.Trainer);
            _logger.LogInformation("Fold {Fold}/{Folds}: {Trainer} ROC AUC {Auc:0.0000} on {Rows} rows", fold + 1, settings.Folds, fit.Trainer, metrics.Auc, metrics.Rows);
        }

        return new CrossValidationSummary(settings.Folds, FoldStatistic.Of(results.Select(m => m.Auc)), FoldStatistic.Of(results.Select(m => m.PrAuc)),
            FoldStatistic.Of(results.Select(m => m.LogLoss)), FoldStatistic.Of(results.Select(m => m.Ece)), trainers, Math.Round(watch.Elapsed.TotalSeconds, 1));
    }

    private static int GroupsOnBothSides(string[] keys, SplitPlan plan)
    {
        var test = plan.Test.Select(r => keys[r]).ToHashSet(StringComparer.Ordinal);
        return plan.Train.Concat(plan.Validation).Select(r => keys[r]).Where(test.Contains).Distinct(StringComparer.Ordinal).Count();
    }

    public static List<double> Probabilities(MLContext ml, ITransformer model, FeatureSchema schema, IReadOnlyList<ModelInput> inputs) =>
        model.Transform(schema.ToDataView(ml, inputs)).GetColumn<float>("Probability").Select(p => (double)p).ToList();

    private static string? Cell(Prepared prepared, int row, string column) =>
        prepared.ColumnIndex.TryGetValue(column, out var index) ? prepared.Table.Rows[row][index] : null;

    public static bool IsPositive(string value, string positive) =>
        string.Equals(value.Trim(), positive.Trim(), StringComparison.OrdinalIgnoreCase)
        || (ColumnProfiler.TryParseNumber(value, false, out var a) && ColumnProfiler.TryParseNumber(positive, false, out var b) && a == b);
}
