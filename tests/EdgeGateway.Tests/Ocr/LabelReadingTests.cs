using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using EdgeGateway.Tests.Infrastructure;

namespace EdgeGateway.Tests.Ocr;

/// <summary>Real PaddleOCR inference through the gateway on labels the test renders.</summary>
public sealed class LabelReadingTests(SharedGateway gateway)
{
    [Fact]
    public async Task Infer_RenderedSerialNumberLabel_ReadsTheTextExactly()
    {
        using var client = gateway.Server.Client();
        var png = LabelImages.Render(["SN 4821-AX7"]);

        using var response = await client.PostAsync("/models/label-reader/infer", GatewayServer.FileContent(png, "label.png", "image/png"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        var lines = body!["result"]!["lines"]!.AsArray();
        Assert.Equal(["SN 4821-AX7"], lines.Select(l => l!["text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Infer_TwoLineLabel_ReadsBothLinesTopToBottom()
    {
        using var client = gateway.Server.Client();
        var png = LabelImages.Render(["LOT 2026-118", "EXP 11/2027"]);

        using var response = await client.PostAsync("/models/label-reader/infer", GatewayServer.FileContent(png, "label.png", "image/png"), TestContext.Current.CancellationToken);

        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        Assert.Equal("LOT 2026-118\nEXP 11/2027", body!["result"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Infer_SlightlyRotatedLabel_StillReadsIt()
    {
        using var client = gateway.Server.Client();
        var png = LabelImages.Render(["SN 4821-AX7"], rotateDegrees: 6);

        using var response = await client.PostAsync("/models/label-reader/infer", GatewayServer.FileContent(png, "label.png", "image/png"), TestContext.Current.CancellationToken);

        var body = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        Assert.Equal("SN 4821-AX7", body!["result"]!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Infer_FileThatIsNotAnImage_Returns400SayingSo()
    {
        using var client = gateway.Server.Client();

        using var response = await client.PostAsync("/models/label-reader/infer",
            GatewayServer.FileContent("not a picture"u8.ToArray(), "label.png", "image/png"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not an image", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
