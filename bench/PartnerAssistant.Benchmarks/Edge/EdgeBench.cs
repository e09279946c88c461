using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using EdgeGateway;
using EdgeGateway.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace PartnerAssistant.Benchmarks.Edge;

/// <summary>
/// One edge gateway on loopback Kestrel over a fresh models folder (OCR and VAD copied from npm,
/// telemetry models trained, one intra-op thread per inference), the inputs each model gets, and
/// both ways of running them: an HTTP request through the gateway, and the same runner the
/// gateway uses, called in process.
/// </summary>
public sealed class EdgeBench : IAsyncDisposable
{
    public const string ApiKey = "bench-key";
    private readonly WebApplication _app;
    private readonly HttpClient _client;
    private readonly ModelCatalog _catalog;
    private readonly string _folder;

    private EdgeBench(WebApplication app, HttpClient client, string folder)
    {
        _app = app;
        _client = client;
        _folder = folder;
        _catalog = app.Services.GetRequiredService<ModelCatalog>();
        Label = RenderLabel(["SN 4821-AX7", "LOT 2026-118"]);
        Speech = File.ReadAllBytes(Find("tests/EdgeGateway.Tests/TestData/speech-16k.wav"));
        // A canonical 44-byte header, then 16-bit samples: keep the header and the first 0.5 s, and fix the two sizes.
        ShortSpeech = Speech[..(44 + 16_000)];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(ShortSpeech.AsSpan(4), ShortSpeech.Length - 8);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(ShortSpeech.AsSpan(40), 16_000);
    }

    public static readonly string[] Models = [BuiltInModels.LabelReader, BuiltInModels.VoiceActivity, BuiltInModels.VitalSigns, BuiltInModels.GridFault];

    /// <summary>The voice model on a 0.5 s cut of the clip: a short inference, so the per-request cost of a file upload shows.</summary>
    public const string ShortVoice = "voice-activity (0.5 s clip)";

    /// <summary>A two-line label photo, 563×233 pixels.</summary>
    public byte[] Label { get; }

    /// <summary>The committed 4.66 s speech clip (16 kHz mono).</summary>
    public byte[] Speech { get; }

    public byte[] ShortSpeech { get; }

    public static readonly JsonObject Vitals = new() { ["heartRate"] = 128, ["spo2"] = 89, ["respiratoryRate"] = 24, ["systolicBp"] = 95, ["diastolicBp"] = 60, ["temperature"] = 38.6 };

    public static readonly JsonObject Grid = new() { ["loadPu"] = 0.9, ["voltagePu"] = 0.96, ["thdPct"] = 8.5, ["oilTempC"] = 88, ["ambientTempC"] = 20, ["partialDischargePerHour"] = 45, ["voltageSags24h"] = 3, ["assetAgeYears"] = 35 };

    public static async Task<EdgeBench> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "edge-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var app = GatewayApp.Create(
        [
            "--urls=http://127.0.0.1:0",
            $"--EdgeGateway:ModelsFolder={folder}",
            $"--EdgeGateway:ApiKey={ApiKey}",
            "--EdgeGateway:IntraOpThreads=1",
            "--EdgeGateway:QueueLimit=256",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return new EdgeBench(app, client, folder);
    }

    /// <summary>The model's runner called directly, as the gateway calls it.</summary>
    public JsonObject InProcess(string model)
    {
        var runner = _catalog.Find(model == ShortVoice ? BuiltInModels.VoiceActivity : model)!.Runner!;
        return model switch
        {
            BuiltInModels.LabelReader => runner.RunFile(new InferenceFile("label.png", "image/png", Label), CancellationToken.None),
            BuiltInModels.VoiceActivity => runner.RunFile(new InferenceFile("speech.wav", "audio/wav", Speech), CancellationToken.None),
            ShortVoice => _catalog.Find(BuiltInModels.VoiceActivity)!.Runner!.RunFile(new InferenceFile("short.wav", "audio/wav", ShortSpeech), CancellationToken.None),
            BuiltInModels.VitalSigns => runner.RunJson(new JsonObject { ["readings"] = new JsonArray(Vitals.DeepClone()) }, CancellationToken.None),
            _ => runner.RunJson(new JsonObject { ["readings"] = new JsonArray(Grid.DeepClone()) }, CancellationToken.None),
        };
    }

    /// <summary>One request through the gateway; returns the model's own time from the Server-Timing header, in ms.</summary>
    public async Task<double> ThroughGatewayAsync(string model) => (await TimedThroughGatewayAsync(model)).Inference;

    /// <summary>One request through the gateway, with the model's time and the body-reading time the gateway reports, in ms.</summary>
    public async Task<(double Inference, double Read)> TimedThroughGatewayAsync(string model)
    {
        using HttpContent content = model switch
        {
            BuiltInModels.LabelReader => FileContent(Label, "label.png", "image/png"),
            BuiltInModels.VoiceActivity => FileContent(Speech, "speech.wav", "audio/wav"),
            ShortVoice => FileContent(ShortSpeech, "short.wav", "audio/wav"),
            BuiltInModels.VitalSigns => new StringContent(new JsonObject { ["readings"] = new JsonArray(Vitals.DeepClone()) }.ToJsonString(), Encoding.UTF8, "application/json"),
            _ => new StringContent(new JsonObject { ["readings"] = new JsonArray(Grid.DeepClone()) }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        using var response = await _client.PostAsync($"/models/{(model == ShortVoice ? BuiltInModels.VoiceActivity : model)}/infer", content);
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
        var timing = response.Headers.GetValues("Server-Timing").Single();
        var parts = timing.Split(',').Select(p => double.Parse(p[(p.IndexOf("dur=", StringComparison.Ordinal) + 4)..], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1]);
    }

    public EdgeGateway.Vad.VadRunner VoiceActivity => (EdgeGateway.Vad.VadRunner)_catalog.Find(BuiltInModels.VoiceActivity)!.Runner!;

    private static MultipartFormDataContent FileContent(byte[] bytes, string name, string type)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(type);
        return new MultipartFormDataContent { { file, "file", name } };
    }

    private static byte[] RenderLabel(string[] lines)
    {
        using var typeface = SKTypeface.FromFile("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf") ?? SKTypeface.Default;
        using var font = new SKFont(typeface, 44);
        var width = (int)lines.Max(l => font.MeasureText(l)) + 120;
        var height = (int)(44 * 1.6f) * lines.Length + 100;
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(0x8a, 0x8f, 0x94));
            using var label = new SKPaint { Color = SKColors.White, IsAntialias = true };
            canvas.DrawRoundRect(new SKRect(30, 30, width - 30, height - 30), 12, 12, label);
            using var ink = new SKPaint { Color = new SKColor(0x10, 0x10, 0x10), IsAntialias = true };
            for (var i = 0; i < lines.Length; i++)
            {
                canvas.DrawText(lines[i], 60, 50 + 44 + i * 44 * 1.6f, SKTextAlign.Left, font, ink);
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static string Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"'{relative}' was not found above {AppContext.BaseDirectory}.");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
