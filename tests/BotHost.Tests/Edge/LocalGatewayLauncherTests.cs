using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Edge;

/// <summary>In local development mode the host starts its local edge gateway, and stops it with itself.</summary>
public sealed class LocalGatewayLauncherTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_InLocalDevelopmentModeWithNothingListening_StartsTheGatewayAndStopsItWithTheHost()
    {
        var url = $"http://127.0.0.1:{BotHostInstance.FreePort()}";
        using var client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(5) };
        string? status = null;
        var host = await BotHostInstance.StartAsync(new Dictionary<string, string?>
        {
            ["Edge:StartLocalGateway"] = "true",
            ["Edge:Gateways:0:Name"] = "local",
            ["Edge:Gateways:0:Url"] = url,
        });
        try
        {
            for (var attempt = 0; attempt < 1200 && status is null; attempt++)
            {
                try
                {
                    status = (await client.GetFromJsonAsync<JsonObject>("/health", Token))?["status"]?.GetValue<string>();
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100, Token);
                }
            }
        }
        finally
        {
            await host.DisposeAsync();
        }

        var stillAnswering = true;
        try
        {
            await client.GetAsync("/health", Token);
        }
        catch (HttpRequestException)
        {
            stillAnswering = false;
        }

        Assert.Equal("Healthy", status);
        Assert.False(stillAnswering, "the gateway should stop with the host");
    }
}
