using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Conversation.LanguageModel;

public static class LanguageModelServiceCollectionExtensions
{
    /// <summary>
    /// Registers the optional language model. The options are always bound and validated; the chat
    /// model, prompts, tool-call guard and conversation are registered only when <c>AzureOpenAI:Endpoint</c>
    /// is set, so without it nothing is built and the offline router answers every turn.
    /// </summary>
    public static IServiceCollection AddLanguageModel(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(AzureOpenAIOptions.SectionName);
        services.AddOptions<AzureOpenAIOptions>().Bind(section)
            .ValidateDataAnnotations()
            .Validate(o => !o.IsEnabled || Uri.TryCreate(o.Endpoint, UriKind.Absolute, out _),
                "AzureOpenAI:Endpoint must be an absolute URL, e.g. https://contoso-ai.openai.azure.com/.")
            .Validate(o => !o.IsEnabled || !string.IsNullOrWhiteSpace(o.Deployment),
                "AzureOpenAI:Deployment is required when AzureOpenAI:Endpoint is set (the deployment, or the model name for an OpenAI-compatible endpoint).")
            .Validate(o => !o.IsEnabled || o.Mode != LanguageModelMode.AzureOpenAI || o.UseEntraId || !string.IsNullOrWhiteSpace(o.ApiKey),
                "Azure OpenAI needs AzureOpenAI__ApiKey (environment variable or user-secrets) or AzureOpenAI:UseEntraId = true.")
            .ValidateOnStart();

        if (string.IsNullOrWhiteSpace(section[nameof(AzureOpenAIOptions.Endpoint)]))
        {
            return services;
        }

        services.AddSingleton(sp => AssistantPrompts.Load(Path.Combine(sp.GetRequiredService<IOptions<PromptOptions>>().Value.ResolveFolder(), "assistant")));
        services.AddSingleton<ChatModel>();
        services.AddSingleton<ToolCallGuard>();
        services.AddSingleton<GroundedAnswerWriter>();
        services.AddSingleton<LanguageModelConversation>();
        services.AddSingleton<IAssistantPreparation, LanguageModelPreparation>();
        return services;
    }
}

/// <summary>Loads the prompt templates before the assistant serves, so a broken template stops start-up
/// rather than a user's turn.</summary>
internal sealed class LanguageModelPreparation(AssistantPrompts prompts, IOptions<AzureOpenAIOptions> options, ILogger<LanguageModelPreparation> logger) : IAssistantPreparation
{
    public Task PrepareAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        logger.LogInformation("Language model on: {Mode} {Endpoint}, deployment {Deployment}, {Count} prompt templates",
            settings.Mode, settings.Endpoint, settings.Deployment, prompts.All.Count);
        return Task.CompletedTask;
    }
}
