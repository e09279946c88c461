using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PartnerAssistant.Hosting;

namespace BotHost.Teams;

/// <summary>
/// The Teams app package: <c>manifest.json</c> (from <c>appManifest/manifest.template.json</c>, with the
/// bot's app id and the host's domain filled in) and the two icons, zipped at the root as Teams
/// expects for an upload.
/// </summary>
public static partial class TeamsAppPackage
{
    public const string ManifestFile = "manifest.json";
    public const string ColourIconFile = "color.png";
    public const string OutlineIconFile = "outline.png";
    public const string TemplatePath = "appManifest/manifest.template.json";

    /// <summary>The files of the package, in the order they are zipped.</summary>
    public static readonly IReadOnlyList<string> Files = [ManifestFile, ColourIconFile, OutlineIconFile];

    public static string FindTemplate() =>
        AssetLocator.Require(TemplatePath, "It ships beside the host (src/BotHost/appManifest).");

    /// <summary>The manifest for a bot registration: app id (a GUID), the host's public domain and the app version.</summary>
    public static JsonObject BuildManifest(string template, string appId, string domain, string version = "1.0.0")
    {
        if (!Guid.TryParse(appId, out var id))
        {
            throw new ArgumentException($"The app id must be the bot's Microsoft app id, a GUID; '{appId}' is not one.", nameof(appId));
        }

        var host = NormaliseDomain(domain);
        if (!SemVer().IsMatch(version))
        {
            throw new ArgumentException($"The app version must look like 1.0.0; '{version}' does not.", nameof(version));
        }

        var text = template
            .Replace("${{TEAMS_APP_ID}}", id.ToString("D"), StringComparison.Ordinal)
            .Replace("${{BOT_ID}}", id.ToString("D"), StringComparison.Ordinal)
            .Replace("${{DOMAIN}}", host, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(text)!.AsObject();
        manifest["version"] = version;
        return manifest;
    }

    /// <summary>Writes the zip and returns the manifest it contains.</summary>
    public static JsonObject Write(string zipPath, string appId, string domain, string version = "1.0.0")
    {
        var manifest = BuildManifest(File.ReadAllText(FindTemplate()), appId, domain, version);
        var folder = Path.GetDirectoryName(Path.GetFullPath(zipPath));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        using var stream = File.Create(zipPath);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        Add(zip, ManifestFile, JsonSerializer.SerializeToUtf8Bytes(manifest, new JsonSerializerOptions { WriteIndented = true }));
        Add(zip, ColourIconFile, TeamsAppIcons.Colour());
        Add(zip, OutlineIconFile, TeamsAppIcons.Outline());
        return manifest;
    }

    /// <summary>A host name from what people paste: scheme, path and port are dropped.</summary>
    public static string NormaliseDomain(string domain)
    {
        var value = domain.Trim();
        if (Uri.TryCreate(value.Contains("://", StringComparison.Ordinal) ? value : "https://" + value, UriKind.Absolute, out var uri) && uri.Host.Length > 0)
        {
            return uri.Host;
        }

        throw new ArgumentException($"'{domain}' is not a domain name such as partner-assistant.example.com.", nameof(domain));
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        using var stream = entry.Open();
        stream.Write(content);
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex SemVer();
}
