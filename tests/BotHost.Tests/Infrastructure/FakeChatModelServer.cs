using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BotHost.Tests.Infrastructure;

/// <summary>
/// A chat-completions endpoint on loopback that answers in Azure OpenAI's wire format (and OpenAI's, at
/// <c>/v1/chat/completions</c>) with responses a test scripts in order: assistant text, tool calls with
/// <c>finish_reason: "tool_calls"</c>, error statuses with Retry-After, a response held until the test
/// releases it, or a broken endpoint (a cut-off or HTML or empty body, no choices, a dropped connection).
/// What it answers once the script is used up can be set too (a hostile model that never stops calling).
/// It records every request body, so tests can read what the model was shown.
/// </summary>
public sealed class FakeChatModelServer : IAsyncDisposable
{
    public const string Deployment = "gpt-4o-partner";
    public const string ApiKey = "fake-model-key";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Func<HttpContext, Task<IResult>>> _script = new();
    private Func<HttpContext, Task<IResult>>? _whenDone;
    private int _calls;

    private FakeChatModelServer(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Every request, in the order received.</summary>
    public ConcurrentQueue<ModelRequest> Requests { get; } = new();

    /// <summary>Settings that turn the assistant's language model on, pointed at this server.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["AzureOpenAI:Endpoint"] = Endpoint.ToString(),
        ["AzureOpenAI:Deployment"] = Deployment,
        ["AzureOpenAI:ApiKey"] = ApiKey,
        ["AzureOpenAI:MaxRetryDelay"] = "00:00:00.200",
    };

