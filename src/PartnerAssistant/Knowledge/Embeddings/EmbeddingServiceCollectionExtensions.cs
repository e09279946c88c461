using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PartnerAssistant.Knowledge.Embeddings;

public static class EmbeddingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the in-process all-MiniLM-L6-v2 generator as the singleton
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> for strings, with
    /// <see cref="EmbeddingOptions"/> bound from the "Embeddings" section and validated at start-up.
    /// The model is built or loaded on the first request (or by <see cref="MiniLmEmbeddingGenerator.WarmUpAsync"/>).
    /// </summary>
    public static IServiceCollection AddMiniLmEmbeddings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmbeddingOptions>()
            .Bind(configuration.GetSection(EmbeddingOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<MiniLmEmbeddingGenerator>();
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<MiniLmEmbeddingGenerator>());
        return services;
    }
}
