using BotFramework.Adapter;
using BotFramework.Connector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using PartnerAssistant.Conversation;
using PartnerAssistant.Conversation.LanguageModel;
using PartnerAssistant.Conversation.Routing;
using PartnerAssistant.Deals;
using PartnerAssistant.Edge;
using PartnerAssistant.People;
using PartnerAssistant.Help;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.Prediction;

namespace PartnerAssistant;

/// <summary>Where the assistant's prompt files are, under the section <c>Prompts</c>.</summary>
public sealed class PromptOptions
{
    public const string SectionName = "Prompts";

    /// <summary>The <c>prompts/</c> folder. Default: empty, which finds the folder shipped beside the
    /// application (or in the repository above it).</summary>
    public string? Folder { get; set; }

    public string ResolveFolder() =>
        string.IsNullOrWhiteSpace(Folder)
            ? AssetLocator.Require("prompts", "Set Prompts:Folder to the prompts folder.")
            : Path.GetFullPath(Folder);
}

/// <summary>Demo data seeded on first run, and who the Agents Playground's user is, under the section <c>Directory</c>.</summary>
public sealed class DirectoryOptions
{
    public const string SectionName = "Directory";

    /// <summary>Seed the demo directory (several partner organisations and one person in each
    /// internal role) when the directory is empty. Default: true.</summary>
    public bool SeedDemo { get; set; } = true;

    /// <summary>In local development mode only: the demo person (their channel user id, e.g. <c>demo-manager</c>)
    /// the Microsoft 365 Agents Playground's built-in user speaks as, when the directory does not know that
    /// user. Default: <c>demo-partner</c> (Priya Patel, a partner user); empty turns the mapping off. With an
    /// app id configured it does nothing: people are then known by their Entra object id.</summary>
    public string? PlaygroundUser { get; set; } = "demo-partner";
}

public static class PartnerAssistantServiceCollectionExtensions
{
    /// <summary>Registers the assistant: directory, conversation state, the offline router and the help plugin.
    /// Capabilities add their plugins with <see cref="PluginServiceCollectionExtensions.AddAssistantPlugin{T}"/>.</summary>
    public static IServiceCollection AddPartnerAssistant(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DataOptions>().Bind(configuration.GetSection(DataOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName))
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required when Database:Provider is Postgres (set Database__ConnectionString).")
            .ValidateOnStart();
        services.AddOptions<RouterOptions>().Bind(configuration.GetSection(RouterOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PromptOptions>().Bind(configuration.GetSection(PromptOptions.SectionName));
        services.AddOptions<DirectoryOptions>().Bind(configuration.GetSection(DirectoryOptions.SectionName));
        services.AddOptions<PublicLinkOptions>().Bind(configuration).Validate(o => o.IsValid(), PublicLinkOptions.NotAnAddress).ValidateOnStart();
        services.AddSingleton<PublicLinks>();

        services.AddAssistantDbContext<DirectoryDbContext, SqliteDirectoryDbContext, PostgresDirectoryDbContext>(DirectoryDbContext.HistoryTable);
        services.AddAssistantDbContext<ConversationDbContext, SqliteConversationDbContext, PostgresConversationDbContext>(ConversationDbContext.HistoryTable);
        // Replicas on one database take turns at the maintenance loops through leases in it.
        services.AddAssistantDbContext<CoordinationDbContext, SqliteCoordinationDbContext, PostgresCoordinationDbContext>(CoordinationDbContext.HistoryTable);
        services.AddSingleton<ReplicaLeases>();
        services.AddSingleton<DirectoryService>();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<PendingConfirmationStore>();
        services.AddSingleton<IActivityDeduplicator, SqlActivityDeduplicator>();
        services.AddSingleton<IServiceUrlTrust, ReferencedServiceUrlTrust>();
        services.AddSingleton<ITurnErrorHandler, AssistantTurnErrorHandler>();
        services.AddSingleton<IProactiveMessenger, ProactiveMessenger>();

        services.AddSingleton(sp => IntentCatalog.Load(Path.Combine(sp.GetRequiredService<IOptions<PromptOptions>>().Value.ResolveFolder(), "intents")));
        services.AddSingleton<IIntentMatcher, LexicalIntentMatcher>();
        services.AddSingleton<IntentRouter>();
        services.AddSingleton<ConversationRouter>();
        services.AddSingleton<AssistantVocabularyProvider>();
        services.AddSingleton<IVocabularySource, IntentVocabularySource>();
        services.AddSingleton<IVocabularySource, DirectoryVocabulary>();
        services.AddSingleton<IMentionResolver, PartnerMentions>();
        services.AddSingleton<PluginCatalog>();
        services.AddSingleton<IFunctionInvocationFilter, PluginTelemetryFilter>();
        services.AddSingleton<IInvokeHandler, AdaptiveCardActionHandler>();
        services.AddTeamsInvokes();
        services.AddSingleton<AssistantBot>();
        services.AddSingleton<IBot>(sp => sp.GetRequiredService<AssistantBot>());

        services.AddAssistantPlugin<HelpPlugin>("Help");
        services.AddLanguageModel(configuration);
        services.AddKnowledge(configuration);
        services.AddEdge(configuration);
        services.AddSingleton<IAssistantPreparation, DirectoryPreparation>();
        services.AddPrediction(configuration);
        services.AddDeals(configuration);
        services.AddProgram(configuration);
        // Last: the vocabulary reads what the preparations above seeded and ingested.
        services.AddSingleton<IAssistantPreparation, VocabularyPreparation>();
        services.AddHostedService<AssistantStartup>();
        return services;
    }
}

/// <summary>Something to do once before the assistant serves or a command runs (seed data, build models).</summary>
public interface IAssistantPreparation
{
    Task PrepareAsync(CancellationToken cancellationToken);
}

internal sealed class DirectoryPreparation(DirectoryService directory, IOptions<DirectoryOptions> options) : IAssistantPreparation
{
    public Task PrepareAsync(CancellationToken cancellationToken) =>
        options.Value.SeedDemo ? directory.SeedDemoIfEmptyAsync(cancellationToken) : Task.CompletedTask;
}

/// <summary>Builds the router's vocabulary (spelling, names) before the first turn needs it.</summary>
internal sealed class VocabularyPreparation(AssistantVocabularyProvider vocabulary) : IAssistantPreparation
{
    public async Task PrepareAsync(CancellationToken cancellationToken) => await vocabulary.GetAsync(cancellationToken);
}

/// <summary>Migrates every capability's schema, then runs the preparations, before the host takes traffic.</summary>
public sealed class AssistantStartup(IServiceProvider services, ILogger<AssistantStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => PrepareAsync(services, logger, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static async Task PrepareAsync(IServiceProvider services, ILogger logger, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        logger.LogInformation("Preparing the {Provider} database", database.Provider);
        foreach (var migrator in services.GetServices<IDatabaseMigrator>())
        {
            await migrator.MigrateAsync(services, cancellationToken);
        }

        foreach (var preparation in services.GetServices<IAssistantPreparation>())
        {
            await preparation.PrepareAsync(cancellationToken);
        }

        // Load the intent files now, so a broken one stops start-up rather than a user's turn.
        _ = services.GetRequiredService<IntentCatalog>();
        _ = services.GetRequiredService<PluginCatalog>().Plugins;
    }
}
