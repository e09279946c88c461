using System.Buffers.Binary;

namespace EdgeGateway.Tests.Infrastructure;

/// <summary>Writes and reads 16-bit PCM WAV files for tests.</summary>
public static class Wav
{
    public static byte[] Pcm16(float[] samples, int rate, int channels = 1)
    {
        var dataBytes = samples.Length * 2 * channels;
        var file = new byte[44 + dataBytes];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(28), rate * 2 * channels);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(32), (short)(2 * channels));
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(34), 16);
        "data"u8.CopyTo(file.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(40), dataBytes);
        for (var i = 0; i < samples.Length; i++)
        {
            var value = (short)Math.Clamp(samples[i] * 32767f, short.MinValue, short.MaxValue);
            for (var c = 0; c < channels; c++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(44 + (i * channels + c) * 2), value);
            }
        }

        return file;
    }

    /// <summary>Samples of a canonical 44-byte-header mono 16-bit file, such as the committed clip.</summary>
    public static float[] ReadPcm16(byte[] file)
    {
        var data = file.AsSpan(44);
        var samples = new float[data.Length / 2];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(i * 2)..]) / 32768f;
        }

        return samples;
    }
}
