using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation;

namespace BotHost.Tests.Infrastructure;

/// <summary>A test channel and the real host in authenticated mode pointed at it, shared by a test class.
/// Tests keep apart by using their own conversation ids.</summary>
public sealed class AuthenticatedHostFixture : IAsyncLifetime
{
    public TestChannel Channel { get; private set; } = null!;
    public BotHostInstance Host { get; private set; } = null!;
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Channel = await TestChannel.StartAsync();
        var settings = Channel.BotSettings();
        settings["Prompts:Folder"] = TestPrompts.CreateFolder();
        settings["Bot:TypingDelay"] = "00:00:00.200";
        settings["Bot:TrustedCallerAppIds:0"] = TestChannel.SkillCallerApp;
        Host = await BotHostInstance.StartAsync(settings, builder => builder.Services.AddAssistantPlugin<TroublePlugin>("Trouble"));
        Client = Host.CreateClient();
    }

    /// <summary>Connector calls the bot made into one conversation.</summary>
    public IReadOnlyList<ConnectorCall> CallsIn(string conversation) =>
        Channel.Calls.Where(c => c.Path.Contains($"/v3/conversations/{conversation}", StringComparison.Ordinal)).ToList();

    public IReadOnlyList<ConnectorCall> DeliveredIn(string conversation) =>
        CallsIn(conversation).Where(c => c.Status < 300 && c.Activity is not null).ToList();

    /// <summary>What the host stored about a conversation: state rows, conversation references, re-delivery (dedup) rows.</summary>
    public async Task<(int States, int References, int Processed)> StoredAboutAsync(string conversation)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConversationDbContext>();
        var states = await db.States.CountAsync(s => s.Key.Contains(conversation));
        var references = await db.References.CountAsync(r => r.ConversationId == conversation);
        var processed = await db.ProcessedActivities.CountAsync(p => p.Key.Contains(conversation));
        return (states, references, processed);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Host.DisposeAsync();
        await Channel.DisposeAsync();
    }
}
