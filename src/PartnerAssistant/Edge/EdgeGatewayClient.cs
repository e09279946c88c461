using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Edge;

/// <summary>Why a gateway call failed, in words a user can act on.</summary>
public enum GatewayFailure
{
    /// <summary>No answer: refused, unreachable or timed out.</summary>
    Unreachable,

    /// <summary>The breaker is open after repeated failures; nothing was sent.</summary>
    Paused,

    /// <summary>The gateway answered 429: every slot is busy.</summary>
    Busy,

    /// <summary>The gateway refused the key.</summary>
    Unauthorized,

    /// <summary>The model is missing or failed to load on that gateway.</summary>
    ModelUnavailable,

    /// <summary>The gateway could not use what was sent (400, 413, 415).</summary>
    Rejected,

    /// <summary>The gateway failed while answering (5xx).</summary>
    ServerError,
}

/// <summary>A gateway call that did not produce a result; <see cref="Exception.Message"/> is written for the user.</summary>
public sealed class EdgeGatewayException(GatewayFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public GatewayFailure Failure { get; } = failure;
}

/// <summary>A gateway's <c>/health</c>: overall status, each model's status, and its current load.</summary>
public sealed record GatewayHealth(string Status, IReadOnlyList<GatewayModelStatus> Models, int Running, int Queued, int Capacity);

public sealed record GatewayModelStatus(string Name, string Status, string? Error);

/// <summary>A model as a gateway lists it.</summary>
public sealed record GatewayModel(string Name, string? Version, string? Task, string? Title, string? Description, string Status, string? Error, string? Accepts)
{
    public bool IsReady => Status == "ready";
}

/// <summary>An inference answer: the model that ran, its own time on the gateway, and the task's result.</summary>
public sealed record GatewayInference(string Model, string? Version, double DurationMs, JsonNode Result);

/// <summary>
/// Talks to edge gateways over their HTTP API. Every call has a deadline, and every gateway has a
/// circuit breaker: a gateway that keeps failing is skipped at once with a clear reason until its
/// break is over, so a dead site never holds a Teams turn.
/// </summary>
public sealed class EdgeGatewayClient(IHttpClientFactory clients, IOptions<EdgeOptions> options, TimeProvider time, ILogger<EdgeGatewayClient> logger)
{
    public const string HttpClientName = "edge-gateways";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, CircuitBreaker> _breakers = new(StringComparer.OrdinalIgnoreCase);

    public CircuitBreaker BreakerFor(EdgeGatewayEndpoint gateway) =>
        _breakers.GetOrAdd(gateway.Name, _ => new CircuitBreaker(options.Value.BreakerFailures, options.Value.BreakerOpenFor, time));

    public async Task<GatewayHealth> GetHealthAsync(EdgeGatewayEndpoint gateway, CancellationToken cancellationToken)
    {
        var body = await SendAsync(gateway, () => new HttpRequestMessage(HttpMethod.Get, "health"), options.Value.QueryTimeout, acceptUnhealthy: true, cancellationToken);
        var inference = body["inference"];
        return new GatewayHealth(
            body["status"]?.GetValue<string>() ?? "Unknown",
            body["models"]?.AsArray().Select(m => new GatewayModelStatus(m!["name"]!.GetValue<string>(), m["status"]!.GetValue<string>(), m["error"]?.GetValue<string>())).ToList() ?? [],
            inference?["running"]?.GetValue<int>() ?? 0,
            inference?["queued"]?.GetValue<int>() ?? 0,
            inference?["capacity"]?.GetValue<int>() ?? 0);
    }

    public async Task<IReadOnlyList<GatewayModel>> ListModelsAsync(EdgeGatewayEndpoint gateway, CancellationToken cancellationToken)
    {
        var body = await SendAsync(gateway, () => new HttpRequestMessage(HttpMethod.Get, "models"), options.Value.QueryTimeout, acceptUnhealthy: false, cancellationToken);
        return body["models"]?.Deserialize<List<GatewayModel>>(Json) ?? [];
    }

    /// <summary>A model's full description, with its pre- and post-processing settings.</summary>
    public Task<JsonObject> DescribeModelAsync(EdgeGatewayEndpoint gateway, string model, CancellationToken cancellationToken) =>
        SendAsync(gateway, () => new HttpRequestMessage(HttpMethod.Get, "models/" + Uri.EscapeDataString(model)), options.Value.QueryTimeout, acceptUnhealthy: false, cancellationToken);

