using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.ObjectPool;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Prediction;

/// <summary>
/// A deployed model version held in memory: the ML.NET pipeline, its feature schema and card, and
/// pools of prediction engines. A <see cref="PredictionEngine{TSrc,TDst}"/> is not thread-safe, so
/// each call borrows one from a pool and returns it; pooled engines make a prediction cost
/// microseconds rather than the milliseconds of building an engine.
/// </summary>
public sealed class DeployedModel
{
    private readonly Lock _create = new();
    private readonly ObjectPool<PredictionEngine<ModelInput, ScoreOutput>> _scorers;
    private readonly ObjectPool<PredictionEngine<ModelInput, ExplainedOutput>> _explainers;

    public DeployedModel(string version, MLContext ml, ITransformer model, FeatureSchema schema, ModelCard card)
    {
        Version = version;
        Ml = ml;
        Model = model;
        Schema = schema;
        Card = card;
        var definition = schema.InputDefinition();
        var retained = Environment.ProcessorCount * 2;
        _scorers = new DefaultObjectPool<PredictionEngine<ModelInput, ScoreOutput>>(new EnginePolicy<ScoreOutput>(this, definition), retained);
        _explainers = new DefaultObjectPool<PredictionEngine<ModelInput, ExplainedOutput>>(new EnginePolicy<ExplainedOutput>(this, definition), retained);
    }

    public string Version { get; }
    public MLContext Ml { get; }
    public ITransformer Model { get; }
    public FeatureSchema Schema { get; }
    public ModelCard Card { get; }

    /// <summary>The calibrated probability only; feature contributions are not computed.</summary>
    public ScoreOutput Score(ModelInput input)
    {
        var engine = _scorers.Get();
        try
        {
            return engine.Predict(input);
        }
        finally
        {
            _scorers.Return(engine);
        }
    }

    /// <summary>The calibrated probability and each feature slot's contribution to the score.</summary>
    public ExplainedOutput Explain(ModelInput input)
    {
        var engine = _explainers.Get();
        try
        {
            return engine.Predict(input);
        }
        finally
        {
            _explainers.Return(engine);
        }
    }

    private sealed class EnginePolicy<TOutput>(DeployedModel model, Microsoft.ML.Data.SchemaDefinition definition) : PooledObjectPolicy<PredictionEngine<ModelInput, TOutput>>
        where TOutput : class, new()
    {
        public override PredictionEngine<ModelInput, TOutput> Create()
        {
            lock (model._create)
            {
                return model.Ml.Model.CreatePredictionEngine<ModelInput, TOutput>(model.Model, ignoreMissingColumns: true, inputSchemaDefinition: definition);
            }
        }

        public override bool Return(PredictionEngine<ModelInput, TOutput> obj) => true;
    }
}

/// <summary>
/// The model files under <c>{Data:Folder}/models/{ModelName}/</c>: one folder per version (model
/// zip, feature schema, model card as JSON and Markdown) and <c>current.json</c> naming the
/// deployed one. A new version is written completely, then the pointer is replaced atomically, so
/// a reader never sees half a model. Readers notice a new pointer through a file watcher, and
/// through a version check every <see cref="PredictionOptions.ReloadCheckInterval"/> in case the
/// watcher misses it (network shares, several replicas), and swap models without a restart.
/// </summary>
public sealed class DealModelStore : IDisposable
{
    public const string PointerFile = "current.json";
    public const string ModelFile = "model.zip";
    public const string SchemaFile = "schema.json";
    public const string CardJsonFile = "model-card.json";
    public const string CardMarkdownFile = "model-card.md";

    private readonly PredictionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DealModelStore> _logger;
    private readonly Lock _reload = new();
    private readonly FileSystemWatcher? _watcher;
    private volatile DeployedModel? _current;
    private volatile bool _stale = true;
    private long _nextCheck;

