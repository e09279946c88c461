using BotHost.Tests.EndToEnd;
using BotHost.Tests.Infrastructure;
using Microsoft.Playwright;
using PartnerAssistant.Hosting;

namespace BotHost.Tests.PartnerProgram;

/// <summary>
/// The program dashboard at <c>/dashboard</c> in headless Chromium over the demo program: figures load, charts are drawn,
/// filters change what is shown, and nothing is requested from anywhere but the host. Leaves a screenshot with the
/// other end-to-end ones (<c>artifacts/test-results/screenshots/</c>); with <c>PA_UPDATE_DOC_SCREENSHOTS=1</c> it also
/// replaces <c>docs/screenshots/dashboard.png</c>, which an ordinary run leaves alone so the working tree stays clean.
/// </summary>
public sealed class DashboardEndToEndTests
{
    [Fact]
    public async Task Dashboard_DemoProgram_DrawsChartsAndFiltersByTier()
    {
        if (HeadlessChromium.Missing() is { } missing)
        {
            Assert.Skip(missing);
        }

        await using var host = await BotHostInstance.StartAsync();
        await using var browser = await HeadlessChromium.LaunchAsync();
        var page = await browser.Context.NewPageAsync();
        await page.SetViewportSizeAsync(1280, 1400);
        var foreign = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(host.BaseAddress.ToString(), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
            {
                foreign.Add(request.Url);
            }
        };

        await page.GotoAsync(new Uri(host.BaseAddress, "/dashboard").ToString());
        await page.Locator("#period").SelectOptionAsync("last-12-months");
        await page.WaitForSelectorAsync("body[data-state=ready]");
        await Assertions.Expect(page.Locator("#scope")).ToContainTextAsync("program · 7 partners");
        var influenced = await page.Locator(".tile[data-metric='Partner-influenced revenue'] .value").InnerTextAsync();
        var monthlyBars = await page.Locator("#chart-monthly svg rect").CountAsync();
        var typeBars = await page.Locator("#chart-ropi svg rect").CountAsync();
        var psatPoints = await page.Locator("#chart-psat-trend svg circle").CountAsync();
        var statusBars = await page.Locator("#chart-registrations svg rect").CountAsync();
        var csvLink = await page.Locator("#csv").GetAttributeAsync("href");
        if (Environment.GetEnvironmentVariable("PA_UPDATE_DOC_SCREENSHOTS") == "1")
        {
            var screenshot = Path.Combine(Path.GetDirectoryName(AssetLocator.Find("BotHost.sln")!)!, "docs", "screenshots", "dashboard.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        }

        await HeadlessChromium.ScreenshotAsync(page, "dashboard");

        await page.Locator("#tier").SelectOptionAsync("Gold");
        await Assertions.Expect(page.Locator("#scope")).ToContainTextAsync("filtered partners · 2 partners");
        var goldTypes = await page.Locator("#chart-ropi svg rect").CountAsync();

        Assert.StartsWith("$", influenced);
        Assert.Equal(36, monthlyBars);
        Assert.Equal(6, typeBars);
        Assert.True(psatPoints >= 3, $"{psatPoints} PSAT points drawn");
        Assert.True(statusBars >= 5, $"{statusBars} status bars drawn");
        Assert.Contains("format=csv", csvLink);
        Assert.Contains("tier=", await page.Locator("#csv").GetAttributeAsync("href") ?? "");
        Assert.Equal(2, goldTypes);
        Assert.Empty(foreign);
    }
}
