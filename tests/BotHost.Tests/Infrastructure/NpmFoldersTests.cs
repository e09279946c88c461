using System.Text.Json.Nodes;

namespace BotHost.Tests.Infrastructure;

/// <summary>
/// Every npm folder the product or the tests read is installed by the build, before any test runs,
/// exactly as its committed lock file says (so no test depends on what some npm cache held).
/// </summary>
public sealed class NpmFoldersTests
{
    public static TheoryData<string> Folders => new() { "root", "peers", "validators" };

    [Theory]
    [MemberData(nameof(Folders))]
    public void Build_InstalledTheFolder_AsItsLockFileSays(string name)
    {
        var folder = name switch { "root" => NpmFolders.Root, "peers" => NpmFolders.Peers, _ => NpmFolders.Validators };

        NpmFolders.RequireInstalled(folder);
        var locked = Packages(Path.Combine(folder, "package-lock.json"));
        var installed = Packages(Path.Combine(folder, "node_modules", ".package-lock.json"));

        var missing = locked.Where(p => !installed.TryGetValue(p.Key, out var version) || version != p.Value)
            .Select(p => $"{p.Key}@{p.Value}").ToList();
        Assert.True(missing.Count == 0, $"{folder}: not installed as locked: {string.Join(", ", missing.Take(20))}");
    }

    [Fact]
    public void RequireInstalled_FolderWithoutPackages_NamesTheFolderAndTheBuildStep()
    {
        var empty = Directory.CreateTempSubdirectory("pa-npm-").FullName;
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => NpmFolders.RequireInstalled(empty));

            Assert.Contains(empty, error.Message);
            Assert.Contains("dotnet build", error.Message);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    // Optional packages for other platforms are in the lock file but not installed: compare the rest.
    private static Dictionary<string, string> Packages(string lockFile) =>
        JsonNode.Parse(File.ReadAllText(lockFile))!["packages"]!.AsObject()
            .Where(p => p.Key.StartsWith("node_modules/", StringComparison.Ordinal) && p.Value?["optional"]?.GetValue<bool>() != true)
            .ToDictionary(p => p.Key, p => p.Value?["version"]?.GetValue<string>() ?? "");
}
