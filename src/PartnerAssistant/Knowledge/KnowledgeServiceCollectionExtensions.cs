using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.Conversation.LanguageModel;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge.Answering;
using PartnerAssistant.Knowledge.Embeddings;
using PartnerAssistant.Knowledge.Stores;

namespace PartnerAssistant.Knowledge;

public static class KnowledgeServiceCollectionExtensions
{
    /// <summary>
    /// Registers the enablement knowledge base: the embedding model, the vector store chosen by
    /// <c>Knowledge:Store</c> (embedded SQLite by default, or Qdrant), ingestion, retrieval, the
    /// extractive answer composer (a language-model composer can replace <see cref="IAnswerComposer"/>),
    /// the editors' registry, the <c>Knowledge</c> plugin, the start-up ingestion of the shipped
    /// corpus, and the embedding intent matcher for the router.
    /// </summary>
    public static IServiceCollection AddKnowledge(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(KnowledgeOptions.SectionName);
        services.AddOptions<KnowledgeOptions>().Bind(section)
            .ValidateDataAnnotations()
            .Validate(o => o.Store != KnowledgeStoreKind.Qdrant || Uri.TryCreate(o.Qdrant.Url, UriKind.Absolute, out _),
                "Knowledge:Qdrant:Url must be an absolute URL (e.g. http://qdrant:6333) when Knowledge:Store is Qdrant.")
            .Validate(o => o.OverlapWords < o.ChunkWords, "Knowledge:OverlapWords must be smaller than Knowledge:ChunkWords.")
            .ValidateOnStart();

        services.AddMiniLmEmbeddings(configuration);
        services.AddAssistantDbContext<KnowledgeDbContext, SqliteKnowledgeDbContext, PostgresKnowledgeDbContext>(KnowledgeDbContext.HistoryTable);

        // The store is chosen once, here; only the chosen backend's settings are used.
        if (section.GetValue<KnowledgeStoreKind?>(nameof(KnowledgeOptions.Store)) == KnowledgeStoreKind.Qdrant)
        {
            services.AddHttpClient<QdrantKnowledgeStore>((sp, http) =>
                {
                    var qdrant = sp.GetRequiredService<IOptions<KnowledgeOptions>>().Value.Qdrant;
                    http.BaseAddress = new Uri(qdrant.Url!.TrimEnd('/') + "/");
                    http.Timeout = qdrant.Timeout;
                    if (!string.IsNullOrEmpty(qdrant.ApiKey))
                    {
                        http.DefaultRequestHeaders.Add("api-key", qdrant.ApiKey);
                    }

                    http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                })
                // The store lives as long as the app; connections are recycled so DNS changes are seen.
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
            services.AddSingleton<IKnowledgeStore>(sp => sp.GetRequiredService<QdrantKnowledgeStore>());
        }
        else
        {
            services.AddSingleton<SqliteKnowledgeStore>();
            services.AddSingleton<IKnowledgeStore>(sp => sp.GetRequiredService<SqliteKnowledgeStore>());
        }

        services.AddHttpClient(KnowledgeEditor.DownloadClient, http => http.Timeout = TimeSpan.FromMinutes(1));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<KnowledgeRegistry>();
        services.AddSingleton<SentenceVectors>();
        services.AddSingleton<KnowledgeVocabulary>();
        services.AddSingleton<QuestionScope>();
        services.AddSingleton<KnowledgeIngestor>();
        services.AddSingleton<KnowledgeRetriever>();
        services.TryAddSingleton<ExtractiveAnswerComposer>();
        // With a language model configured (its writer is registered only then) it writes the answers from the same passages.
        services.TryAddSingleton<IAnswerComposer>(sp => sp.GetService<GroundedAnswerWriter>() is { } writer
            ? ActivatorUtilities.CreateInstance<GroundedAnswerComposer>(sp, writer)
            : sp.GetRequiredService<ExtractiveAnswerComposer>());
        services.AddSingleton<KnowledgeAnswerService>();
        services.AddSingleton<KnowledgeEditor>();
        services.AddSingleton<Evaluation.RetrievalEvaluation>();
        services.AddSingleton<Evaluation.AnswerEvaluation>();
        services.AddAssistantPlugin<KnowledgePlugin>("Knowledge");
        services.AddSingleton<IMessageExtensionSearch, KnowledgeSearch>();
        services.AddSingleton<IAssistantPreparation, KnowledgePreparation>();
        services.AddEmbeddingIntentMatcher(configuration);
        return services;
    }
}

/// <summary>Ingests the shipped <c>knowledge/</c> folder into the default collection before the assistant
/// serves: the first run embeds everything, later runs only what changed.</summary>
internal sealed class KnowledgePreparation(KnowledgeIngestor ingestor, KnowledgeRegistry registry, IOptions<KnowledgeOptions> options, ILogger<KnowledgePreparation> logger) : IAssistantPreparation
{
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!settings.IngestOnStart)
        {
            return;
        }

        string folder;
        try
        {
            folder = settings.ResolveFolder();
        }
        catch (DirectoryNotFoundException ex)
        {
            logger.LogWarning("No enablement documents to ingest: {Problem}", ex.Message);
            return;
        }

        // A collection someone filled from another folder (knowledge ingest) is theirs; start-up leaves it alone.
        var previous = await registry.IngestedFolderAsync(settings.DefaultCollection, cancellationToken);
        if (previous is not null && !string.Equals(previous, Path.GetFullPath(folder), StringComparison.Ordinal))
        {
            logger.LogInformation("Collection {Collection} was ingested from {Folder}; not replacing it with {Shipped}", settings.DefaultCollection, previous, folder);
            return;
        }

        try
        {
            await ingestor.IngestFolderAsync(folder, settings.DefaultCollection, force: false, by: null, cancellationToken);
        }
        catch (DirectoryNotFoundException ex)
        {
            // The embedding model is not installed: the assistant still serves everything else.
            logger.LogWarning("The knowledge base was not ingested: {Problem}", ex.Message);
        }
    }
}
