using BotHost.Tests.Infrastructure;

namespace BotHost.Tests.Teams;

/// <summary>The real host in authenticated mode behind a test Bot Connector, with the showcase capability.</summary>
public sealed class TeamsHostFixture : IAsyncLifetime
{
    public TestChannel Channel { get; private set; } = null!;
    public BotHostInstance Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Channel = await TestChannel.StartAsync();
        var settings = Channel.BotSettings();
        var prompts = TestPrompts.CreateFolder();
        Showcase.AddIntents(prompts);
        settings["Prompts:Folder"] = prompts;
        Host = await BotHostInstance.StartAsync(settings, Showcase.Register);
        Client = Host.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Channel.DisposeAsync();
    }
}
