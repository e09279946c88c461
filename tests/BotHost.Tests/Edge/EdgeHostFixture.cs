using BotHost.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation;

namespace BotHost.Tests.Edge;

/// <summary>
/// A test channel, a real edge gateway process ("plant-7"), a second configured gateway where
/// nothing listens ("clinic-2"), a loopback file host for attachments, and two hosts pointed at
/// them: one that waits for results, one that acknowledges at once and sends results later.
/// </summary>
public sealed class EdgeHostFixture : IAsyncLifetime
{
    public const string Gateway = "plant-7";
    public const string DeadGateway = "clinic-2";

    public TestChannel Channel { get; private set; } = null!;
    public EdgeGatewayProcess GatewayProcess { get; private set; } = null!;
    public BotHostInstance Host { get; private set; } = null!;
    public BotHostInstance AcknowledgingHost { get; private set; } = null!;
    public WebApplication Files { get; private set; } = null!;
    public Uri FilesAddress { get; private set; } = null!;

    public static string TestData(string name) => Path.Combine(AppContext.BaseDirectory, "Edge", "TestData", name);

    public async ValueTask InitializeAsync()
    {
        Channel = await TestChannel.StartAsync();
        GatewayProcess = await EdgeGatewayProcess.StartAsync("label-reader,voice-activity,vital-signs-anomaly");
        Files = await StartFileHostAsync();
        Host = await BotHostInstance.StartAsync(Settings(acknowledgeAfter: "00:00:10"));
        AcknowledgingHost = await BotHostInstance.StartAsync(Settings(acknowledgeAfter: "00:00:00"));
    }

    public Dictionary<string, string?> Settings(string acknowledgeAfter, int? deadPort = null)
    {
        var settings = Channel.BotSettings();
        settings["Bot:TypingDelay"] = "00:00:05";
        settings["Edge:Gateways:0:Name"] = Gateway;
        settings["Edge:Gateways:0:Site"] = "Plant 7, Brno packaging line";
        settings["Edge:Gateways:0:Url"] = GatewayProcess.Url;
        settings["Edge:Gateways:0:ApiKey"] = EdgeGatewayProcess.ApiKey;
        settings["Edge:Gateways:1:Name"] = DeadGateway;
        settings["Edge:Gateways:1:Site"] = "Riverside clinic";
        settings["Edge:Gateways:1:Url"] = $"http://127.0.0.1:{deadPort ?? BotHostInstance.FreePort()}";
        settings["Edge:AcknowledgeAfter"] = acknowledgeAfter;
        return settings;
    }

    /// <summary>Connector calls that delivered an activity into one conversation.</summary>
    public IReadOnlyList<ConnectorCall> DeliveredIn(string conversation) =>
        Channel.Calls.Where(c => c.Path.Contains($"/v3/conversations/{conversation}", StringComparison.Ordinal) && c.Status < 300 && c.Activity is not null).ToList();

    /// <summary>Serves <c>Edge/TestData</c> over loopback, as a channel's file store would.</summary>
    private async Task<WebApplication> StartFileHostAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/files/{name}", (string name) => File.Exists(TestData(name))
            ? Results.File(TestData(name), name.EndsWith(".wav", StringComparison.Ordinal) ? "audio/wav" : "image/png")
            : Results.NotFound());
        await app.StartAsync();
        FilesAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        await AcknowledgingHost.DisposeAsync();
        await Host.DisposeAsync();
        await Files.DisposeAsync();
        await GatewayProcess.DisposeAsync();
        await Channel.DisposeAsync();
    }
}