    public static async Task<FakeChatModelServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeChatModelServer(app);
        app.MapPost("/openai/deployments/{deployment}/chat/completions", (Delegate)server.HandleAsync);
        app.MapPost("/v1/chat/completions", (Delegate)server.HandleAsync);
        await app.StartAsync();
        server.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return server;
    }

    /// <summary>The next response: the assistant's final text (<c>finish_reason: "stop"</c>).</summary>
    public FakeChatModelServer Reply(string text) => Enqueue(_ => Task.FromResult(Completion(new JsonObject { ["role"] = "assistant", ["content"] = text }, "stop")));

    /// <summary>The next response: the model asks for one or more tool calls; names as Semantic Kernel advertises them (<c>Plugin-Function</c>).</summary>
    public FakeChatModelServer CallTools(params (string Function, object Arguments)[] calls) => Enqueue(_ => Task.FromResult(ToolCalls(calls)));

    private IResult ToolCalls((string Function, object Arguments)[] calls)
    {
        var toolCalls = new JsonArray();
        foreach (var (function, arguments) in calls)
        {
            toolCalls.Add(new JsonObject
            {
                ["id"] = $"call_{Interlocked.Increment(ref _calls)}",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = function, ["arguments"] = JsonSerializer.Serialize(arguments) },
            });
        }

        return Completion(new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = toolCalls }, "tool_calls");
    }

    /// <summary>The next response: an error status, as Azure OpenAI sends it (429 carries Retry-After).</summary>
    public FakeChatModelServer Fail(int status, string? retryAfter = null) => Enqueue(http => Task.FromResult(Error(http, status, retryAfter)));

    private static IResult Error(HttpContext http, int status, string? retryAfter)
    {
        if (retryAfter is not null)
        {
            http.Response.Headers.RetryAfter = retryAfter;
        }

        var error = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = status == 429 ? "429" : status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["message"] = status == 429 ? "Requests to the ChatCompletions_Create Operation have exceeded the token rate limit. Please retry later." : "The server had an error.",
            },
        };
        return Results.Json(error, statusCode: status);
    }

    /// <summary>The next response waits for <paramref name="release"/>, then answers with the assistant's text.</summary>
    public FakeChatModelServer ReplyAfter(Task release, string text) => Enqueue(async _ =>
    {
        await release;
        return Completion(new JsonObject { ["role"] = "assistant", ["content"] = text }, "stop");
    });

    /// <summary>The next response: the endpoint breaks in the given way.</summary>
    public FakeChatModelServer Break(EndpointFault fault) => Enqueue(Broken(fault));

    /// <summary>A response of a broken endpoint, for <see cref="Break"/> or <see cref="WhenScriptEnds"/>.</summary>
    public Func<HttpContext, Task<IResult>> Broken(EndpointFault fault) => fault switch
    {
        // A proxy or the model server died mid-write.
        EndpointFault.Truncated => _ =>
        {
            Completion(new JsonObject { ["role"] = "assistant", ["content"] = "Here is the answer you asked for." }, "stop", out var json);
            return Task.FromResult(Results.Text(json[..(json.Length / 2)], "application/json"));
        },
        // A gateway's error or sign-in page.
        EndpointFault.Html => _ => Task.FromResult(Results.Text("<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")),
        EndpointFault.EmptyBody => _ => Task.FromResult(Results.Text("", "application/json")),
        EndpointFault.NoChoices => _ =>
        {
            Completion(new JsonObject(), "stop", out var json);
            var body = JsonNode.Parse(json)!.AsObject();
            body["choices"] = new JsonArray();
            return Task.FromResult(Results.Text(body.ToJsonString(), "application/json"));
        },
        EndpointFault.ClosedConnection => http =>
        {
            http.Abort();
            return Task.FromResult(Results.Empty);
        },
        EndpointFault.ServerError => http => Task.FromResult(Error(http, 500, null)),
        EndpointFault.UnavailableWithRetryAfter => http => Task.FromResult(Error(http, 503, "0")),
        EndpointFault.RateLimited => http => Task.FromResult(Error(http, 429, "0")),
        EndpointFault.NeverAnswers => async http =>
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return Results.Empty;
        },
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };

    /// <summary>What every request gets once the script is used up (by default a 400 saying so).</summary>
    public FakeChatModelServer WhenScriptEnds(Func<FakeChatModelServer, Func<HttpContext, Task<IResult>>> response)
    {
        _whenDone = response(this);
        return this;
    }

    /// <summary>Forgets what is scripted (and the answer after it) and the requests received, for the next test on a shared endpoint.</summary>
    public void Reset()
    {
        _script.Clear();
        _whenDone = null;
        Requests.Clear();
    }

    /// <summary>For <see cref="WhenScriptEnds"/>: the model asks for these tool calls, every time.</summary>
    public Func<HttpContext, Task<IResult>> ToolCallsEveryTime(params (string Function, object Arguments)[] calls) => _ => Task.FromResult(ToolCalls(calls));

    private FakeChatModelServer Enqueue(Func<HttpContext, Task<IResult>> response)
    {
        _script.Enqueue(response);
        return this;
    }

    private async Task<IResult> HandleAsync(HttpContext http)
    {
        var body = await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body) ?? [];
        Requests.Enqueue(new ModelRequest(http.Request.Path, http.Request.Query["api-version"], http.Request.Headers["api-key"], http.Request.Headers.Authorization, body));
        if (!_script.TryDequeue(out var next) && _whenDone is { } whenDone)
        {
            next = whenDone;
        }

        if (next is null)
        {
            return Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "invalid_request_error", ["message"] = "The fake model has no scripted response left." } }, statusCode: 400);
        }

        return await next(http);
    }

    private static IResult Completion(JsonObject message, string finishReason) => Completion(message, finishReason, out _);

    private static IResult Completion(JsonObject message, string finishReason, out string json)
    {
        var body = new JsonObject
        {
        ["id"] = "chatcmpl-" + Guid.NewGuid().ToString("N")[..12],
        ["object"] = "chat.completion",
        ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["model"] = "gpt-4o-2024-11-20",
        ["system_fingerprint"] = "fp_test",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finishReason }),
        ["usage"] = new JsonObject { ["prompt_tokens"] = 120, ["completion_tokens"] = 20, ["total_tokens"] = 140 },
        };
        json = body.ToJsonString();
        return Results.Text(json, "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The ways a chat-completions endpoint breaks.</summary>
public enum EndpointFault
{
    Truncated,
    Html,
    EmptyBody,
    NoChoices,
    ClosedConnection,
    ServerError,
    UnavailableWithRetryAfter,
    RateLimited,
    NeverAnswers,
}

/// <summary>One chat-completions request as the fake model received it.</summary>
public sealed record ModelRequest(string Path, string? ApiVersion, string? ApiKey, string? Authorization, JsonObject Body)
{
    public IReadOnlyList<JsonObject> Messages => Body["messages"]?.AsArray().OfType<JsonObject>().ToList() ?? [];

    /// <summary>The functions advertised to the model, as <c>Plugin-Function</c>.</summary>
    public IReadOnlyList<string> ToolNames => Body["tools"]?.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>()).ToList() ?? [];

    /// <summary>The results of tool calls the model was sent back, in order.</summary>
    public IReadOnlyList<string> ToolResults => Messages.Where(m => Role(m) == "tool").Select(Content).ToList();

    public string SystemPrompt => Messages.Where(m => Role(m) == "system").Select(Content).FirstOrDefault() ?? "";

    /// <summary>The last user-role message: the person's words, or the material (documents, question) a prompt quotes.</summary>
    public string UserMessage => Messages.Where(m => Role(m) == "user").Select(Content).LastOrDefault() ?? "";

    public IReadOnlyList<(string Role, string Text)> Conversation => Messages.Select(m => (Role(m), Content(m))).ToList();

    private static string Role(JsonObject message) => message["role"]?.GetValue<string>() ?? "";

    // Content is a string or an array of parts, depending on the client.
    private static string Content(JsonObject message) => message["content"] switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.Select(p => p?["text"]?.GetValue<string>() ?? "")),
        _ => "",
    };
}
