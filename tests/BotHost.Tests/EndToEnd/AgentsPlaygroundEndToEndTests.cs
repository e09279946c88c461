using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotHost.Tests.Infrastructure;
using BotHost.Tests.Peers;
using Microsoft.Playwright;

namespace BotHost.Tests.EndToEnd;

public sealed class AgentsPlaygroundSession : IAsyncLifetime
{
    public const string PlaygroundUserObjectId = "00000000-0000-0000-0000-0000000000020";

    public string? SkipReason { get; private set; }
    public BotHostInstance Host { get; private set; } = null!;
    public AgentsPlayground Playground { get; private set; } = null!;
    public HeadlessChromium Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        SkipReason = HeadlessChromium.Missing() ?? NodePeers.MissingTool();
        if (SkipReason is not null)
        {
            return;
        }

        var prompts = TestPrompts.CreateFolder();
        Showcase.AddIntents(prompts);
        Showcase.HideTestIntentsFromHelp(prompts);
        Host = await BotHostInstance.StartAsync(new Dictionary<string, string?> { ["Prompts:Folder"] = prompts }, builder =>
        {
            Showcase.Register(builder);
            PartnerAssistant.Conversation.PluginServiceCollectionExtensions.AddAssistantPlugin<TroublePlugin>(builder.Services, "Trouble");
        });
        using (var client = Host.CreateClient())
        {
            // The playground's built-in user, added as a channel manager through the admin API (open to loopback in local mode).
            var saved = await client.PutAsJsonAsync("/api/admin/directory/people/alex-wilber", new JsonObject
            {
                ["id"] = "alex-wilber",
                ["channelUserId"] = PlaygroundUserObjectId,
                ["displayName"] = "Alex Wilber",
                ["email"] = "alex.wilber@northbeam.example",
                ["organisationId"] = "northbeam",
                ["role"] = "ChannelManager",
            }, TestContext.Current.CancellationToken);
            saved.EnsureSuccessStatusCode();
        }

        Playground = await AgentsPlayground.StartAsync(Host.MessagesEndpoint, TestContext.Current.CancellationToken);
        Browser = await HeadlessChromium.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (SkipReason is null)
        {
            await Browser.DisposeAsync();
            await Playground.DisposeAsync();
            await Host.DisposeAsync();
        }
    }
}

/// <summary>
/// Microsoft 365 Agents Playground's own web UI (its Teams channel) in headless Chromium, used as a
/// Teams user would: the app is installed, the user asks, submits a card, and presses an
/// Action.Execute button whose answer replaces the card, and searches from the compose box. One page
/// walks through the steps in order.
/// </summary>
public sealed class AgentsPlaygroundEndToEndTests(AgentsPlaygroundSession session) : IClassFixture<AgentsPlaygroundSession>
{
    private static readonly float Answer = 60_000;

    private static ILocator Messages(IPage page, string text) => page.GetByRole(AriaRole.Group).Filter(new() { HasText = text });

    private static ILocator Cards(IPage page, string text) => page.Locator(".ac-adaptiveCard").Filter(new() { HasText = text });

    /// <summary>Waits for the locator; on a timeout the page is saved as a screenshot beside the others, to see what the user saw.</summary>
    private static async Task ExpectAsync(ILocator locator)
    {
        try
        {
            await locator.Last.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = Answer });
        }
        catch (TimeoutException)
        {
            await HeadlessChromium.ScreenshotAsync(locator.Page, $"playground-failed-{TestContext.Current.Test?.TestDisplayName.Split('.').Last().Split('_')[0]}-{DateTime.UtcNow:HHmmss}");
            throw;
        }
    }

    private static async Task SayAsync(IPage page, string text)
    {
        var box = page.GetByRole(AriaRole.Textbox).Last;
        await box.ClickAsync();
        await box.FillAsync(text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send Message" }).ClickAsync();
    }

    [Fact]
    public async Task Teams_InstallAskSubmitACardAndExecute_AsAUserSeesIt()
    {
        if (session.SkipReason is not null)
        {
            Assert.Skip(session.SkipReason);
        }

        var page = await session.Browser.Context.NewPageAsync();

        // 1. Opening the playground installs the app in the personal chat: the bot welcomes the user.
        await page.GotoAsync(session.Playground.Address.ToString());
        await ExpectAsync(page.GetByText("Hi Alex!"));
        await HeadlessChromium.ScreenshotAsync(page, "playground-1-installed");

        // 2. Ask.
        await SayAsync(page, "who am I?");
        await ExpectAsync(page.GetByText("channel manager at Northbeam Technologies").Last);
        await HeadlessChromium.ScreenshotAsync(page, "playground-2-ask");

        // 3. Submit a card (Action.Submit): the confirmation card of a write.
        await SayAsync(page, "write the widget record");
        var confirm = Cards(page, "Please confirm: write widget-7");
        await ExpectAsync(confirm);
        await confirm.Last.GetByRole(AriaRole.Button, new() { Name = "Yes, go ahead" }).ClickAsync();
        await ExpectAsync(page.GetByText("Written: widget-7"));
        await HeadlessChromium.ScreenshotAsync(page, "playground-3-card-submitted");

        // 4. Action.Execute: the bot's answer replaces the card in place.
        await SayAsync(page, Showcase.Utterance);
        var request = Cards(page, "waiting for approval");
        await ExpectAsync(request);
        await request.Last.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await ExpectAsync(Cards(page, "Approved by Alex Wilber"));
        await HeadlessChromium.ScreenshotAsync(page, "playground-4-execute-updated-card");
        Assert.Equal(0, await Cards(page, "waiting for approval").CountAsync());

        // The bot also updated the card's message for everyone else in the chat; the playground logs each connector call's status.
        var log = await page.GetByText("Log Panel").Locator("xpath=../..").InnerTextAsync();
        Assert.DoesNotMatch(@"message 4\d\d", log);
        Assert.Contains("invoke 200", log);

        // 5. The search message extension, from the compose box.
        await page.GetByRole(AriaRole.Button, new() { Name = "Trigger Message Extension App" }).ClickAsync();
        await page.GetByText("Search Command").ClickAsync();
        var search = page.GetByPlaceholder("Enter a search term");
        await search.FillAsync("deal registration");
        await search.PressAsync("Enter");
        await ExpectAsync(page.GetByText("Deal registration rules"));
        await ExpectAsync(page.GetByText("Deal registration extensions"));
        await HeadlessChromium.ScreenshotAsync(page, "playground-5-search");
    }
}
