using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Tests.Knowledge.Embeddings;

/// <summary>
/// One generator over the real model package (installed by npm on the first build), with its own
/// cache folder, shared by the tests that need the real model so it is built only once per run.
/// </summary>
public sealed class MiniLmFixture : IAsyncLifetime
{
    public string CacheDirectory { get; } = Directory.CreateTempSubdirectory("minilm-cache-").FullName;

    public MiniLmEmbeddingGenerator Generator { get; private set; } = null!;

    public MiniLmModelFiles Files { get; } = MiniLmModelFiles.Locate(configuredFolder: null);

    public MiniLmEmbeddingGenerator CreateGenerator(Action<EmbeddingOptions>? configure = null)
    {
        var options = new EmbeddingOptions { CacheDirectory = CacheDirectory };
        configure?.Invoke(options);
        return new MiniLmEmbeddingGenerator(Options.Create(options), NullLogger<MiniLmEmbeddingGenerator>.Instance);
    }

    public async ValueTask InitializeAsync()
    {
        Generator = CreateGenerator();
        await Generator.WarmUpAsync(TestContext.Current.CancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Generator.Dispose();
        Directory.Delete(CacheDirectory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmFixture>
{
    public const string Name = "all-MiniLM-L6-v2";
}
