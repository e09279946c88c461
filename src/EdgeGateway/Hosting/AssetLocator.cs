namespace EdgeGateway.Hosting;

/// <summary>
/// Finds folders shipped beside the code, such as npm's <c>node_modules/</c>: beside the running
/// binary first, then upward from it and from the current directory, so the gateway finds the
/// repository's packages whether it runs from its output folder, the repository or a test.
/// </summary>
public static class AssetLocator
{
    public static string? Find(string relativePath)
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, relativePath);
                if (Directory.Exists(candidate) || File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
