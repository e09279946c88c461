using System.Collections.Concurrent;
using BotHost.Tests.Infrastructure;
using BotHost.WebChat;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace BotHost.Tests.EndToEnd;

/// <summary>
/// The host's pages under their Content-Security-Policy in headless Chromium: the Web Chat page chats (a language
/// model's image is removed before it reaches the page) and the dashboard draws, with no violation of the policy;
/// and an image that got onto the page anyway cannot load from another origin.
/// </summary>
public sealed class ContentSecurityPolicyTests : IAsyncLifetime
{
    // Records what the page reports as blocked, from the first script on.
    private const string ViolationRecorder =
        "window.__violations = []; document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));";

    private FakeChatModelServer _model = null!;
    private WebApplication _elsewhere = null!;
    private readonly ConcurrentQueue<string> _fetchedElsewhere = new();
    private Uri _elsewhereAddress = null!;

    public async ValueTask InitializeAsync()
    {
        _model = await FakeChatModelServer.StartAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _elsewhere = builder.Build();
        _elsewhere.MapGet("/{**path}", (HttpRequest request) =>
        {
            _fetchedElsewhere.Enqueue(request.Path + request.QueryString);
            return Results.Bytes(Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="), "image/png");
        });
        await _elsewhere.StartAsync();
        _elsewhereAddress = new Uri(_elsewhere.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync()
    {
        await _elsewhere.StopAsync();
        await _elsewhere.DisposeAsync();
        await _model.DisposeAsync();
    }

    [Fact]
    public async Task WebChatPage_ChatsUnderItsPolicy_NothingItNeedsIsBlocked_AndAnImageFromElsewhereCannotLoad()
    {
        if (HeadlessChromium.Missing() is { } missing)
        {
            Assert.Skip(missing);
        }

        await using var host = await BotHostInstance.StartAsync(_model.Settings());
        await using var browser = await HeadlessChromium.LaunchAsync();
        _model.Reply($"Here you are ![status]({_elsewhereAddress}leak.png?d=DR-1042) <img src=\"{_elsewhereAddress}html.png\"> all done.");
        using var client = host.CreateClient();
        var header = (await client.GetAsync("/", TestContext.Current.CancellationToken)).Headers.GetValues(ContentSecurityPolicy.Header).Single();
        var page = await browser.Context.NewPageAsync();
        await page.AddInitScriptAsync(ViolationRecorder);

        await page.GotoAsync(new Uri(host.BaseAddress, "/").ToString());
        await page.Locator("#person").SelectOptionAsync("demo-partner");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start chat" }).ClickAsync();
        await Bubble(page, "Hi Priya!").WaitForAsync();
        var input = page.GetByRole(AriaRole.Textbox, new() { Name = "Message input box" });
        await input.FillAsync("anything new for me?");
        await input.PressAsync("Enter");
        await Bubble(page, "Here you are status all done.").WaitForAsync();
        await HeadlessChromium.ScreenshotAsync(page, "csp-webchat");
        var whileChatting = await ViolationsAsync(page);
        var fetchedWhileChatting = _fetchedElsewhere.Count;

        // Suppose an image got past every sanitiser onto the page: the policy still stops it loading.
        await page.EvaluateAsync($"() => {{ const img = document.createElement('img'); img.src = '{_elsewhereAddress}injected.png'; document.body.appendChild(img); }}");
        await page.WaitForFunctionAsync("() => window.__violations.length > 0");
        var afterInjection = await ViolationsAsync(page);

        Assert.Equal(ContentSecurityPolicy.Policy, header);
        Assert.Empty(whileChatting);
        Assert.Equal(0, fetchedWhileChatting);
        Assert.Contains(afterInjection, v => v.StartsWith("img-src", StringComparison.Ordinal) && v.Contains("injected.png", StringComparison.Ordinal));
        Assert.Empty(_fetchedElsewhere);
    }

    [Fact]
    public async Task Dashboard_DrawsUnderItsPolicy_NothingItNeedsIsBlocked()
    {
        if (HeadlessChromium.Missing() is { } missing)
        {
            Assert.Skip(missing);
        }

        await using var host = await BotHostInstance.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        await page.AddInitScriptAsync(ViolationRecorder);

        var response = await page.GotoAsync(new Uri(host.BaseAddress, "/dashboard").ToString());
        await page.WaitForSelectorAsync("body[data-state=ready]");
        var bars = await page.Locator("#chart-monthly svg rect").CountAsync();

        Assert.Equal(ContentSecurityPolicy.Policy, await response!.HeaderValueAsync(ContentSecurityPolicy.Header));
        Assert.True(bars > 0, "the monthly chart has no bars");
        Assert.Empty(await ViolationsAsync(page));
    }

    private static ILocator Bubble(IPage page, string text) =>
        page.Locator(".webchat__basic-transcript__activity").Filter(new() { HasText = text }).Last;

    private static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page) => await page.EvaluateAsync<string[]>("() => window.__violations");
}
