using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PartnerAssistant.Edge;

namespace BotHost.Tests.Edge;

/// <summary>The bot's gateway client against a gateway that is down, then back: its circuit breaker opens and closes.</summary>
public sealed class EdgeGatewayClientTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetHealth_GatewayDownThenBack_BreakerOpensAfterThreeFailuresAndClosesAfterTheBreak()
    {
        var port = BotHostInstance.FreePort();
        var gateway = new EdgeGatewayEndpoint { Name = "clinic-2", Site = "Riverside clinic", Url = $"http://127.0.0.1:{port}", ApiKey = EdgeGatewayProcess.ApiKey };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var client = new EdgeGatewayClient(services.GetRequiredService<IHttpClientFactory>(),
            Options.Create(new EdgeOptions { Gateways = [gateway], BreakerFailures = 3, BreakerOpenFor = TimeSpan.FromSeconds(30) }),
            time, NullLogger<EdgeGatewayClient>.Instance);

        var failures = new List<EdgeGatewayException>();
        for (var i = 0; i < 3; i++)
        {
            failures.Add(await Assert.ThrowsAsync<EdgeGatewayException>(() => client.GetHealthAsync(gateway, Token)));
        }

        await using var process = await EdgeGatewayProcess.StartAsync("voice-activity", port);
        var paused = await Assert.ThrowsAsync<EdgeGatewayException>(() => client.GetHealthAsync(gateway, Token));
        var stateWhilePaused = client.BreakerFor(gateway).State;
        time.Advance(TimeSpan.FromSeconds(31));
        var health = await client.GetHealthAsync(gateway, Token);

        Assert.All(failures, f => Assert.Equal("clinic-2 (Riverside clinic) is not answering (connection refused).", f.Message));
        Assert.Equal(GatewayFailure.Paused, paused.Failure);
        Assert.Equal("clinic-2 (Riverside clinic) is not answering (connection refused). I've paused calls to it and will try again in 30 s.", paused.Message);
        Assert.Equal(BreakerState.Open, stateWhilePaused);
        Assert.Equal("Healthy", health.Status);
        Assert.Equal(BreakerState.Closed, client.BreakerFor(gateway).State);
    }

    [Fact]
    public async Task Infer_WithTheWrongKey_SaysTheKeyIsRefusedAndKeepsTheBreakerClosed()
    {
        await using var process = await EdgeGatewayProcess.StartAsync("voice-activity");
        var gateway = new EdgeGatewayEndpoint { Name = "store-12", Url = process.Url, ApiKey = "not-the-key" };
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var client = new EdgeGatewayClient(services.GetRequiredService<IHttpClientFactory>(), Options.Create(new EdgeOptions { Gateways = [gateway] }),
            TimeProvider.System, NullLogger<EdgeGatewayClient>.Instance);

        var refused = await Assert.ThrowsAsync<EdgeGatewayException>(() => client.ListModelsAsync(gateway, Token));

        Assert.Equal(GatewayFailure.Unauthorized, refused.Failure);
        Assert.Contains("refused my API key", refused.Message);
        Assert.Equal(BreakerState.Closed, client.BreakerFor(gateway).State);
    }
}
