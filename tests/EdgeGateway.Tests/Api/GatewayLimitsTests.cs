using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Tests.Infrastructure;

namespace EdgeGateway.Tests.Api;

/// <summary>Gateways of their own, configured tight, to show the limits and failure modes.</summary>
public sealed class GatewayLimitsTests(SharedGateway gateway)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Infer_WhenEverySlotAndQueuePlaceIsTaken_Returns429AndTheOthersFinish()
    {
        using var folder = new TempFolder("edge-busy");
        TempFolders.CopyModel(gateway.ModelsFolder, "voice-activity", folder);
        await using var server = await GatewayServer.StartAsync(folder, new Dictionary<string, string?>
        {
            ["EdgeGateway:BuiltInModels"] = "",
            ["EdgeGateway:MaxConcurrentInferences"] = "1",
            ["EdgeGateway:QueueLimit"] = "1",
        });
        using var client = server.Client();
        var release = new TaskCompletionSource();
        var wav = Wav.Pcm16(new float[16_000], 16_000);

        // Two requests whose bodies stall: one holds the only slot, the other the only queue place.
        var first = client.PostAsync("/models/voice-activity/infer", await StalledBody.CreateAsync(wav, release.Task), Token);
        var second = client.PostAsync("/models/voice-activity/infer", await StalledBody.CreateAsync(wav, release.Task), Token);
        await WaitForAsync(client, running: 1, queued: 1);

        using var third = await client.PostAsync("/models/voice-activity/infer", GatewayServer.FileContent(wav, "clip.wav", "audio/wav"), Token);
        release.SetResult();

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("1", third.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second).StatusCode);
    }

    [Fact]
    public async Task Infer_BodyLargerThanTheLimit_Returns413()
    {
        using var folder = new TempFolder("edge-small");
        TempFolders.CopyModel(gateway.ModelsFolder, "voice-activity", folder);
        await using var server = await GatewayServer.StartAsync(folder, new Dictionary<string, string?>
        {
            ["EdgeGateway:BuiltInModels"] = "",
            ["EdgeGateway:MaxRequestBytes"] = "65536",
        });
        using var client = server.Client();

        using var response = await client.PostAsync("/models/voice-activity/infer",
            GatewayServer.FileContent(Wav.Pcm16(new float[16_000 * 5], 16_000), "clip.wav", "audio/wav"), Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    /// <summary>The limit counts bytes read: a JSON body sent chunked (no length announced) is cut off the same way.</summary>
    [Fact]
    public async Task Infer_ChunkedBodyLargerThanTheLimit_Returns413()
    {
        using var folder = new TempFolder("edge-chunked");
        TempFolders.CopyModel(gateway.ModelsFolder, "voice-activity", folder);
        await using var server = await GatewayServer.StartAsync(folder, new Dictionary<string, string?>
        {
            ["EdgeGateway:BuiltInModels"] = "",
            ["EdgeGateway:MaxRequestBytes"] = "65536",
        });
        using var client = server.Client();
        var body = System.Text.Encoding.UTF8.GetBytes(new JsonObject { ["samples"] = new string('1', 120 * 1024) }.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/models/voice-activity/infer") { Content = new UnknownLengthContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than this gateway accepts", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Infer_ImageWithMorePixelsThanAllowed_Returns413BeforeDecoding()
    {
        using var folder = new TempFolder("edge-pixels");
        TempFolders.CopyModel(gateway.ModelsFolder, "label-reader", folder);
        await using var server = await GatewayServer.StartAsync(folder, new Dictionary<string, string?>
        {
            ["EdgeGateway:BuiltInModels"] = "",
            ["EdgeGateway:MaxImagePixels"] = "20000",
        });
        using var client = server.Client();
        var png = LabelImages.Render(["SN 4821-AX7"]);

        using var response = await client.PostAsync("/models/label-reader/infer", GatewayServer.FileContent(png, "label.png", "image/png"), Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most 20,000 pixels", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Start_WithACorruptModelFile_ReportsThatModelUnavailableAndServesTheOthers()
    {
        using var folder = new TempFolder("edge-corrupt");
        TempFolders.CopyModel(gateway.ModelsFolder, "voice-activity", folder);
        TempFolders.CopyModel(gateway.ModelsFolder, "vital-signs-anomaly", folder);
        await File.WriteAllBytesAsync(Path.Combine(folder.Path, "vital-signs-anomaly", "model.onnx"), "this is not a model"u8.ToArray(), Token);
        await using var server = await GatewayServer.StartAsync(folder, new Dictionary<string, string?> { ["EdgeGateway:BuiltInModels"] = "" });
        using var client = server.Client();

        var health = await client.GetFromJsonAsync<JsonObject>("/health", Token);
        var broken = health!["models"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "vital-signs-anomaly")!;
        using var refused = await client.PostAsync("/models/vital-signs-anomaly/infer", JsonContent.Create(new { heartRate = 80 }), Token);
        using var served = await client.PostAsync("/models/voice-activity/infer", GatewayServer.FileContent(Wav.Pcm16(new float[16_000], 16_000), "clip.wav", "audio/wav"), Token);

        Assert.Equal("Degraded", health["status"]!.GetValue<string>());
        Assert.Equal("unavailable", broken["status"]!.GetValue<string>());
        Assert.Contains("cannot load 'model.onnx'", broken["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Fact]
    public async Task Start_WithAManifestThatDoesNotMatchTheFile_ReportsTheMismatch()
    {
        using var folder = new TempFolder("edge-mismatch");
        TempFolders.CopyModel(gateway.ModelsFolder, "voice-activity", folder);
        var manifestPath = Path.Combine(folder.Path, "voice-activity", "manifest.json");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath, Token))!;
        manifest["networks"]![0]!["inputs"]![1]!["shape"] = new JsonArray(2, "batch", 64);
        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString(), Token);
        await using var server = await GatewayServer.StartAsync(folder, new Dictionary<string, string?> { ["EdgeGateway:BuiltInModels"] = "" });
        using var client = server.Client();

        var model = await client.GetFromJsonAsync<JsonObject>("/models/voice-activity", Token);

        Assert.Equal("unavailable", model!["status"]!.GetValue<string>());
        Assert.Equal("The manifest declares input 'state' with shape [2, batch, 64]; 'silero_vad_v5.onnx' has [2, ?, 128].", model["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Models_WithoutConfiguredKey_ServesLoopbackClients()
    {
        using var folder = new TempFolder("edge-dev");
        TempFolders.CopyModel(gateway.ModelsFolder, "voice-activity", folder);
        await using var server = await GatewayServer.StartAsync(folder, new Dictionary<string, string?> { ["EdgeGateway:BuiltInModels"] = "" }, apiKey: "");
        using var client = server.Client(apiKey: null);

        using var response = await client.GetAsync("/models", Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task WaitForAsync(HttpClient client, int running, int queued)
    {
        for (var attempt = 0; attempt < 400; attempt++)
        {
            var health = await client.GetFromJsonAsync<JsonObject>("/health", Token);
            var inference = health!["inference"]!;
            if (inference["running"]!.GetValue<int>() == running && inference["queued"]!.GetValue<int>() == queued)
            {
                return;
            }

            await Task.Delay(25, Token);
        }

        Assert.Fail($"The gateway never had {running} running and {queued} queued.");
    }

    /// <summary>A multipart body that sends its first bytes, then waits for <c>release</c> before the rest.</summary>
    private sealed class StalledBody(byte[] body, Task release) : HttpContent
    {
        public static async Task<StalledBody> CreateAsync(byte[] wav, Task release)
        {
            using var form = GatewayServer.FileContent(wav, "clip.wav", "audio/wav");
            var content = new StalledBody(await form.ReadAsByteArrayAsync(Token), release);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(form.Headers.ContentType!.ToString());
            return content;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, 32));
            await stream.FlushAsync();
            await release;
            await stream.WriteAsync(body.AsMemory(32));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}

/// <summary>A body of unknown length, so HttpClient sends it with Transfer-Encoding: chunked.</summary>
internal sealed class UnknownLengthContent(byte[] bytes) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
