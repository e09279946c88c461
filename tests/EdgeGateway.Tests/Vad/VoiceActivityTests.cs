using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Tests.Infrastructure;

namespace EdgeGateway.Tests.Vad;

/// <summary>Real Silero VAD inference through the gateway on a committed speech clip, silence and noise.</summary>
public sealed class VoiceActivityTests(SharedGateway gateway)
{
    private static readonly string SpeechClip = Path.Combine(AppContext.BaseDirectory, "TestData", "speech-16k.wav");

    [Fact]
    public async Task Infer_SpokenSentence_FindsOneSegmentWhereTheVoiceIs()
    {
        // The clip is 1 s of silence, "Please check the label on pallet four." (about 2.7 s), 1 s of silence.
        var body = await InferAsync(await File.ReadAllBytesAsync(SpeechClip, TestContext.Current.CancellationToken));

        Assert.True(body["hasSpeech"]!.GetValue<bool>());
        var segments = body["segments"]!.AsArray();
        Assert.NotEmpty(segments);
        var start = segments[0]!["start"]!.GetValue<double>();
        var end = segments[^1]!["end"]!.GetValue<double>();
        Assert.InRange(start, 0.7, 1.2);
        Assert.InRange(end, 3.3, 4.0);
        Assert.True(body["speechSeconds"]!.GetValue<double>() > 2.0);
    }

    [Fact]
    public async Task Infer_Silence_FindsNoSpeech()
    {
        var body = await InferAsync(Wav.Pcm16(new float[16_000 * 3], 16_000));

        Assert.False(body["hasSpeech"]!.GetValue<bool>());
        Assert.Empty(body["segments"]!.AsArray());
    }

    [Fact]
    public async Task Infer_WhiteNoise_FindsNoSpeech()
    {
        var random = new Random(7);
        var noise = Enumerable.Range(0, 16_000 * 3).Select(_ => (float)(random.NextDouble() * 2 - 1) * 0.3f).ToArray();

        var body = await InferAsync(Wav.Pcm16(noise, 16_000));

        Assert.False(body["hasSpeech"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Infer_SpeechAt48kHzStereo_ResamplesAndStillFindsIt()
    {
        var clip = await File.ReadAllBytesAsync(SpeechClip, TestContext.Current.CancellationToken);
        var mono = Wav.ReadPcm16(clip);
        var upsampled = Enumerable.Range(0, mono.Length * 3).Select(i => mono[i / 3]).ToArray();

        var body = await InferAsync(Wav.Pcm16(upsampled, 48_000, channels: 2));

        Assert.True(body["hasSpeech"]!.GetValue<bool>());
        Assert.InRange(body["segments"]![0]!["start"]!.GetValue<double>(), 0.7, 1.2);
    }

    [Fact]
    public async Task Infer_TextFileNamedWav_Returns400()
    {
        using var client = gateway.Server.Client();

        using var response = await client.PostAsync("/models/voice-activity/infer",
            GatewayServer.FileContent("hello"u8.ToArray(), "clip.wav", "audio/wav"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a WAV", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    private async Task<JsonObject> InferAsync(byte[] wav)
    {
        using var client = gateway.Server.Client();
        using var response = await client.PostAsync("/models/voice-activity/infer", GatewayServer.FileContent(wav, "clip.wav", "audio/wav"), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        return body!["result"]!.AsObject();
    }
}
