namespace PartnerAssistant.Tests.Infrastructure;

/// <summary>
/// The read-only schemas in <c>../shared/schemas/</c> beside the repository (found by walking up from
/// the test binary). Tests that need one skip, saying why, where the folder is absent.
/// </summary>
public static class SharedSchemas
{
    /// <summary>The full path of a file in shared/schemas, or null when it is not there.</summary>
    public static string? Find(string fileName)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "schemas", fileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>The path of the file, or skips the calling test with a message when it is absent.</summary>
    public static string Require(string fileName) =>
        Find(fileName) ?? throw Xunit.Sdk.SkipException.ForSkip(
            $"shared/schemas/{fileName} is not beside this repository (it is found by walking up from {AppContext.BaseDirectory}); the contract test needs it.");
}
