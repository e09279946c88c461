using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation.LanguageModel;

namespace PartnerAssistant.Tests.Conversation.LanguageModel;

public sealed class AzureOpenAIOptionsTests
{
    private static AzureOpenAIOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLanguageModel(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<AzureOpenAIOptions>>().Value;
    }

    [Fact]
    public void Defaults_NoEndpoint_LanguageModelIsOff()
    {
        var options = Resolve([]);

        Assert.False(options.IsEnabled);
        Assert.Equal(8, options.MaxToolCallsPerTurn);
        Assert.Equal(TimeSpan.FromSeconds(8), options.AcknowledgeAfter);
    }

    [Fact]
    public void Endpoint_WithoutDeployment_IsRejectedWithWhatToSet()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["AzureOpenAI:Endpoint"] = "https://contoso-ai.openai.azure.com/", ["AzureOpenAI:ApiKey"] = "k" }));

        Assert.Equal("AzureOpenAI:Deployment is required when AzureOpenAI:Endpoint is set (the deployment, or the model name for an OpenAI-compatible endpoint).", error.Message);
    }

    [Fact]
    public void AzureEndpoint_WithNeitherKeyNorEntraId_IsRejected()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["AzureOpenAI:Endpoint"] = "https://contoso-ai.openai.azure.com/", ["AzureOpenAI:Deployment"] = "gpt-4o" }));

        Assert.Equal("Azure OpenAI needs AzureOpenAI__ApiKey (environment variable or user-secrets) or AzureOpenAI:UseEntraId = true.", error.Message);
    }

    [Fact]
    public void AcknowledgeAfter_PastTeamsLimit_IsRejected()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["AzureOpenAI:AcknowledgeAfter"] = "00:00:20" }));

        Assert.Equal("DataAnnotation validation failed for 'AzureOpenAIOptions' members: 'AcknowledgeAfter' with the error: 'AzureOpenAI:AcknowledgeAfter must be between 0.1 and 12 seconds: Teams gives up on a turn after 15 s.'.", error.Message);
    }
}
