using PartnerAssistant.Hosting;

namespace BotHost.Tests.Infrastructure;

/// <summary>The shared, read-only schemas at <c>../shared/schemas</c> beside the repository, where present.</summary>
public static class SharedSchemas
{
    public const string AdaptiveCard = "adaptive-card-1.5.json";
    public const string TeamsManifest = "teams-manifest-1.29.schema.json";

    public static string? Folder { get; } = FindFolder();

    /// <summary>The schema's path, or null when the shared folder is absent (a clone outside this workspace).</summary>
    public static string? Find(string file) =>
        Folder is not null && File.Exists(Path.Combine(Folder, file)) ? Path.Combine(Folder, file) : null;

    public static string MissingMessage(string file) =>
        $"The shared schema {file} is not at ../shared/schemas beside the repository (a clone outside this workspace), so this check cannot run.";

    // ../shared beside the repository; a worktree sits one level deeper, so look further up too.
    private static string? FindFolder()
    {
        var solution = AssetLocator.Find("BotHost.sln");
        for (var dir = solution is null ? null : new DirectoryInfo(Path.GetDirectoryName(solution)!).Parent; dir is not null; dir = dir.Parent)
        {
            var folder = Path.Combine(dir.FullName, "shared", "schemas");
            if (Directory.Exists(folder))
            {
                return folder;
            }
        }

        return null;
    }
}
