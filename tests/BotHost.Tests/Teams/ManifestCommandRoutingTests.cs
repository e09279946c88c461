using BotHost.Teams;
using BotHost.Tests.DirectLine;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.People;

namespace BotHost.Tests.Teams;

/// <summary>
/// The commands the Teams manifest offers are sent to the bot as text: each must reach its capability.
/// A command whose capability is not on this branch yet is skipped with a message.
/// </summary>
public sealed class ManifestCommandRoutingTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    public static TheoryData<string, string, string, Role> Commands() => new()
    {
        { "ask", "ask how long is a deal registration protected?", "Knowledge", Role.PartnerUser },
        { "register deal", "register deal for Contoso Manufacturing, Azure migration, 120000 dollars", "Deals", Role.PartnerUser },
        { "my deals", "my deals", "Deals", Role.PartnerUser },
        { "score deal", "score deal DR-1042", "Prediction", Role.SalesRep },
        { "gateways", "gateways", "Edge", Role.SalesRep },
        { "help", "help", "Help", Role.PartnerUser },
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task ManifestCommand_SentAsText_RoutesToItsCapability(string command, string text, string plugin, Role role)
    {
        var manifest = TeamsAppPackage.BuildManifest(await File.ReadAllTextAsync(TeamsAppPackage.FindTemplate(), TestContext.Current.CancellationToken), Guid.NewGuid().ToString(), "example.com");
        var titles = manifest["bots"]![0]!["commandLists"]![0]!["commands"]!.AsArray().Select(c => c!["title"]!.GetValue<string>());
        Assert.Contains(command, titles);
        var catalog = fixture.Host.Services.GetRequiredService<IntentCatalog>();
        if (!catalog.ById.Values.Any(i => i.Plugin == plugin))
        {
            Assert.Skip($"The manifest command '{command}' belongs to the {plugin} capability, which is not on this branch yet.");
        }

        var decision = await fixture.Host.Services.GetRequiredService<IntentRouter>().RouteAsync(text, role, TestContext.Current.CancellationToken);

        Assert.True(decision.Kind == RouteKind.Run && decision.Intent!.Plugin == plugin,
            $"'{text}' should run a {plugin} intent, but the router decided {decision.Kind} {decision.Intent?.Id} ({decision.Score:F2}); candidates: {string.Join(", ", decision.Candidates.Select(c => c.Intent.Id))}");
    }
}
