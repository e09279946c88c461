namespace PartnerAssistant.Hosting;

/// <summary>
/// Finds folders that ship beside the code (<c>prompts/</c>, <c>knowledge/</c>, npm's
/// <c>node_modules/</c>): next to the running binary first, then upward from it and from the
/// current directory, so it works from the output folder, the repository and the tests alike.
/// </summary>
public static class AssetLocator
{
    public static string? Find(string relativePath)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, System.IO.Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relativePath);
                if (System.IO.Directory.Exists(candidate) || File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static string Require(string relativePath, string hint) =>
        Find(relativePath) ?? throw new DirectoryNotFoundException(
            $"Could not find '{relativePath}' beside the application or in any folder above it. {hint}");
}
