using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerAssistant.Knowledge.Embeddings;

namespace PartnerAssistant.Tests.Knowledge.Embeddings;

public sealed class EmbeddingServiceCollectionExtensionsTests
{
    [Fact]
    public void AddMiniLmEmbeddings_Configured_ResolvesOneGeneratorWithTheBoundOptions()
    {
        using ServiceProvider provider = Provider(new()
        {
            ["Embeddings:CacheDirectory"] = "/var/cache/pa",
            ["Embeddings:BatchSize"] = "8",
            ["Embeddings:IntraOpThreads"] = "2",
        });

        var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        EmbeddingOptions options = provider.GetRequiredService<IOptions<EmbeddingOptions>>().Value;

        Assert.Same(provider.GetRequiredService<MiniLmEmbeddingGenerator>(), generator);
        Assert.Equal(("/var/cache/pa", 8, 2, 256), (options.CacheDirectory, options.BatchSize, options.IntraOpThreads, options.MaxTokens));
    }

    [Fact]
    public void AddMiniLmEmbeddings_MaxTokensBeyondThePositionTable_FailsValidationWithTheFieldName()
    {
        using ServiceProvider provider = Provider(new() { ["Embeddings:MaxTokens"] = "1024" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EmbeddingOptions>>().Value);

        Assert.Contains("The field MaxTokens must be between 3 and 512.", error.Message);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMiniLmEmbeddings(configuration);
        return services.BuildServiceProvider();
    }
}
