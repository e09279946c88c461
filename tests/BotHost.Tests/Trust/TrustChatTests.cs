using BotHost.Tests.DirectLine;
using BotHost.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.People;

namespace BotHost.Tests.Trust;

/// <summary>Trusted data in Web Chat: asking what is held, asking about someone else, and a channel manager's erasure after a "yes".</summary>
public sealed class TrustChatTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_PartnersAskingAboutOthersOrToErase_AreToldWhoCan_AndNothingIsErased()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var http = host.CreateClient();
        var priya = await DirectLineClient.StartAsync(http, "demo-partner");
        var tom = await DirectLineClient.StartAsync(http, "demo-partner-admin");
        await priya.PollAsync();
        await tom.PollAsync();

        await priya.SayAsync("please delete my personal information");
        var erase = Text(await priya.BotMessagesSinceLastPollAsync());
        await priya.SayAsync("what data do you hold about Lukas Meyer?");
        var other = Text(await priya.BotMessagesSinceLastPollAsync());
        await tom.SayAsync("what data do you hold about Lukas Meyer?");
        var outside = Text(await tom.BotMessagesSinceLastPollAsync());
        await tom.SayAsync("what data do you hold about Priya Patel?");
        var own = await tom.BotMessagesSinceLastPollAsync();

        Assert.StartsWith("Only a Northbeam channel manager can erase someone's data", erase);
        Assert.Equal("You can ask for your own data only. A Northbeam channel manager can help with anyone else's.", other);
        Assert.Equal("I can't find Lukas Meyer among Bluewave Solutions' people. Partner administrators can ask about their own organisation's people only.", outside);
        Assert.Contains(own, m => m.ToJsonString().Contains("What Partner Assistant holds about Priya Patel", StringComparison.Ordinal));
        Assert.NotNull(await host.Services.GetRequiredService<DirectoryService>().FindByPersonIdAsync("priya-patel", Ct));
    }

    [Fact]
    public async Task Chat_ChannelManagerErasesSomeone_SeesWhatIsHeldFirst_AndOnlyAYesErases()
    {
        await using var host = await BotHostInstance.StartAsync();
        using var http = host.CreateClient();
        var maya = await DirectLineClient.StartAsync(http, "demo-manager");
        await maya.PollAsync();

        await maya.SayAsync("erase Lukas Meyer's personal data");
        var preview = await maya.BotMessagesSinceLastPollAsync();
        var stillThere = await host.Services.GetRequiredService<DirectoryService>().FindByPersonIdAsync("lukas-meyer", Ct);
        await maya.SayAsync("yes");
        var done = Text(await maya.BotMessagesSinceLastPollAsync());

        Assert.Contains(preview, m => m["text"]!.GetValue<string>().Contains("records about **Lukas Meyer** (Keystone Integration Group)", StringComparison.Ordinal));
        Assert.Contains(preview, m => m.ToJsonString().Contains("Please confirm: erase everything held about Lukas Meyer (lukas-meyer)", StringComparison.Ordinal));
        Assert.NotNull(stillThere);
        Assert.StartsWith("Done: erasure #1. Erased on ", done);
        Assert.Contains("now read \"former partner user #1\"", done);
        Assert.Null(await host.Services.GetRequiredService<DirectoryService>().FindByPersonIdAsync("lukas-meyer", Ct));
    }

    private static string Text(IReadOnlyList<System.Text.Json.Nodes.JsonObject> messages) => messages.Last()["text"]!.GetValue<string>();
}
