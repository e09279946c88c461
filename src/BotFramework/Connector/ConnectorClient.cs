using System.Diagnostics;
using Activity = BotFramework.Schema.Activity;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BotFramework.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BotFramework.Connector;

/// <summary>
/// The Bot Connector REST API at a conversation's serviceUrl: reply, send, update, delete and
/// create conversation. Calls that fail with 429, 412 or 5xx are retried a bounded number of
/// times with exponential back-off and jitter, honouring Retry-After.
/// </summary>
public sealed class ConnectorClient(
    HttpClient http,
    ConnectorTokenProvider tokens,
    IOptions<BotOptions> options,
    TimeProvider time,
    ILogger<ConnectorClient> logger)
{
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    public Task<ResourceResponse> ReplyToActivityAsync(string serviceUrl, string conversationId, string replyToId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(replyToId)}", activity, cancellationToken);

    public Task<ResourceResponse> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities", activity, cancellationToken);

    public Task<ResourceResponse> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Put, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", activity, cancellationToken);

    public Task DeleteActivityAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Delete, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", null, cancellationToken);

    /// <summary>Starts a conversation (a 1:1 chat for proactive messages) and returns its id.</summary>
    public Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken cancellationToken) =>
        SendAsync<ConversationResourceResponse>(HttpMethod.Post, serviceUrl, "v3/conversations", parameters, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string serviceUrl, string path, object? body, CancellationToken cancellationToken)
        where T : new()
    {
        var settings = options.Value;
        var uri = new Uri(new Uri(serviceUrl.EndsWith('/') ? serviceUrl : serviceUrl + "/"), path);
        using var span = BotTelemetry.Source.StartActivity("connector " + method.Method, ActivityKind.Client);
        span?.SetTag("url.full", uri.ToString());
        var started = Stopwatch.GetTimestamp();
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                using var request = new HttpRequestMessage(method, uri);
                if (body is not null)
                {
                    request.Content = JsonContent.Create(body, body.GetType(), options: BotJson.Options);
                }

                var token = await tokens.GetTokenForAsync(uri, cancellationToken);
                if (token is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                }
                else if (tokens.HasCredentials)
                {
                    // Without the token the channel would refuse anyway; sending the activity to an
                    // address nobody vouched for would only hand its content to whoever runs it.
                    throw new ConnectorException($"The bot does not send to {uri.Host}: no authenticated channel activity carried that service URL.", 403);
                }

                HttpResponseMessage response;
                try
                {
                    response = await http.SendAsync(request, cancellationToken);
                }
                catch (HttpRequestException ex) when (attempt < settings.ConnectorMaxRetries)
                {
                    logger.LogWarning(ex, "Bot Connector {Method} {Uri} failed to connect; retry {Attempt}", method, uri, attempt + 1);
                    await DelayAsync(null, attempt, cancellationToken);
                    continue;
                }
                catch (HttpRequestException ex)
                {
                    throw new ConnectorException($"The Bot Connector at {serviceUrl} could not be reached.", 503, ex);
                }

                using (response)
                {
                    if (response.IsSuccessStatusCode)
                    {
                        span?.SetTag("http.response.status_code", (int)response.StatusCode);
                        if (response.Content.Headers.ContentLength is 0 || response.StatusCode == HttpStatusCode.NoContent)
                        {
                            return new T();
                        }

                        try
                        {
                            return await response.Content.ReadFromJsonAsync<T>(BotJson.Options, cancellationToken) ?? new T();
                        }
                        catch (System.Text.Json.JsonException)
                        {
                            return new T();
                        }
                    }

                    var status = (int)response.StatusCode;
                    if (IsTransient(status) && attempt < settings.ConnectorMaxRetries)
                    {
                        BotTelemetry.ConnectorRetries.Add(1);
                        logger.LogWarning("Bot Connector {Method} {Uri} answered {Status}; retry {Attempt}", method, uri, status, attempt + 1);
                        await DelayAsync(response.Headers.RetryAfter, attempt, cancellationToken);
                        continue;
                    }

                    span?.SetStatus(ActivityStatusCode.Error);
                    throw new ConnectorException($"The Bot Connector answered {status} to {method} {uri.AbsolutePath}.", status);
                }
            }
        }
        finally
        {
            BotTelemetry.ConnectorDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static bool IsTransient(int status) => status is 429 or 412 or >= 500;

    private Task DelayAsync(RetryConditionHeaderValue? retryAfter, int attempt, CancellationToken cancellationToken)
    {
        var delay = RetryDelay(retryAfter, attempt, options.Value.ConnectorRetryBaseDelay, time.GetUtcNow());
        return delay <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, time, cancellationToken);
    }

    /// <summary>Retry-After when the server gives one (capped), else exponential back-off with full jitter.</summary>
    internal static TimeSpan RetryDelay(RetryConditionHeaderValue? retryAfter, int attempt, TimeSpan baseDelay, DateTimeOffset now)
    {
        var fromServer = retryAfter?.Delta ?? (retryAfter?.Date is { } date ? date - now : (TimeSpan?)null);
        if (fromServer is { } server)
        {
            return server < TimeSpan.Zero ? TimeSpan.Zero : server > MaxRetryAfter ? MaxRetryAfter : server;
        }

        var ceiling = baseDelay.TotalMilliseconds * Math.Pow(2, attempt);
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    private static string Escape(string value) => Uri.EscapeDataString(value);
}

/// <summary>The body of a create-conversation call.</summary>
public sealed class ConversationParameters
{
    public bool IsGroup { get; set; }
    public ChannelAccount? Bot { get; set; }
    public List<ChannelAccount> Members { get; set; } = [];
    public string? TopicName { get; set; }
    public string? TenantId { get; set; }
    public Activity? Activity { get; set; }
    public JsonNode? ChannelData { get; set; }
}
