using System.Diagnostics;
using EdgeGateway.Inference;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Models;

/// <summary>
/// The models the gateway serves: every sub-folder of the models folder with a <c>manifest.json</c>.
/// Each loads once at start; one that fails (missing or corrupt file, manifest that does not match
/// the file) is kept as unavailable with the reason, and the others serve regardless.
/// </summary>
public sealed class ModelCatalog(IOptions<GatewayOptions> options, ModelTaskFactory tasks, ILogger<ModelCatalog> logger) : IDisposable
{
    private volatile IReadOnlyDictionary<string, ServedModel> _models = new Dictionary<string, ServedModel>();

    public IReadOnlyCollection<ServedModel> All => _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal).ToList();

    public bool IsLoaded { get; private set; }

    public ServedModel? Find(string name) => _models.GetValueOrDefault(name);

    /// <summary>Loads every model in the folder, adding <paramref name="problems"/> (models that could
    /// not even be put in the folder) as unavailable.</summary>
    public void Load(IReadOnlyDictionary<string, string>? problems = null)
    {
        var settings = options.Value;
        var root = settings.ResolveModelsFolder();
        Directory.CreateDirectory(root);
        var models = new Dictionary<string, ServedModel>(StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal))
        {
            var model = LoadOne(folder, settings);
            if (models.ContainsKey(model.Name))
            {
                model.Dispose();
                model = ServedModel.Unavailable(Path.GetFileName(folder), folder, null, $"Another folder already serves a model named '{model.Name}'.");
            }

            models[model.Name] = model;
        }

        foreach (var (name, problem) in problems ?? new Dictionary<string, string>())
        {
            if (!models.ContainsKey(name))
            {
                models[name] = ServedModel.Unavailable(name, Path.Combine(root, name), null, problem);
            }
        }

        var previous = _models;
        _models = models;
        IsLoaded = true;
        foreach (var model in previous.Values)
        {
            model.Dispose();
        }

        logger.LogInformation("Serving {Ready} of {Total} models from {Folder}", models.Values.Count(m => m.IsReady), models.Count, root);
    }

    private ServedModel LoadOne(string folder, GatewayOptions settings)
    {
        var name = Path.GetFileName(folder);
        var manifestPath = Path.Combine(folder, ModelManifest.FileName);
        if (!File.Exists(manifestPath))
        {
            return Unavailable(name, folder, null, $"The folder has no {ModelManifest.FileName}.");
        }

        ModelManifest manifest;
        try
        {
            manifest = ModelManifest.Read(manifestPath);
        }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or IOException)
        {
            return Unavailable(name, folder, null, $"Its {ModelManifest.FileName} cannot be read: {ex.Message}");
        }

        var started = Stopwatch.GetTimestamp();
        var networks = new List<OnnxNetwork>();
        try
        {
            foreach (var network in manifest.Networks)
            {
                networks.Add(OnnxNetwork.Load(folder, network, settings.IntraOpThreads));
            }

            var runner = tasks.Create(manifest, folder, networks);
            logger.LogInformation("Loaded model {Model} {Version} ({Task}) in {Elapsed:F0} ms",
                manifest.Name, manifest.Version, manifest.Task, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return ServedModel.Ready(folder, manifest, networks, runner);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException or System.Text.Json.JsonException)
        {
            foreach (var network in networks)
            {
                network.Dispose();
            }

            return Unavailable(manifest.Name, folder, manifest, ex.Message);
        }
    }

    private ServedModel Unavailable(string name, string folder, ModelManifest? manifest, string error)
    {
        logger.LogError("Model {Model} in {Folder} is unavailable: {Reason}", name, folder, error);
        return ServedModel.Unavailable(name, folder, manifest, error);
    }

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Dispose();
        }
    }
}
