namespace EdgeGateway.Tests.Infrastructure;

/// <summary>
/// One models folder for the whole test run, provided the way a first start provides it (OCR and
/// VAD copied from npm, telemetry models trained), and one gateway serving it. Tests that need a
/// broken or tiny gateway start their own over a copy.
/// </summary>
public sealed class SharedGateway : IAsyncLifetime
{
    public string ModelsFolder { get; } = Path.Combine(Path.GetTempPath(), "edge-models-" + Guid.NewGuid().ToString("N")[..8]);

    public GatewayServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await GatewayServer.StartAsync(ModelsFolder);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        TempFolders.Delete(ModelsFolder);
    }
}

/// <summary>A temporary folder deleted on dispose.</summary>
public sealed class TempFolder(string prefix) : IDisposable
{
    public string Path { get; } = TempFolders.Create(prefix);

    public static implicit operator string(TempFolder folder) => folder.Path;

    public void Dispose() => TempFolders.Delete(Path);
}

public static class TempFolders
{
    public static string Create(string prefix)
    {
        var folder = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Copies one model's folder into <paramref name="target"/>.</summary>
    public static void CopyModel(string modelsFolder, string name, string target)
    {
        var source = Path.Combine(modelsFolder, name);
        var destination = Path.Combine(target, name);
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)));
        }
    }

    public static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
