using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using EdgeGateway.Tests.Infrastructure;

namespace EdgeGateway.Tests.Api;

/// <summary>The gateway's HTTP contract: keys, listings, raw tensors, limits, broken models.</summary>
public sealed class GatewayApiTests(SharedGateway gateway)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Models_WithoutApiKey_Returns401()
    {
        using var client = gateway.Server.Client(apiKey: null);

        using var response = await client.GetAsync("/models", Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("X-Api-Key", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Infer_WithWrongApiKey_Returns401()
    {
        using var client = gateway.Server.Client(apiKey: "not-the-key");

        using var response = await client.PostAsync("/models/voice-activity/infer",
            GatewayServer.FileContent(Wav.Pcm16(new float[1600], 16_000), "clip.wav", "audio/wav"), Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Health_WithoutApiKey_AnswersWithEveryModelsStatus()
    {
        using var client = gateway.Server.Client(apiKey: null);

        var health = await client.GetFromJsonAsync<JsonObject>("/health", Token);

        Assert.Equal("Healthy", health!["status"]!.GetValue<string>());
        var models = health["models"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["grid-fault", "label-reader", "vital-signs-anomaly", "voice-activity"], models);
    }

    [Fact]
    public async Task Models_WithApiKey_ListsTheBuiltInModelsWithTheirTasks()
    {
        using var client = gateway.Server.Client();

        var body = await client.GetFromJsonAsync<JsonObject>("/models", Token);

        var tasks = body!["models"]!.AsArray().ToDictionary(m => m!["name"]!.GetValue<string>(), m => m!["task"]!.GetValue<string>());
        Assert.Equal("ocr", tasks["label-reader"]);
        Assert.Equal("vad", tasks["voice-activity"]);
        Assert.Equal("telemetry-anomaly", tasks["vital-signs-anomaly"]);
        Assert.Equal("telemetry-classifier", tasks["grid-fault"]);
    }

    [Fact]
    public async Task Model_Described_ShowsDeclaredInputsAndProcessingSettings()
    {
        using var client = gateway.Server.Client();

        var body = await client.GetFromJsonAsync<JsonObject>("/models/voice-activity", Token);

        var inputs = body!["networks"]![0]!["inputs"]!.AsArray().Select(i => i!["name"]!.GetValue<string>());
        Assert.Equal(["input", "state", "sr"], inputs);
        Assert.Equal(512, body["preprocessing"]!["windowSamples"]!.GetValue<int>());
    }

    [Fact]
    public async Task Infer_UnknownModel_Returns404NamingTheModelsServed()
    {
        using var client = gateway.Server.Client();

        using var response = await client.PostAsync("/models/no-such-model/infer", JsonContent.Create(new { }), Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("voice-activity", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Infer_RawTensorsForVad_ReturnsTheNetworksOutputs()
    {
        using var client = gateway.Server.Client();
        var request = VadTensors(stateShape: [2, 1, 128]);

        using var response = await client.PostAsync("/models/voice-activity/infer", JsonContent.Create(request), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outputs = (await response.Content.ReadFromJsonAsync<JsonObject>(Token))!["result"]!["outputs"]!;
        Assert.Equal([1, 1], outputs["output"]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()));
        Assert.Equal([2, 1, 128], outputs["stateN"]!["shape"]!.AsArray().Select(d => d!.GetValue<int>()));
        Assert.InRange(outputs["output"]!["data"]![0]!.GetValue<float>(), 0f, 1f);
    }

    [Fact]
    public async Task Infer_TensorOfWrongShape_Returns400WithTheExpectedShape()
    {
        using var client = gateway.Server.Client();
        var request = VadTensors(stateShape: [2, 1, 64]);

        using var response = await client.PostAsync("/models/voice-activity/infer", JsonContent.Create(request), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonObject>(Token))!["detail"]!.GetValue<string>();
        Assert.Equal("Input 'state' expects float32 [2, batch, 128]; got shape [2, 1, 64].", detail);
    }

    [Fact]
    public async Task Infer_TensorWithTooFewValues_Returns400CountingThem()
    {
        using var client = gateway.Server.Client();
        var request = VadTensors(stateShape: [2, 1, 128]);
        request["inputs"]!["state"]!["data"] = new JsonArray(1f, 2f, 3f);

        using var response = await client.PostAsync("/models/voice-activity/infer", JsonContent.Create(request), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("shape [2, 1, 128] holds 256 values; 'data' has 3", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Infer_MissingTensor_Returns400NamingItAndItsShape()
    {
        using var client = gateway.Server.Client();
        var request = VadTensors(stateShape: [2, 1, 128]);
        request["inputs"]!.AsObject().Remove("sr");

        using var response = await client.PostAsync("/models/voice-activity/infer", JsonContent.Create(request), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Input 'sr' (int64 []) is missing", await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task Infer_MalformedJson_Returns400()
    {
        using var client = gateway.Server.Client();

        using var response = await client.PostAsync("/models/voice-activity/infer", new StringContent("{\"inputs\": [", Encoding.UTF8, "application/json"), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Infer_ImageSentToTheVoiceModelAsJson_Returns415SayingWhatItTakes()
    {
        using var client = gateway.Server.Client();

        using var response = await client.PostAsync("/models/voice-activity/infer", JsonContent.Create(new { readings = new[] { 1 } }), Token);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("WAV", await response.Content.ReadAsStringAsync(Token));
    }

    internal static JsonObject VadTensors(int[] stateShape) => new()
    {
        ["inputs"] = new JsonObject
        {
            ["input"] = new JsonObject { ["shape"] = new JsonArray(1, 576), ["data"] = new JsonArray(Enumerable.Repeat(0.0, 576).Select(v => (JsonNode?)v).ToArray()) },
            ["state"] = new JsonObject
            {
                ["shape"] = new JsonArray(stateShape.Select(d => (JsonNode?)d).ToArray()),
                ["data"] = new JsonArray(Enumerable.Repeat(0.0, stateShape.Aggregate(1, (a, b) => a * b)).Select(v => (JsonNode?)v).ToArray()),
            },
            ["sr"] = new JsonObject { ["type"] = "int64", ["data"] = new JsonArray(16000) },
        },
    };
}