    public async Task<GatewayInference> InferFileAsync(EdgeGatewayEndpoint gateway, string model, byte[] content, string fileName, string contentType, CancellationToken cancellationToken)
    {
        var body = await SendAsync(gateway, () =>
        {
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
            return new HttpRequestMessage(HttpMethod.Post, $"models/{Uri.EscapeDataString(model)}/infer") { Content = new MultipartFormDataContent { { file, "file", fileName } } };
        }, options.Value.InferenceTimeout, acceptUnhealthy: false, cancellationToken);
        return ToInference(body);
    }

    public async Task<GatewayInference> InferJsonAsync(EdgeGatewayEndpoint gateway, string model, JsonNode request, CancellationToken cancellationToken)
    {
        var body = await SendAsync(gateway, () => new HttpRequestMessage(HttpMethod.Post, $"models/{Uri.EscapeDataString(model)}/infer") { Content = JsonContent.Create(request) },
            options.Value.InferenceTimeout, acceptUnhealthy: false, cancellationToken);
        return ToInference(body);
    }

    private static GatewayInference ToInference(JsonObject body) =>
        new(body["model"]!.GetValue<string>(), body["version"]?.GetValue<string>(), body["durationMs"]?.GetValue<double>() ?? 0, body["result"] ?? new JsonObject());

    private async Task<JsonObject> SendAsync(EdgeGatewayEndpoint gateway, Func<HttpRequestMessage> build, TimeSpan timeout, bool acceptUnhealthy, CancellationToken cancellationToken)
    {
        var breaker = BreakerFor(gateway);
        if (!breaker.TryEnter())
        {
            var wait = breaker.RetryAt - time.GetUtcNow();
            throw new EdgeGatewayException(GatewayFailure.Paused,
                $"{gateway.Describe()} is not answering ({breaker.LastFailure}). I've paused calls to it and will try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var request = build();
        request.RequestUri = new Uri(gateway.BaseUri, request.RequestUri!.ToString());
        if (!string.IsNullOrEmpty(gateway.ApiKey))
        {
            request.Headers.Add("X-Api-Key", gateway.ApiKey);
        }

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            breaker.RecordAbandoned();
            throw;
        }
        catch (OperationCanceledException ex)
        {
            throw Failed(gateway, breaker, GatewayFailure.Unreachable, $"no answer within {timeout.TotalSeconds:0.#} s", ex);
        }
        catch (HttpRequestException ex)
        {
            throw Failed(gateway, breaker, GatewayFailure.Unreachable, ex.HttpRequestError == HttpRequestError.ConnectionError ? "connection refused" : ex.Message, ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            JsonObject? body = null;
            try
            {
                body = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
            }

            var detail = body?["detail"]?.GetValue<string>() ?? response.ReasonPhrase ?? "no details";
            if (response.IsSuccessStatusCode || (acceptUnhealthy && response.StatusCode == HttpStatusCode.ServiceUnavailable && body is not null))
            {
                breaker.RecordSuccess();
                return body ?? throw Failed(gateway, breaker, GatewayFailure.ServerError, "it answered with something that is not JSON", null);
            }

            // Anything below 500 (and a model that is unavailable or slow) means the gateway itself is up.
            var status = (int)response.StatusCode;
            if (status < 500 || status is 503 or 504)
            {
                breaker.RecordSuccess();
            }

            throw response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests => new EdgeGatewayException(GatewayFailure.Busy, $"{gateway.Describe()} is busy right now (every inference slot is taken). Try again in a moment."),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new EdgeGatewayException(GatewayFailure.Unauthorized,
                    $"{gateway.Describe()} refused my API key. An administrator needs to set Edge__Gateways__N__ApiKey to that gateway's key."),
                HttpStatusCode.ServiceUnavailable or HttpStatusCode.NotFound => new EdgeGatewayException(GatewayFailure.ModelUnavailable, $"{gateway.Describe()}: {detail}"),
                HttpStatusCode.GatewayTimeout => new EdgeGatewayException(GatewayFailure.ServerError, $"{gateway.Describe()}: {detail}"),
                _ when status < 500 => new EdgeGatewayException(GatewayFailure.Rejected, detail),
                _ => Failed(gateway, breaker, GatewayFailure.ServerError, $"it failed with {status} {response.ReasonPhrase}", null),
            };
        }
    }

    private EdgeGatewayException Failed(EdgeGatewayEndpoint gateway, CircuitBreaker breaker, GatewayFailure failure, string reason, Exception? inner)
    {
        breaker.RecordFailure(reason);
        logger.LogWarning(inner, "Edge gateway {Gateway} at {Url} failed: {Reason} (breaker {State})", gateway.Name, gateway.Url, reason, breaker.State);
        return new EdgeGatewayException(failure, $"{gateway.Describe()} is not answering ({reason}).", inner);
    }
}
