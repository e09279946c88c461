using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using Azure.AI.OpenAI;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.AzureOpenAI;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;

namespace PartnerAssistant.Conversation.LanguageModel;

/// <summary>
/// The configured chat-completions endpoint as a Semantic Kernel <see cref="IChatCompletionService"/>:
/// Azure OpenAI (API key or Entra ID) or any OpenAI-compatible endpoint, built once, with bounded
/// retries on 429/5xx that honour Retry-After.
/// </summary>
public sealed class ChatModel
{
    public ChatModel(IOptions<AzureOpenAIOptions> options, ILoggerFactory loggers)
    {
        var settings = options.Value;
        Mode = settings.Mode;
        var endpoint = new Uri(settings.Endpoint!, UriKind.Absolute);
        var retry = new BoundedRetryPolicy(settings.MaxRetries, settings.MaxRetryDelay, loggers.CreateLogger<BoundedRetryPolicy>());
        if (settings.Mode == LanguageModelMode.AzureOpenAI)
        {
            var clientOptions = new AzureOpenAIClientOptions { RetryPolicy = retry, NetworkTimeout = settings.Timeout };
            var client = settings.UseEntraId
                ? new AzureOpenAIClient(endpoint, new DefaultAzureCredential(), clientOptions)
                : new AzureOpenAIClient(endpoint, new ApiKeyCredential(settings.ApiKey!), clientOptions);
            Service = new AzureOpenAIChatCompletionService(settings.Deployment!, client, loggerFactory: loggers);
        }
        else
        {
            var clientOptions = new OpenAIClientOptions { Endpoint = endpoint, RetryPolicy = retry, NetworkTimeout = settings.Timeout };
            // Local servers often take no key, but the client insists on one.
            var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrEmpty(settings.ApiKey) ? "unused" : settings.ApiKey), clientOptions);
            Service = new OpenAIChatCompletionService(settings.Deployment!, client, loggers);
        }
    }

    public LanguageModelMode Mode { get; }

    public IChatCompletionService Service { get; }

    /// <summary>The connector's own settings type, from a prompt template's execution settings (temperature,
    /// max_tokens, …), so function-calling behaviour set afterwards survives.</summary>
    public OpenAIPromptExecutionSettings Settings(PromptExecutionSettings? template) => Mode == LanguageModelMode.AzureOpenAI
        ? AzureOpenAIPromptExecutionSettings.FromExecutionSettings(template)
        : OpenAIPromptExecutionSettings.FromExecutionSettings(template);

    /// <summary>One completion without tools, for prompts such as the grounded answer and the history summary: the
    /// instructions as the system message, the material (documents, transcripts, questions) as the user message.
    /// Whatever goes wrong at the endpoint — an error status after the retries, a timeout, a closed connection, a
    /// body that is cut off, HTML, empty or without a choice — comes out as the one exception Semantic Kernel uses
    /// for a failed service call, <see cref="HttpOperationException"/>, so callers fall back in one place.</summary>
    public async Task<string> CompleteAsync(string system, string user, PromptExecutionSettings? settings, CancellationToken cancellationToken)
    {
        var chat = new ChatHistory();
        chat.AddSystemMessage(system);
        chat.AddUserMessage(user);
        try
        {
            var answer = await Service.GetChatMessageContentAsync(chat, Settings(settings), cancellationToken: cancellationToken);
            return answer.Content ?? "";
        }
        catch (Exception ex) when (ex is not HttpOperationException && !cancellationToken.IsCancellationRequested)
        {
            throw new HttpOperationException(ex.Message, ex)
            {
                StatusCode = ex is ClientResultException { Status: > 0 } failed ? (System.Net.HttpStatusCode)failed.Status : null,
            };
        }
    }
}

/// <summary>
/// Retries 408, 429 and 5xx a bounded number of times (the base policy decides what is retryable),
/// waiting what the endpoint's Retry-After asks for, but never longer than the configured cap.
/// </summary>
internal sealed class BoundedRetryPolicy(int maxRetries, TimeSpan maxDelay, ILogger<BoundedRetryPolicy> logger) : ClientRetryPolicy(maxRetries)
{
    protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
    {
        var delay = RetryAfter(message.Response) ?? TimeSpan.FromMilliseconds(800 * Math.Pow(2, tryCount - 1) * (0.8 + 0.4 * Random.Shared.NextDouble()));
        if (delay > maxDelay)
        {
            delay = maxDelay;
        }

        logger.LogWarning("The language model answered {Status}; retry {Try} in {DelayMs} ms", message.Response?.Status, tryCount, (int)delay.TotalMilliseconds);
        return delay;
    }

    private static TimeSpan? RetryAfter(PipelineResponse? response)
    {
        if (response is null)
        {
            return null;
        }

        foreach (var header in new[] { "retry-after-ms", "x-ms-retry-after-ms" })
        {
            if (response.Headers.TryGetValue(header, out var ms) && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds))
            {
                return TimeSpan.FromMilliseconds(Math.Max(0, milliseconds));
            }
        }

        if (response.Headers.TryGetValue("Retry-After", out var value) && value is not null)
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
            {
                return TimeSpan.FromSeconds(Math.Max(0, seconds));
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            {
                var wait = at - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }

        return null;
    }
}
