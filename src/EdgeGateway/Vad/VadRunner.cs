using System.Text.Json.Nodes;
using EdgeGateway.Inference;
using EdgeGateway.Models;
using Microsoft.ML.OnnxRuntime;

namespace EdgeGateway.Vad;

/// <summary>Pre-processing settings of the VAD task (Silero VAD v5's defaults), from the manifest.</summary>
public sealed class VadPreprocessing
{
    public int SampleRate { get; init; } = 16_000;

    /// <summary>Samples per chunk the network scores. Silero v5 at 16 kHz: 512 (32 ms).</summary>
    public int WindowSamples { get; init; } = 512;

    /// <summary>Samples of the previous chunk prepended to each chunk, so a word that starts on a chunk
    /// boundary is seen whole. Silero v5 at 16 kHz: 64.</summary>
    public int ContextSamples { get; init; } = 64;

    public string AudioInput { get; init; } = "input";

    public string StateInput { get; init; } = "state";

    public string RateInput { get; init; } = "sr";

    public string ProbabilityOutput { get; init; } = "output";

    public string StateOutput { get; init; } = "stateN";

    /// <summary>Shape of the recurrent state carried from chunk to chunk. Silero v5: [2, 1, 128].</summary>
    public long[] StateShape { get; init; } = [2, 1, 128];
}

/// <summary>Post-processing settings: how chunk probabilities become speech segments (Silero's defaults).</summary>
public sealed class VadPostprocessing
{
    /// <summary>A chunk at or above this probability starts (or continues) speech. Default: 0.5.</summary>
    public float Threshold { get; init; } = 0.5f;

    /// <summary>Speech ends only when the probability falls below this. Default: threshold − 0.15.</summary>
    public float? NegativeThreshold { get; init; }

    /// <summary>Shorter bursts are not reported as speech. Default: 250 ms.</summary>
    public int MinSpeechMs { get; init; } = 250;

    /// <summary>Pauses shorter than this do not split a segment. Default: 100 ms.</summary>
    public int MinSilenceMs { get; init; } = 100;

    /// <summary>Each segment is widened by this much on both sides. Default: 30 ms.</summary>
    public int SpeechPadMs { get; init; } = 30;
}

/// <summary>A stretch of speech, in seconds from the start of the recording.</summary>
public sealed record SpeechSegment(double Start, double End);

/// <summary>
/// Voice activity with Silero VAD: the recording is resampled to 16 kHz and scored in 512-sample
/// chunks, the network's recurrent state carried from one chunk to the next; the probabilities
/// become speech segments with hysteresis, minimum lengths and padding.
/// </summary>
public sealed class VadRunner : ModelTaskRunner
{
    private readonly OnnxNetwork _network;
    private readonly VadPreprocessing _pre;
    private readonly VadPostprocessing _post;
    private readonly double _maxSeconds;

    private VadRunner(OnnxNetwork network, VadPreprocessing pre, VadPostprocessing post, double maxSeconds)
    {
        _network = network;
        _pre = pre;
        _post = post;
        _maxSeconds = maxSeconds;
    }

    public override string Accepts => "a WAV recording";

    public override bool TakesFile => true;

    public static VadRunner Create(ModelManifest manifest, IReadOnlyList<OnnxNetwork> networks, GatewayOptions options)
    {
        var pre = manifest.PreprocessingAs<VadPreprocessing>();
        var network = networks[0];
        foreach (var name in new[] { pre.AudioInput, pre.StateInput, pre.RateInput })
        {
            if (!network.InputNames.Contains(name))
            {
                throw new InvalidDataException($"The VAD network has no input '{name}'.");
            }
        }

        foreach (var name in new[] { pre.ProbabilityOutput, pre.StateOutput })
        {
            if (!network.OutputNames.Contains(name))
            {
                throw new InvalidDataException($"The VAD network has no output '{name}'.");
            }
        }

        return new VadRunner(network, pre, manifest.PostprocessingAs<VadPostprocessing>(), options.MaxAudioSeconds);
    }

    public override JsonObject RunFile(InferenceFile file, CancellationToken cancellationToken)
    {
        var audio = WavReader.Read(file.Content, _maxSeconds);
        var segments = Detect(audio, cancellationToken, out var probabilities);
        var speech = segments.Sum(s => s.End - s.Start);
        return new JsonObject
        {
            ["hasSpeech"] = segments.Count > 0,
            ["durationSeconds"] = Math.Round(audio.Seconds, 3),
            ["speechSeconds"] = Math.Round(speech, 3),
            ["sampleRate"] = audio.SampleRate,
            ["chunks"] = probabilities.Length,
            ["maxProbability"] = probabilities.Length == 0 ? 0 : Math.Round(probabilities.Max(), 4),
            ["segments"] = new JsonArray(segments.Select(s => (JsonNode)new JsonObject { ["start"] = Math.Round(s.Start, 3), ["end"] = Math.Round(s.End, 3) }).ToArray()),
        };
    }

