using Microsoft.Playwright;
using PartnerAssistant.Hosting;

namespace BotHost.Tests.EndToEnd;

/// <summary>
/// Debian's Chromium, headless, driven by Playwright for .NET. The flags keep it off the network
/// (no background services, updates or sync) and the profile is a fresh folder per launch.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly IPlaywright _playwright;
    private readonly string _profile;

    private HeadlessChromium(IPlaywright playwright, IBrowserContext context, string profile)
    {
        _playwright = playwright;
        Context = context;
        _profile = profile;
    }

    public IBrowserContext Context { get; }

    /// <summary>Why the browser tests cannot run here, or null.</summary>
    public static string? Missing() =>
        File.Exists(ExecutablePath) ? null : $"{ExecutablePath} is not installed (apt-get install chromium; .ci/run installs it), so the browser tests cannot run.";

    /// <summary>Where screenshots go: <c>artifacts/test-results/screenshots</c> at the repository root, beside the TRX files of .ci/run.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(
        Path.GetDirectoryName(AssetLocator.Find("BotHost.sln") ?? Path.Combine(Directory.GetCurrentDirectory(), "x"))!, "artifacts", "test-results", "screenshots");

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var profile = Path.Combine(Path.GetTempPath(), "pa-chromium-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(profile);
        var playwright = await Playwright.CreateAsync();
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
            ViewportSize = new ViewportSize { Width = 1100, Height = 900 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(30_000);
        return new HeadlessChromium(playwright, context, profile);
    }

    /// <summary>Saves a screenshot of the page as <c>{name}.png</c> in <see cref="ScreenshotFolder"/>; returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Context.CloseAsync();
        _playwright.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
