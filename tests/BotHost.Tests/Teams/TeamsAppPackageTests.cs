using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using BotHost.Cli;
using BotHost.Teams;
using BotHost.Tests.Infrastructure;
using NJsonSchema;

namespace BotHost.Tests.Teams;

/// <summary>The package built by <c>teams package</c>: what is in the zip, and that Teams would accept its manifest.</summary>
public sealed class TeamsAppPackageTests : IDisposable
{
    private const string AppId = "5b1f0c37-1d2e-4c55-9a0e-0a6f1c2d3e4f";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "pa-teams-" + Guid.NewGuid().ToString("N")[..8]);

    private async Task<(int ExitCode, string Zip)> PackageAsync(params string[] extra)
    {
        var zip = Path.Combine(_folder, "app.zip");
        var exitCode = await AdminCommandLine.Create().Parse(["teams", "package", "--out", zip, .. extra]).InvokeAsync(cancellationToken: TestContext.Current.CancellationToken);
        return (exitCode, zip);
    }

    private static byte[] Entry(string zip, string name)
    {
        using var archive = ZipFile.OpenRead(zip);
        using var stream = archive.GetEntry(name)!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static JsonObject Manifest(string zip) => JsonNode.Parse(Entry(zip, TeamsAppPackage.ManifestFile))!.AsObject();

    [Fact]
    public async Task Package_Command_ZipHasExactlyTheManifestAndTwoIconsAtItsRoot()
    {
        var (exitCode, zip) = await PackageAsync("--app-id", AppId, "--domain", "https://assistant.northbeam.example/api/messages");

        Assert.Equal(0, exitCode);
        using var archive = ZipFile.OpenRead(zip);
        Assert.Equal(["color.png", "manifest.json", "outline.png"], archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Package_Manifest_HasTheBotInThreeScopesWithItsCommandsAndTheSearchExtension()
    {
        var (_, zip) = await PackageAsync("--app-id", AppId, "--domain", "assistant.northbeam.example", "--app-version", "1.2.3");

        var manifest = Manifest(zip);
        Assert.Equal(AppId, manifest["id"]!.GetValue<string>());
        Assert.Equal("1.2.3", manifest["version"]!.GetValue<string>());
        Assert.True(string.CompareOrdinal(manifest["manifestVersion"]!.GetValue<string>(), "1.19") >= 0);
        var bot = manifest["bots"]![0]!;
        Assert.Equal(AppId, bot["botId"]!.GetValue<string>());
        Assert.Equal(["personal", "team", "groupChat"], bot["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        var commands = bot["commandLists"]![0]!["commands"]!.AsArray().Select(c => c!["title"]!.GetValue<string>());
        Assert.Equal(["ask", "register deal", "my deals", "score deal", "gateways", "help"], commands);
        var search = manifest["composeExtensions"]![0]!;
        Assert.Equal(AppId, search["botId"]!.GetValue<string>());
        Assert.Equal("search", search["commands"]![0]!["id"]!.GetValue<string>());
        Assert.Equal("query", search["commands"]![0]!["type"]!.GetValue<string>());
        Assert.Equal(["assistant.northbeam.example"], manifest["validDomains"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal("https://assistant.northbeam.example/privacy.html", manifest["developer"]!["privacyUrl"]!.GetValue<string>());
        Assert.DoesNotContain("${{", manifest.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Package_Icons_Are192ColourAnd32WhiteOnTransparentOutline()
    {
        var (_, zip) = await PackageAsync("--app-id", AppId);

        var colour = Decode(Entry(zip, TeamsAppPackage.ColourIconFile));
        var outline = Decode(Entry(zip, TeamsAppPackage.OutlineIconFile));

        Assert.Equal((192, 192), (colour.Width, colour.Height));
        Assert.Equal((32, 32), (outline.Width, outline.Height));
        Assert.True(colour.Pixels.Count(p => p.A == 255) > 192 * 192 / 2, "The colour icon should be mostly opaque.");
        Assert.All(outline.Pixels, p => Assert.True(p.A == 0 || (p.R == 255 && p.G == 255 && p.B == 255), $"Outline pixel {p} is neither transparent nor white."));
        Assert.Contains(outline.Pixels, p => p.A == 255);
        Assert.Contains(outline.Pixels, p => p.A == 0);
    }

    [Fact]
    public async Task Package_Manifest_ValidatesAgainstTheSharedTeamsSchema()
    {
        if (SharedSchemas.Find(SharedSchemas.TeamsManifest) is not { } schemaPath)
        {
            Assert.Skip(SharedSchemas.MissingMessage(SharedSchemas.TeamsManifest));
            return;
        }

        var (_, zip) = await PackageAsync("--app-id", AppId, "--domain", "assistant.northbeam.example");
        var schema = await JsonSchema.FromFileAsync(schemaPath, TestContext.Current.CancellationToken);

        var errors = schema.Validate(Manifest(zip).ToJsonString());

        Assert.True(errors.Count == 0, "The manifest does not validate against teams-manifest-1.29:\n" + string.Join("\n", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    [Fact]
    public async Task Package_Manifest_ValidatesWithMicrosoftsAppManifestLibrary()
    {
        if (NodeTools.MissingNode() is { } reason)
        {
            Assert.Skip(reason);
        }

        NodeTools.EnsureInstalled();
        var (_, zip) = await PackageAsync("--app-id", AppId, "--domain", "assistant.northbeam.example");
        var manifestFile = Path.Combine(_folder, "manifest.json");
        await File.WriteAllBytesAsync(manifestFile, Entry(zip, TeamsAppPackage.ManifestFile), TestContext.Current.CancellationToken);

        var (exitCode, output) = NodeTools.Run(NodeTools.Node, ["validate-manifest.mjs", manifestFile], TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 0, output);
        Assert.Equal("[]", output.Trim());
    }

    [Fact]
    public async Task Package_Validator_FindsAManifestProblem()
    {
        if (NodeTools.MissingNode() is { } reason)
        {
            Assert.Skip(reason);
        }

        NodeTools.EnsureInstalled();
        var (_, zip) = await PackageAsync("--app-id", AppId);
        var broken = Manifest(zip);
        broken["bots"]![0]!["scopes"] = new JsonArray("personal", "everywhere");
        var manifestFile = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(manifestFile, broken.ToJsonString(), TestContext.Current.CancellationToken);

        var (_, output) = NodeTools.Run(NodeTools.Node, ["validate-manifest.mjs", manifestFile], TimeSpan.FromMinutes(1));

        Assert.Contains("/bots/0/scopes/1", output);
    }

    [Fact]
    public async Task Package_NoAppIdAnywhere_ExitsWithCode2AndWritesNothing()
    {
        var previous = Environment.GetEnvironmentVariable("Bot__MicrosoftAppId");
        Environment.SetEnvironmentVariable("Bot__MicrosoftAppId", null);
        try
        {
            var (exitCode, zip) = await PackageAsync();

            Assert.Equal(2, exitCode);
            Assert.False(File.Exists(zip));
        }
        finally
        {
            Environment.SetEnvironmentVariable("Bot__MicrosoftAppId", previous);
        }
    }

    [Fact]
    public async Task Package_AppIdNotAGuid_ExitsWithCode2()
    {
        var (exitCode, zip) = await PackageAsync("--app-id", "partner-assistant");

        Assert.Equal(2, exitCode);
        Assert.False(File.Exists(zip));
    }

    private static (int Width, int Height, List<(byte R, byte G, byte B, byte A)> Pixels) Decode(byte[] png)
    {
        // Signature, then chunks; the icons are 8-bit RGBA, one IDAT, every row with filter type 0.
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        int width = 0, height = 0;
        using var idat = new MemoryStream();
        for (var offset = 8; offset < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(offset));
            var type = System.Text.Encoding.ASCII.GetString(png, offset + 4, 4);
            var data = png.AsSpan(offset + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.Equal(8, data[8]);
                Assert.Equal(6, data[9]);
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            offset += 12 + length;
        }

        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        zlib.CopyTo(raw);
        var bytes = raw.ToArray();
        Assert.Equal(height * ((width * 4) + 1), bytes.Length);
        var pixels = new List<(byte, byte, byte, byte)>();
        for (var y = 0; y < height; y++)
        {
            var row = y * ((width * 4) + 1);
            Assert.Equal(0, bytes[row]);
            for (var x = 0; x < width; x++)
            {
                var i = row + 1 + (x * 4);
                pixels.Add((bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]));
            }
        }

        return (width, height, pixels);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
