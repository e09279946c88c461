using System.Diagnostics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace PartnerAssistant.Knowledge.Embeddings;

/// <summary>
/// Sentence embeddings from all-MiniLM-L6-v2 (384 dimensions, unit length) computed in process by
/// ONNX Runtime. The first call locates the model package, builds or reuses the cached ONNX model
/// and opens the one <see cref="InferenceSession"/> the generator keeps for its lifetime; after that
/// calls may run concurrently. Texts are grouped by token length into batches of
/// <see cref="EmbeddingOptions.BatchSize"/>, each padded to its longest text.
/// </summary>
public sealed class MiniLmEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    public const string ModelId = "all-MiniLM-L6-v2";
    public const int Dimensions = 384;

    private static readonly string[] InputNames = [BertEncoderGraph.InputIds, BertEncoderGraph.AttentionMask, BertEncoderGraph.TokenTypeIds];
    private static readonly string[] OutputNames = [BertEncoderGraph.SentenceEmbedding];

    private readonly EmbeddingOptions _options;
    private readonly ILogger<MiniLmEmbeddingGenerator> _logger;
    private readonly TimeProvider _timeProvider;
    private readonly EmbeddingGeneratorMetadata _metadata = new("onnxruntime", defaultModelId: ModelId, defaultModelDimensions: Dimensions);
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private volatile Runtime? _runtime;
    private bool _disposed;

    public MiniLmEmbeddingGenerator(IOptions<EmbeddingOptions> options, ILogger<MiniLmEmbeddingGenerator> logger, TimeProvider? timeProvider = null)
    {
        _options = options.Value;
        _logger = logger;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Builds or loads the model and opens the session now rather than on the first request.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken = default) => GetRuntimeAsync(cancellationToken);

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (options?.Dimensions is int requested && requested != Dimensions)
        {
            throw new ArgumentException($"{ModelId} produces {Dimensions}-dimensional embeddings; {requested} were requested.", nameof(options));
        }
        string[] texts = [.. values];
        if (Array.IndexOf(texts, null) is int nullIndex and >= 0)
        {
            throw new ArgumentException($"Text {nullIndex} is null.", nameof(values));
        }
        var embeddings = new Embedding<float>[texts.Length];
        if (texts.Length == 0)
        {
            return [];
        }

        Runtime runtime = await GetRuntimeAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<int>[] tokens = [.. texts.Select(runtime.Tokenizer.Encode)];

        // Sorting by length before batching keeps texts of similar length together, so little
        // compute is spent on padding; results are written back in the caller's order.
        int[] order = [.. Enumerable.Range(0, texts.Length).OrderBy(i => tokens[i].Count)];
        DateTimeOffset createdAt = _timeProvider.GetUtcNow();
        foreach (int[] batch in order.Chunk(_options.BatchSize))
        {
            cancellationToken.ThrowIfCancellationRequested();
            float[][] vectors = runtime.Embed([.. batch.Select(i => tokens[i])], cancellationToken);
            for (int j = 0; j < batch.Length; j++)
            {
                embeddings[batch[j]] = new Embedding<float>(vectors[j]) { ModelId = ModelId, CreatedAt = createdAt };
            }
        }

        long tokenCount = tokens.Sum(t => (long)t.Count);
        return new GeneratedEmbeddings<Embedding<float>>(embeddings)
        {
            Usage = new UsageDetails { InputTokenCount = tokenCount, TotalTokenCount = tokenCount },
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return _metadata;
        }
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _runtime?.Dispose();
        _startLock.Dispose();
    }

    private async Task<Runtime> GetRuntimeAsync(CancellationToken cancellationToken)
    {
        if (_runtime is { } ready)
        {
            return ready;
        }
        await _startLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // A failed start (weights not installed yet) is not remembered, so a later call can succeed.
            return _runtime ??= Start();
        }
        finally
        {
            _startLock.Release();
        }
    }

    private Runtime Start()
    {
        MiniLmModelFiles files = MiniLmModelFiles.Locate(_options.ModelPackagePath);
        CachedModel model = MiniLmModelCache.For(_options, _logger).EnsureModel(files);
        if (!model.Built)
        {
            _logger.LogInformation("Using the cached all-MiniLM-L6-v2 ONNX model {ModelPath} (weights unchanged, checked in {ElapsedMilliseconds} ms)",
                model.ModelPath, (long)model.Elapsed.TotalMilliseconds);
        }

        long started = Stopwatch.GetTimestamp();
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        if (_options.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = _options.IntraOpThreads;
        }

        // Turns embed concurrently on few cores: an idle intra-op thread that spins for more work takes CPU from the other
        // turns' embeddings, so the threads sleep instead.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        var session = new InferenceSession(model.ModelPath, sessionOptions);
        try
        {
            var tokenizer = MiniLmTokenizer.Load(files.TokenizerPath, _options.MaxTokens);
            _logger.LogInformation("Opened the ONNX Runtime session for {ModelPath} in {ElapsedMilliseconds} ms ({IntraOpThreads} intra-op threads, 0 = one per core)",
                model.ModelPath, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, _options.IntraOpThreads);
            return new Runtime(session, tokenizer);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The session and tokenizer, created together once.</summary>
    private sealed class Runtime(InferenceSession session, MiniLmTokenizer tokenizer) : IDisposable
    {
        public MiniLmTokenizer Tokenizer { get; } = tokenizer;

        public float[][] Embed(IReadOnlyList<int>[] batch, CancellationToken cancellationToken)
        {
            int rows = batch.Length;
            int columns = batch.Max(t => t.Count);
            var ids = new long[rows * columns];
            var mask = new long[rows * columns];
            var types = new long[rows * columns];
            for (int r = 0; r < rows; r++)
            {
                IReadOnlyList<int> row = batch[r];
                for (int c = 0; c < row.Count; c++)
                {
                    ids[(r * columns) + c] = row[c];
                    mask[(r * columns) + c] = 1;
                }
            }

            long[] shape = [rows, columns];
            using OrtValue idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
            using OrtValue maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
            using OrtValue typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
            using var runOptions = new RunOptions();
            // Cancelling stops ONNX Runtime between kernels instead of waiting for the batch to finish.
            using CancellationTokenRegistration registration = cancellationToken.Register(() => runOptions.Terminate = true);
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames);
            }
            catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellationToken);
            }
            using (outputs)
            {
                ReadOnlySpan<float> data = outputs[0].GetTensorDataAsSpan<float>();
                int dimensions = data.Length / rows;
                var vectors = new float[rows][];
                for (int r = 0; r < rows; r++)
                {
                    vectors[r] = data.Slice(r * dimensions, dimensions).ToArray();
                }
                return vectors;
            }
        }

        public void Dispose() => session.Dispose();
    }
}
