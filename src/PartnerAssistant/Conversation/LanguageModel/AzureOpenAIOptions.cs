using System.ComponentModel.DataAnnotations;

namespace PartnerAssistant.Conversation.LanguageModel;

/// <summary>Which kind of chat-completions endpoint <see cref="AzureOpenAIOptions.Endpoint"/> is.</summary>
public enum LanguageModelMode
{
    /// <summary>An Azure OpenAI resource: <c>{Endpoint}/openai/deployments/{Deployment}/chat/completions</c>.</summary>
    AzureOpenAI,

    /// <summary>Any endpoint speaking OpenAI's API (OpenAI itself, a local server): <c>{Endpoint}/chat/completions</c>
    /// with <see cref="AzureOpenAIOptions.Deployment"/> as the model name.</summary>
    OpenAICompatible,
}

/// <summary>
/// The optional language model, under the section <c>AzureOpenAI</c>. With no <see cref="Endpoint"/>
/// the assistant runs on its offline router and nothing calls a model.
/// </summary>
public sealed class AzureOpenAIOptions
{
    public const string SectionName = "AzureOpenAI";

    /// <summary>The resource's address, e.g. <c>https://contoso-ai.openai.azure.com/</c>, or an OpenAI-compatible
    /// base URL such as <c>http://localhost:8000/v1</c>. Default: empty, which turns the language model off.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The chat model's deployment name (Azure), or the model name for an OpenAI-compatible endpoint.
    /// Default: empty; required when <see cref="Endpoint"/> is set.</summary>
    public string? Deployment { get; set; }

    /// <summary>The kind of endpoint. Default: <see cref="LanguageModelMode.AzureOpenAI"/>.</summary>
    public LanguageModelMode Mode { get; set; } = LanguageModelMode.AzureOpenAI;

    /// <summary>The endpoint's API key. Set it as the environment variable <c>AzureOpenAI__ApiKey</c> or with
    /// user-secrets, never in appsettings.json. Default: empty (Entra ID, or a local server without keys).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Authenticate to Azure OpenAI with Entra ID through <c>DefaultAzureCredential</c> (managed identity,
    /// workload identity, Azure CLI, …) instead of a key. Default: false.</summary>
    public bool UseEntraId { get; set; }

    /// <summary>Plugin function calls the model may make in one turn; further calls are refused and the
    /// model is told to answer with what it has. Default: 8.</summary>
    [Range(1, 32)]
    public int MaxToolCallsPerTurn { get; set; } = 8;

    /// <summary>Approximate tokens (o200k_base) of conversation history sent with each turn; older turns are
    /// summarised into one note. Default: 3000.</summary>
    [Range(200, 100_000)]
    public int HistoryTokenBudget { get; set; } = 3000;

    /// <summary>When the answer is not ready after this long, the turn answers "Working on it…" and the
    /// answer follows as a proactive message, so the channel's request ends well inside Teams' 15 s.
    /// Default: 8 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:12", ErrorMessage = "AzureOpenAI:AcknowledgeAfter must be between 0.1 and 12 seconds: Teams gives up on a turn after 15 s.")]
    public TimeSpan AcknowledgeAfter { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>The longest a whole model answer (every request of the function-calling loop) may take.
    /// Default: 90 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Retries of one model request that failed with 429, 408 or 5xx, honouring Retry-After.
    /// Default: 2.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>The longest wait before one retry, whatever Retry-After asks for. Default: 10 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Hosts (and their subdomains) the model's text may link to: the host's own public name and the hosts the
    /// enablement documents live on. A link elsewhere keeps its words and loses its address; images and raw HTML are
    /// always removed. Default: empty, which means <c>partners.northbeam.example</c>, where the shipped documents are.</summary>
    public string[] AllowedLinkHosts { get; set; } = [];

    /// <summary><see cref="AllowedLinkHosts"/>, or the default when none is configured.</summary>
    public IReadOnlyList<string> EffectiveLinkHosts => AllowedLinkHosts.Length > 0 ? AllowedLinkHosts : ["partners.northbeam.example"];

    /// <summary>True when an endpoint is configured.</summary>
    public bool IsEnabled => !string.IsNullOrWhiteSpace(Endpoint);
}
