using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Tests.Infrastructure;

namespace EdgeGateway.Tests.Api;

/// <summary>
/// A request of the wrong shape is the client's mistake: 400 with the reason, never a 500 (issue 14:
/// <c>{"network": 5, ...}</c> crashed the handler).
/// </summary>
public sealed class MalformedRequestTests(SharedGateway gateway)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> WrongFields =>
    [
        "network: 5", "network: [true]", "network: {}", "type: 5", "type: null", "shape: abc", "shape: [x]", "data: text",
        "data: [object]", "input: 7", "inputs: []",
    ];

    [Theory]
    [MemberData(nameof(WrongFields))]
    public async Task Infer_TensorRequestWithAWrongTypedField_Returns400(string field)
    {
        using var client = gateway.Server.Client();
        var request = GatewayApiTests.VadTensors(stateShape: [2, 1, 128]);
        var input = request["inputs"]!["input"]!.AsObject();
        switch (field)
        {
            case "network: 5": request["network"] = 5; break;
            case "network: [true]": request["network"] = new JsonArray(true); break;
            case "network: {}": request["network"] = new JsonObject(); break;
            case "type: 5": input["type"] = 5; break;
            case "type: null": request["inputs"]!["sr"]!["type"] = new JsonArray(); break;
            case "shape: abc": input["shape"] = "abc"; break;
            case "shape: [x]": input["shape"] = new JsonArray("x", 576); break;
            case "data: text": input["data"] = "zeros"; break;
            case "data: [object]": input["data"] = new JsonArray(new JsonObject()); break;
            case "input: 7": request["inputs"]!["input"] = 7; break;
            default: request["inputs"] = new JsonObject { ["input"] = new JsonArray() }; break;
        }

        using var response = await client.PostAsync("/models/voice-activity/infer", JsonContent.Create(request), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty((await response.Content.ReadFromJsonAsync<JsonObject>(Token))!["detail"]!.GetValue<string>());
    }

    /// <summary>Seeded mutations of a valid tensor request and of a telemetry request: every answer is below 500.</summary>
    [Fact]
    public async Task Infer_SeededMutations_NeverAnswer5xx()
    {
        using var client = gateway.Server.Client();
        var random = new Random(1414);
        var failures = new List<string>();
        for (var i = 0; i < 400; i++)
        {
            var request = GatewayApiTests.VadTensors(stateShape: [2, 1, 128]);
            var leaves = Paths(request).Where(p => !p.EndsWith("/data/", StringComparison.Ordinal)).ToList();
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                Set(request, leaves[random.Next(leaves.Count)], RandomValue(random));
            }

            using var response = await client.PostAsync("/models/voice-activity/infer", JsonContent.Create(request), Token);
            if ((int)response.StatusCode >= 500)
            {
                failures.Add($"{(int)response.StatusCode} for {request.ToJsonString()[..Math.Min(300, request.ToJsonString().Length)]}");
            }
        }

        Assert.Empty(failures);
    }

    private static IEnumerable<string> Paths(JsonNode? node, string path = "")
    {
        yield return path;
        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj)
            {
                foreach (var inner in Paths(child, path + name + "/"))
                {
                    yield return inner;
                }
            }
        }
    }

    private static void Set(JsonObject root, string path, JsonNode? value)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            root["network"] = value;
            return;
        }

        JsonNode? parent = root;
        foreach (var part in parts[..^1])
        {
            // An earlier mutation may have replaced the object on this path.
            parent = parent is JsonObject o ? o[part] : null;
        }

        if (parent is JsonObject obj)
        {
            obj[parts[^1]] = value;
        }
    }

    private static JsonNode? RandomValue(Random random) => random.Next(9) switch
    {
        0 => null,
        1 => random.Next(-5, 5),
        2 => random.NextDouble() * 1e6,
        3 => "x",
        4 => true,
        5 => new JsonArray(),
        6 => new JsonArray("a", 1, null),
        7 => new JsonObject { ["type"] = 3 },
        _ => new JsonArray(new JsonArray(1, 2), new JsonArray(3)),
    };
}
