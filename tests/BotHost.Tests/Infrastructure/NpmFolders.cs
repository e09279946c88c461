using PartnerAssistant.Hosting;

namespace BotHost.Tests.Infrastructure;

/// <summary>
/// The npm folders the tests run JavaScript from. The build installs them (the EnsureNpmAssets step
/// in Directory.Build.targets) before any test runs; a test only checks that it did, so a missing
/// install fails with a message that names the folder instead of a network error from inside a test.
/// </summary>
public static class NpmFolders
{
    /// <summary>Microsoft's Bot Framework JS SDK and the M365 Agents Playground.</summary>
    public static string Peers { get; } = Locate("tests", "peers");

    /// <summary>The Adaptive Cards library and the Teams app manifest library.</summary>
    public static string Validators { get; } = Locate("tests", "validators");

    /// <summary>The repository root: model files and the Web Chat bundle the host serves.</summary>
    public static string Root { get; } = Locate();

    /// <summary>The folder, after checking its packages are installed from its lock file.</summary>
    public static string RequireInstalled(string folder)
    {
        if (!File.Exists(Path.Combine(folder, "node_modules", ".package-lock.json")))
        {
            throw new InvalidOperationException(
                $"The npm packages of {folder} are not installed. The build installs them from the committed lock file " +
                "(EnsureNpmAssets in Directory.Build.targets, build/npm-ci-once.mjs): run `dotnet build BotHost.sln` with the npm registry reachable.");
        }

        return folder;
    }

    private static string Locate(params string[] parts) => Path.GetDirectoryName(
        AssetLocator.Require(Path.Combine([.. parts, "package.json"]), $"'{Path.Combine([".", .. parts])}' is a folder of the repository."))!;
}