    public DealModelStore(IOptions<DataOptions> data, IOptions<PredictionOptions> options, TimeProvider time, ILogger<DealModelStore> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        Folder = Path.GetDirectoryName(data.Value.PathTo("models", _options.ModelName, PointerFile))!;
        try
        {
            _watcher = new FileSystemWatcher(Folder, PointerFile) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.CreationTime };
            _watcher.Changed += (_, _) => _stale = true;
            _watcher.Created += (_, _) => _stale = true;
            _watcher.Renamed += (_, _) => _stale = true;
            _watcher.EnableRaisingEvents = true;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or ArgumentException)
        {
            // Out of inotify watches, or a file system without change events: the periodic check still reloads.
            _logger.LogWarning("Cannot watch {Folder} for new models ({Error}); checking every {Interval} instead", Folder, ex.Message, _options.ReloadCheckInterval);
            _watcher = null;
        }
    }

    /// <summary>The folder holding the versions and the pointer.</summary>
    public string Folder { get; }

    public string PointerPath => Path.Combine(Folder, PointerFile);

    /// <summary>Whether a model has been deployed (the pointer exists).</summary>
    public bool HasModel => File.Exists(PointerPath);

    /// <summary>The deployed model, reloaded when a new version has been deployed; null when none is.</summary>
    public DeployedModel? Current
    {
        get
        {
            // One thread per interval does the check; the others keep scoring with the current model.
            var now = _time.GetTimestamp();
            var next = Interlocked.Read(ref _nextCheck);
            if (_stale || (now >= next && Interlocked.CompareExchange(ref _nextCheck, now + Interval, next) == next))
            {
                Refresh();
            }

            return _current;
        }
    }

    /// <summary>Writes a trained model as a new version and makes it the current one.</summary>
    public DeployedModel Deploy(TrainedModel trained)
    {
        var version = $"{_time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..6]}";
        var card = trained.Card with { Name = _options.ModelName, Version = version };
        trained.Card = card;
        var staging = Path.Combine(Folder, "." + version + ".tmp");
        System.IO.Directory.CreateDirectory(staging);
        using (var stream = File.Create(Path.Combine(staging, ModelFile)))
        {
            trained.Save(stream);
        }

        File.WriteAllText(Path.Combine(staging, SchemaFile), JsonSerializer.Serialize(trained.Schema, ModelCard.Json));
        File.WriteAllText(Path.Combine(staging, CardJsonFile), card.ToJson());
        File.WriteAllText(Path.Combine(staging, CardMarkdownFile), card.ToMarkdown());
        System.IO.Directory.Move(staging, Path.Combine(Folder, version));

        // A name of its own: two processes deploying at once must not write into one temporary file.
        var pointer = Path.Combine(Folder, $".{PointerFile}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(pointer, JsonSerializer.Serialize(new Pointer(version), ModelCard.Json));
        File.Move(pointer, PointerPath, overwrite: true);
        _logger.LogInformation("Deployed model {Name} version {Version} (test ROC AUC {Auc:0.000})", _options.ModelName, version, card.Auc);

        var deployed = new DeployedModel(version, trained.Ml, trained.Model, trained.Schema, card);
        lock (_reload)
        {
            _current = deployed;
            _stale = false;
        }

        Prune(version);
        return deployed;
    }

    /// <summary>Where a version's model card (Markdown) is.</summary>
    public string CardPath(string version) => Path.Combine(Folder, version, CardMarkdownFile);

    public void Dispose() => _watcher?.Dispose();

    private long Interval => (long)(_options.ReloadCheckInterval.TotalSeconds * _time.TimestampFrequency);

    private void Refresh()
    {
        lock (_reload)
        {
            _stale = false;
            var version = ReadPointer();
            if (version is null || version == _current?.Version)
            {
                return;
            }

            try
            {
                _current = Load(version);
                _logger.LogInformation("Loaded model {Name} version {Version}", _options.ModelName, version);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or JsonException or InvalidOperationException or FormatException)
            {
                // Keep serving the model already loaded; the next check tries again.
                _logger.LogError(ex, "Cannot load model version {Version} from {Folder}", version, Folder);
            }
        }
    }

    private string? ReadPointer()
    {
        try
        {
            return File.Exists(PointerPath) ? JsonSerializer.Deserialize<Pointer>(File.ReadAllText(PointerPath), ModelCard.Json)?.Version : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException)
        {
            _logger.LogWarning("Cannot read {Pointer}: {Error}", PointerPath, ex.Message);
            return null;
        }
    }

    private DeployedModel Load(string version)
    {
        var folder = Path.Combine(Folder, version);
        var schema = JsonSerializer.Deserialize<FeatureSchema>(File.ReadAllText(Path.Combine(folder, SchemaFile)), ModelCard.Json)
            ?? throw new InvalidDataException($"{SchemaFile} of version {version} is empty.");
        var card = ModelCard.FromJson(File.ReadAllText(Path.Combine(folder, CardJsonFile)));
        var ml = new MLContext();
        using var stream = File.OpenRead(Path.Combine(folder, ModelFile));
        var model = ml.Model.Load(stream, out _);
        return new DeployedModel(version, ml, model, schema, card);
    }

    private void Prune(string current)
    {
        var versions = new DirectoryInfo(Folder).GetDirectories()
            .Where(d => !d.Name.StartsWith('.') && d.Name != current)
            .OrderByDescending(d => d.CreationTimeUtc).ThenByDescending(d => d.Name, StringComparer.Ordinal)
            .Skip(Math.Max(0, _options.KeepVersions - 1));
        foreach (var old in versions)
        {
            try
            {
                old.Delete(recursive: true);
            }
            catch (IOException ex)
            {
                _logger.LogWarning("Cannot remove old model version {Version}: {Error}", old.Name, ex.Message);
            }
        }
    }

    private sealed record Pointer(string Version);
}
