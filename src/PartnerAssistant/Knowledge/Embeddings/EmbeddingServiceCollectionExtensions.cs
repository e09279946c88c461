using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Knowledge.Embeddings;

public static class EmbeddingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the in-process all-MiniLM-L6-v2 generator as the singleton
    /// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> for strings, with
    /// <see cref="EmbeddingOptions"/> bound from the "Embeddings" section and validated at start-up; the model
    /// cache defaults to <c>{Data:Folder}/models</c>.
    /// The model is built or loaded on the first request (or by <see cref="MiniLmEmbeddingGenerator.WarmUpAsync"/>).
    /// </summary>
    public static IServiceCollection AddMiniLmEmbeddings(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EmbeddingOptions>()
            .Bind(configuration.GetSection(EmbeddingOptions.SectionName))
            // The host keeps its files under Data:Folder: the built model too, unless a setting says otherwise.
            .PostConfigure<IOptions<DataOptions>>((options, data) =>
            {
                if (string.IsNullOrWhiteSpace(options.CacheDirectory))
                {
                    options.CacheDirectory = Path.Combine(data.Value.FullPath, "models");
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<MiniLmEmbeddingGenerator>();
        services.TryAddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(sp => sp.GetRequiredService<MiniLmEmbeddingGenerator>());
        return services;
    }
}
