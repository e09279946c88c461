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
using Qdrant.Client;
using Qdrant.Client.Grpc;

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
            .Validate(o => o.Store != KnowledgeStoreKind.Qdrant
                    || (Uri.TryCreate(o.Qdrant.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"),
                "Knowledge:Qdrant:Url must be an http:// or https:// URL of Qdrant's gRPC port (e.g. http://qdrant:6334) when Knowledge:Store is Qdrant.")
            // Data annotations do not reach into the nested section by themselves.
            .Validate(o => System.ComponentModel.DataAnnotations.Validator.TryValidateObject(o.Qdrant, new(o.Qdrant), null, validateAllProperties: true),
                "Knowledge:Qdrant: BatchSize must be 1–10000 and CollectionPrefix at most 40 letters, digits, '-' and '_'.")
            .Validate(o => o.OverlapWords < o.ChunkWords, "Knowledge:OverlapWords must be smaller than Knowledge:ChunkWords.")
            .ValidateOnStart();

        services.AddMiniLmEmbeddings(configuration);
        services.AddAssistantDbContext<KnowledgeDbContext, SqliteKnowledgeDbContext, PostgresKnowledgeDbContext>(KnowledgeDbContext.HistoryTable);

        // The store is chosen once, here; only the chosen backend's settings are used.
        if (section.GetValue<KnowledgeStoreKind?>(nameof(KnowledgeOptions.Store)) == KnowledgeStoreKind.Qdrant)
        {
            // One channel (HTTP/2 connections, multiplexed) for the life of the host; the container disposes it.
            services.AddSingleton(sp => QdrantKnowledgeStore.CreateChannel(sp.GetRequiredService<IOptions<KnowledgeOptions>>().Value.Qdrant));
            services.AddSingleton(sp => new QdrantClient(new QdrantGrpcClient(sp.GetRequiredService<QdrantChannel>()),
                sp.GetRequiredService<IOptions<KnowledgeOptions>>().Value.Qdrant.Timeout, sp.GetRequiredService<ILoggerFactory>()));
            services.AddSingleton<QdrantKnowledgeStore>();
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
        services.AddSingleton<KnowledgeWordWeights>();
        services.AddSingleton<PassageFacts>();
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
        services.AddSingleton<Conversation.Routing.IVocabularySource, KnowledgeVocabulary>();
        services.AddSingleton<Conversation.Routing.IVocabularySource, ModelVocabulary>();
        services.AddSingleton<Conversation.Routing.IVocabularySource, EnglishWordsVocabulary>();
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
