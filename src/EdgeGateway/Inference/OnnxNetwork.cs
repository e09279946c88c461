using EdgeGateway.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeGateway.Inference;

/// <summary>
/// One ONNX file in one <see cref="InferenceSession"/>, created once and shared by every request
/// (sessions are thread-safe and expensive to create). Loading checks the file against what the
/// manifest declares, so a swapped or mismatched file is reported at start instead of failing
/// requests one by one.
/// </summary>
public sealed class OnnxNetwork : IDisposable
{
    private OnnxNetwork(NetworkManifest manifest, InferenceSession session)
    {
        Manifest = manifest;
        Session = session;
        InputNames = [.. session.InputNames];
        OutputNames = [.. session.OutputNames];
    }

    public NetworkManifest Manifest { get; }

    public InferenceSession Session { get; }

    public string Role => Manifest.Role;

    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    public static OnnxNetwork Load(string folder, NetworkManifest manifest, int intraOpThreads)
    {
        var path = Path.Combine(folder, manifest.File);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The {manifest.Role} network file '{manifest.File}' is missing.", path);
        }

        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        InferenceSession session;
        try
        {
            session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load '{manifest.File}': {FirstLine(ex.Message)}", ex);
        }

        try
        {
            Check("input", manifest.Inputs, session.InputMetadata, manifest.File);
            Check("output", manifest.Outputs, session.OutputMetadata, manifest.File);
            return new OnnxNetwork(manifest, session);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs the network; <paramref name="cancellationToken"/> stops a run in progress.</summary>
    public IDisposableReadOnlyCollection<OrtValue> Run(IReadOnlyDictionary<string, OrtValue> inputs, CancellationToken cancellationToken)
    {
        using var run = new CancellableRun(cancellationToken);
        try
        {
            return Session.Run(run.Options, inputs, OutputNames);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    public TensorSpec? DeclaredInput(string name) => Manifest.Inputs.Find(i => i.Name == name);

    public void Dispose() => Session.Dispose();

    private static void Check(string kind, List<TensorSpec> declared, IReadOnlyDictionary<string, NodeMetadata> actual, string file)
    {
        foreach (var name in actual.Keys.Where(n => declared.TrueForAll(d => d.Name != n)))
        {
            throw new InvalidDataException($"'{file}' has {kind} '{name}', which the manifest does not declare.");
        }

        foreach (var spec in declared)
        {
            if (!actual.TryGetValue(spec.Name, out var metadata))
            {
                throw new InvalidDataException($"The manifest declares {kind} '{spec.Name}', which '{file}' does not have (it has {string.Join(", ", actual.Keys)}).");
            }

            var type = TensorTypes.Name(metadata.ElementDataType);
            if (type != spec.Type)
            {
                throw new InvalidDataException($"The manifest declares {kind} '{spec.Name}' as {spec.Type}; '{file}' has {type}.");
            }

            var dims = spec.FixedDims();
            if (dims.Length != metadata.Dimensions.Length
                || dims.Zip(metadata.Dimensions).Any(pair => pair.First >= 0 && pair.Second >= 0 && pair.First != pair.Second))
            {
                throw new InvalidDataException(
                    $"The manifest declares {kind} '{spec.Name}' with shape {spec.ShapeText()}; '{file}' has [{string.Join(", ", metadata.Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}].");
            }
        }
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}

/// <summary>Run options whose terminate flag follows a cancellation token.</summary>
public sealed class CancellableRun : IDisposable
{
    private readonly CancellationTokenRegistration _registration;

    public CancellableRun(CancellationToken cancellationToken)
    {
        Options = new RunOptions();
        cancellationToken.ThrowIfCancellationRequested();
        _registration = cancellationToken.Register(static state => ((RunOptions)state!).Terminate = true, Options);
    }

    public RunOptions Options { get; }

    public void Dispose()
    {
        _registration.Dispose();
        Options.Dispose();
    }
}

/// <summary>Element type names as manifests and the tensor JSON write them.</summary>
public static class TensorTypes
{
    public static string Name(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Double => "float64",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        TensorElementType.UInt8 => "uint8",
        TensorElementType.Int8 => "int8",
        TensorElementType.Bool => "bool",
        TensorElementType.Float16 => "float16",
        TensorElementType.String => "string",
        _ => type.ToString().ToLowerInvariant(),
    };
}