    public List<SpeechSegment> Detect(Audio audio, CancellationToken cancellationToken, out float[] probabilities)
    {
        var resampled = WavReader.Resample(audio, _pre.SampleRate);
        probabilities = Probabilities(resampled.Samples, cancellationToken);
        return Segments(probabilities, resampled.Samples.Length);
    }

    /// <summary>Speech probability of each chunk of 16 kHz samples (the last chunk zero-padded).</summary>
    public float[] Probabilities(float[] samples, CancellationToken cancellationToken)
    {
        int window = _pre.WindowSamples, context = _pre.ContextSamples;
        var chunks = (samples.Length + window - 1) / window;
        var probabilities = new float[chunks];
        var input = new float[context + window];
        var stateSize = (int)_pre.StateShape.Aggregate(1L, (a, b) => a * b);
        var state = new float[stateSize];
        var nextState = new float[stateSize];
        var probability = new float[1];
        // One set of tensors over fixed buffers for the whole recording: per chunk only the samples
        // and the state are copied, which keeps the loop far faster than real time.
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, input.Length]);
        using var stateValue = OrtValue.CreateTensorValueFromMemory(state, _pre.StateShape);
        using var rateValue = OrtValue.CreateTensorValueFromMemory(new long[] { _pre.SampleRate }, []);
        using var probabilityValue = OrtValue.CreateTensorValueFromMemory(probability, [1, 1]);
        using var nextStateValue = OrtValue.CreateTensorValueFromMemory(nextState, _pre.StateShape);
        // Bound once: each run then reads the same buffers without marshalling names or tensors again.
        using var binding = _network.Session.CreateIoBinding();
        binding.BindInput(_pre.AudioInput, inputValue);
        binding.BindInput(_pre.StateInput, stateValue);
        binding.BindInput(_pre.RateInput, rateValue);
        binding.BindOutput(_pre.ProbabilityOutput, probabilityValue);
        binding.BindOutput(_pre.StateOutput, nextStateValue);
        using var run = new CancellableRun(cancellationToken);
        try
        {
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = chunk * window;
                var count = Math.Min(window, samples.Length - start);
                Array.Copy(input, window, input, 0, context);
                Array.Copy(samples, start, input, context, count);
                Array.Clear(input, context + count, window - count);
                _network.Session.RunWithBinding(run.Options, binding);
                probabilities[chunk] = probability[0];
                nextState.AsSpan().CopyTo(state);
            }
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return probabilities;
    }

    /// <summary>Chunk probabilities to segments: speech starts at the threshold, ends after a long
    /// enough pause below the lower threshold, short bursts are dropped and segments padded.</summary>
    public List<SpeechSegment> Segments(float[] probabilities, int sampleCount)
    {
        int window = _pre.WindowSamples, rate = _pre.SampleRate;
        var negative = _post.NegativeThreshold ?? Math.Max(0.01f, _post.Threshold - 0.15f);
        var minSpeech = rate * _post.MinSpeechMs / 1000;
        var minSilence = rate * _post.MinSilenceMs / 1000;
        var pad = rate * _post.SpeechPadMs / 1000;
        var found = new List<(int Start, int End)>();
        var speaking = false;
        int start = 0, silenceSince = -1;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var at = i * window;
            var p = probabilities[i];
            if (p >= _post.Threshold)
            {
                silenceSince = -1;
                if (!speaking)
                {
                    speaking = true;
                    start = at;
                }
            }
            else if (speaking && p < negative)
            {
                if (silenceSince < 0)
                {
                    silenceSince = at;
                }

                if (at + window - silenceSince >= minSilence)
                {
                    if (silenceSince - start >= minSpeech)
                    {
                        found.Add((start, silenceSince));
                    }

                    speaking = false;
                    silenceSince = -1;
                }
            }
        }

        if (speaking && sampleCount - start >= minSpeech)
        {
            found.Add((start, sampleCount));
        }

        var segments = new List<SpeechSegment>();
        foreach (var (s, e) in found)
        {
            var from = Math.Max(0, s - pad);
            var to = Math.Min(sampleCount, e + pad);
            if (segments.Count > 0 && from <= segments[^1].End * rate)
            {
                segments[^1] = segments[^1] with { End = to / (double)rate };
            }
            else
            {
                segments.Add(new SpeechSegment(from / (double)rate, to / (double)rate));
            }
        }

        return segments;
    }
}
