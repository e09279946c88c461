using System.Buffers.Binary;
using EdgeGateway.Inference;

namespace EdgeGateway.Vad;

/// <summary>Mono samples in -1..1 and their rate.</summary>
public sealed record Audio(float[] Samples, int SampleRate)
{
    public double Seconds => Samples.Length / (double)SampleRate;
}

/// <summary>
/// Reads RIFF/WAVE files: PCM of 8, 16, 24 or 32 bits and 32/64-bit float, plain or
/// WAVE_FORMAT_EXTENSIBLE, any number of channels (averaged to mono).
/// </summary>
public static class WavReader
{
    private const ushort Pcm = 1;
    private const ushort Float = 3;
    private const ushort Extensible = 0xFFFE;

    public static Audio Read(ReadOnlySpan<byte> file, double maxSeconds)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InferenceRequestException("The file is not a WAV recording (no RIFF/WAVE header).");
        }

        ushort format = 0, channels = 0, bits = 0;
        var rate = 0;
        var position = 12;
        while (position + 8 <= file.Length)
        {
            var id = file.Slice(position, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(file.Slice(position + 4, 4));
            var body = position + 8;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || body + 16 > file.Length)
                {
                    throw new InferenceRequestException("The WAV file's format chunk is too short.");
                }

                format = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body, 2));
                channels = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body + 2, 2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(file.Slice(body + 4, 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body + 14, 2));
                if (format == Extensible && size >= 40 && body + 26 <= file.Length)
                {
                    // The sub-format GUID starts with the plain format code.
                    format = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body + 24, 2));
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (channels == 0 || rate <= 0 || bits == 0)
                {
                    throw new InferenceRequestException("The WAV file has no usable format chunk before its data.");
                }

                // Streams written before their length is known leave the size at 0 or 0xFFFFFFFF: take what is there.
                var length = size == 0 || size == uint.MaxValue || body + (long)size > file.Length ? file.Length - body : (int)size;
                return Decode(file.Slice(body, length), format, channels, rate, bits, maxSeconds);
            }

            position = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }

        throw new InferenceRequestException("The WAV file has no data chunk.");
    }

    private static Audio Decode(ReadOnlySpan<byte> data, ushort format, int channels, int rate, int bits, double maxSeconds)
    {
        var bytesPerSample = bits / 8;
        var supported = (format == Pcm && bits is 8 or 16 or 24 or 32) || (format == Float && bits is 32 or 64);
        if (!supported || bits % 8 != 0)
        {
            throw new InferenceRequestException($"WAV format {format} with {bits}-bit samples is not supported; send PCM (8, 16, 24, 32-bit) or float (32, 64-bit).");
        }

        var frames = data.Length / (bytesPerSample * channels);
        var seconds = frames / (double)rate;
        if (seconds > maxSeconds)
        {
            throw InferenceRequestException.TooLarge($"The recording is {seconds:F0} s long; this gateway takes at most {maxSeconds:F0} s.");
        }

        var samples = new float[frames];
        for (var frame = 0; frame < frames; frame++)
        {
            var sum = 0f;
            for (var channel = 0; channel < channels; channel++)
            {
                var at = data.Slice((frame * channels + channel) * bytesPerSample, bytesPerSample);
                sum += (format, bits) switch
                {
                    (Pcm, 8) => (at[0] - 128) / 128f,
                    (Pcm, 16) => BinaryPrimitives.ReadInt16LittleEndian(at) / 32768f,
                    (Pcm, 24) => ((at[2] << 24 | at[1] << 16 | at[0] << 8) >> 8) / 8388608f,
                    (Pcm, 32) => BinaryPrimitives.ReadInt32LittleEndian(at) / 2147483648f,
                    (Float, 32) => BinaryPrimitives.ReadSingleLittleEndian(at),
                    _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(at),
                };
            }

            samples[frame] = sum / channels;
        }

        return new Audio(samples, rate);
    }

    /// <summary>Resamples to <paramref name="rate"/>. Downsampling first averages over each output
    /// sample's span (a box low-pass) so higher frequencies do not fold into the speech band.</summary>
    public static Audio Resample(Audio audio, int rate)
    {
        if (audio.SampleRate == rate)
        {
            return audio;
        }

        var ratio = audio.SampleRate / (double)rate;
        var count = (int)(audio.Samples.Length / ratio);
        var output = new float[count];
        var source = audio.Samples;
        for (var i = 0; i < count; i++)
        {
            var centre = i * ratio;
            if (ratio > 1)
            {
                var from = Math.Max(0, (int)Math.Floor(centre - ratio / 2));
                var to = Math.Min(source.Length - 1, (int)Math.Ceiling(centre + ratio / 2));
                var sum = 0f;
                for (var j = from; j <= to; j++)
                {
                    sum += source[j];
                }

                output[i] = sum / (to - from + 1);
            }
            else
            {
                var left = (int)centre;
                var right = Math.Min(left + 1, source.Length - 1);
                var t = (float)(centre - left);
                output[i] = source[left] * (1 - t) + source[right] * t;
            }
        }

        return new Audio(output, rate);
    }
}
