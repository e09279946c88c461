using System.Diagnostics;
using Activity = BotFramework.Schema.Activity;
using System.Text.Json;
using BotFramework.Authentication;
using BotFramework.Connector;
using BotFramework.Schema;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BotFramework.Adapter;

/// <summary>
/// Takes activities from the channel over HTTP, checks who sent them, runs the bot's turn and
/// answers as the Bot Framework expects: 200 for a processed turn, the invoke response for an
/// invoke, <c>{"activities": [...]}</c> for expectReplies, 401 for a bad token, 400 with a
/// problem-details body for bad input, and 200 after an apology when the bot throws.
/// </summary>
public sealed class BotAdapter(
    ChannelAuthenticator authenticator,
    ConnectorClient connector,
    IActivityDeduplicator deduplicator,
    IServiceUrlTrust serviceUrls,
    ITurnErrorHandler errorHandler,
    IEnumerable<IInProcessChannel> inProcessChannels,
    IOptions<BotOptions> options,
    TimeProvider time,
    ILogger<BotAdapter> logger)
{
    public async Task ProcessAsync(HttpContext http, IBot bot)
    {
        var cancellationToken = http.RequestAborted;
        var settings = options.Value;

        if (http.Request.ContentLength > settings.MaxRequestBodyBytes)
        {
            await RejectAsync(http, 413, "Request body too large", $"An activity may be at most {settings.MaxRequestBodyBytes} bytes.");
            return;
        }

        if (!settings.IsLocalDevelopmentMode && string.IsNullOrEmpty(http.Request.Headers.Authorization))
        {
            await UnauthorizedAsync(http, "no bearer token");
            return;
        }

        var body = await ReadBodyAsync(http.Request, settings.MaxRequestBodyBytes, cancellationToken);
        if (body is null)
        {
            await RejectAsync(http, 413, "Request body too large", $"An activity may be at most {settings.MaxRequestBodyBytes} bytes.");
            return;
        }

        Activity? activity;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            await RejectAsync(http, 400, "Malformed activity", $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}).");
            return;
        }

        using (document)
        {
            if (ActivityValidation.TextProblem(document.RootElement) is { } textProblem)
            {
                await RejectAsync(http, 400, "Malformed activity", textProblem);
                return;
            }

            try
            {
                activity = document.Deserialize<Activity>(BotJson.Options);
            }
            catch (JsonException ex)
            {
                await RejectAsync(http, 400, "Malformed activity", DescribeJsonError(ex));
                return;
            }
        }

        if (activity is null)
        {
            await RejectAsync(http, 400, "Malformed activity", "The body must be a JSON object.");
            return;
        }

        var identity = await authenticator.AuthenticateAsync(http.Request.Headers.Authorization, activity, http.Connection.RemoteIpAddress, cancellationToken);
        if (!identity.IsAuthenticated)
        {
            await UnauthorizedAsync(http, identity.FailureReason);
            return;
        }

        if (ActivityValidation.ShapeProblem(activity, needsServiceUrl: true) is { } problem)
        {
            await RejectAsync(http, 400, "Invalid activity", problem);
            return;
        }

        if (identity.VouchesForServiceUrl && activity.ServiceUrl is { Length: > 0 } serviceUrl)
        {
            await serviceUrls.TrustAsync(serviceUrl, cancellationToken);
        }

        if (activity.Type != ActivityTypes.Invoke && !string.IsNullOrEmpty(activity.Id)
            && !await deduplicator.TryBeginAsync(activity.ChannelId ?? "", activity.Conversation!.Id!, activity.Id!, cancellationToken))
        {
            logger.LogInformation("Dropped a re-delivery of activity {ActivityId}", activity.Id);
            await WriteResultAsync(http, activity, null);
            return;
        }

        var turn = new TurnContext(activity, identity, connector);
        await RunTurnAsync(turn, bot, cancellationToken);
        await WriteResultAsync(http, activity, turn);
    }

    /// <summary>
    /// Runs a turn for an activity a channel in this process has already authenticated (the local
    /// Direct Line endpoint): the bot's replies go to <paramref name="sink"/>. Returns the invoke
    /// response for an invoke, else null. Errors are handled as for any turn: logged, and the user
    /// gets the apology.
    /// </summary>
    public async Task<InvokeResponse?> ProcessActivityAsync(Activity activity, IActivitySink sink, IBot bot, CancellationToken cancellationToken)
    {
        var turn = new SinkTurnContext(activity, ChannelIdentity.Anonymous, sink);
        await RunTurnAsync(turn, bot, cancellationToken);
        return activity.Type == ActivityTypes.Invoke ? turn.InvokeResponse ?? new InvokeResponse(501) : null;
    }

    /// <summary>Runs a callback as a turn in an existing conversation, to send proactive messages.</summary>
    public async Task ContinueConversationAsync(ConversationReference reference, Func<ITurnContext, CancellationToken, Task> callback, CancellationToken cancellationToken)
    {
        var activity = new Activity
        {
            Type = ActivityTypes.Event,
            Name = "ContinueConversation",
            ChannelId = reference.ChannelId,
            ServiceUrl = reference.ServiceUrl,
            Conversation = reference.Conversation,
            From = reference.User,
            Recipient = reference.Bot,
            Locale = reference.Locale,
        };
        ITurnContext turn = new TurnContext(activity, ChannelIdentity.Anonymous, connector, proactive: true);
        if (inProcessChannels.FirstOrDefault(c => c.ChannelId == reference.ChannelId) is { } channel)
        {
            var sink = channel.FindSink(reference)
                ?? throw new ConnectorException($"The {reference.ChannelId} conversation {reference.Conversation?.Id} no longer exists.", 404);
            turn = new SinkTurnContext(activity, ChannelIdentity.Anonymous, sink);
        }

        await callback(turn, cancellationToken);
    }

    /// <summary>Opens a new conversation (a 1:1 chat with a user, for a proactive message) and runs the callback in it.</summary>
    public async Task CreateConversationAsync(
        string channelId, string serviceUrl, ConversationParameters parameters, Func<ITurnContext, CancellationToken, Task> callback, CancellationToken cancellationToken)
    {
        var created = await connector.CreateConversationAsync(serviceUrl, parameters, cancellationToken);
        var reference = new ConversationReference
        {
            ChannelId = channelId,
            ServiceUrl = created.ServiceUrl ?? serviceUrl,
            Bot = parameters.Bot,
            User = parameters.Members.FirstOrDefault(),
            Conversation = new ConversationAccount { Id = created.Id, TenantId = parameters.TenantId, ConversationType = "personal" },
        };
        await ContinueConversationAsync(reference, callback, cancellationToken);
    }

    private async Task RunTurnAsync(ITurnContext turn, IBot bot, CancellationToken cancellationToken)
    {
        var activity = turn.Activity;
        using var span = BotTelemetry.Source.StartActivity("turn " + activity.Type, ActivityKind.Server);
        span?.SetTag("bot.activity.type", activity.Type);
        span?.SetTag("bot.channel", activity.ChannelId);
        var correlationId = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? Guid.NewGuid().ToString("N");
        using var scope = logger.BeginScope("Correlation {CorrelationId} activity {ActivityId} on {ChannelId}", correlationId, activity.Id, activity.ChannelId);

        var started = Stopwatch.GetTimestamp();
        using var typingStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var typing = activity.Type == ActivityTypes.Message && activity.DeliveryMode != DeliveryModes.ExpectReplies
            ? KeepTypingAsync(turn, typingStop.Token)
            : Task.CompletedTask;
        try
        {
            await bot.OnTurnAsync(turn, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            logger.LogError(ex, "Turn {CorrelationId} failed on a {ActivityType} activity", correlationId, activity.Type);
            try
            {
                await errorHandler.OnTurnErrorAsync(turn, ex, correlationId, cancellationToken);
            }
            catch (Exception handlerError)
            {
                logger.LogError(handlerError, "The turn error handler failed for {CorrelationId}", correlationId);
            }

            if (activity.Type == ActivityTypes.Invoke)
            {
                turn.InvokeResponse ??= new InvokeResponse(500);
            }
        }
        finally
        {
            await typingStop.CancelAsync();
            await typing;
            BotTelemetry.TurnDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("bot.activity.type", activity.Type));
        }
    }

    /// <summary>A typing indicator once a turn has run past the delay, renewed while it runs.</summary>
    private async Task KeepTypingAsync(ITurnContext turn, CancellationToken stop)
    {
        try
        {
            await Task.Delay(options.Value.TypingDelay, time, stop);
            while (!stop.IsCancellationRequested)
            {
                await turn.SendActivityAsync(new Activity { Type = ActivityTypes.Typing }, stop);
                await Task.Delay(TimeSpan.FromSeconds(3), time, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ConnectorException ex)
        {
            logger.LogDebug(ex, "Could not send a typing indicator");
        }
    }

    private static async Task WriteResultAsync(HttpContext http, Activity activity, TurnContext? turn)
    {
        if (activity.Type == ActivityTypes.Invoke)
        {
            var invoke = turn?.InvokeResponse ?? new InvokeResponse(501);
            http.Response.StatusCode = invoke.Status;
            if (invoke.Body is not null)
            {
                await http.Response.WriteAsJsonAsync(invoke.Body, BotJson.Options);
            }

            return;
        }

        if (activity.DeliveryMode == DeliveryModes.ExpectReplies)
        {
            var replies = new ExpectedReplies { Activities = turn?.BufferedReplies?.ToList() ?? [] };
            http.Response.StatusCode = 200;
            await http.Response.WriteAsJsonAsync(replies, BotJson.Options);
            return;
        }

        http.Response.StatusCode = 200;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string DescribeJsonError(JsonException ex) =>
        ex.Path is { Length: > 1 } path
            ? $"The field '{path.TrimStart('$', '.')}' has the wrong type or format."
            : "The body must be a JSON object describing an activity.";

    private Task UnauthorizedAsync(HttpContext http, string? reason)
    {
        BotTelemetry.TurnsRejected.Add(1, new KeyValuePair<string, object?>("reason", "unauthorized"));
        logger.LogWarning("Refused an activity: {Reason}", reason);
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return RejectAsync(http, 401, "Unauthorized", "The request does not carry a valid Bot Framework token.");
    }

    private static Task RejectAsync(HttpContext http, int status, string title, string detail)
    {
        if (status is 400 or 413)
        {
            BotTelemetry.TurnsRejected.Add(1, new KeyValuePair<string, object?>("reason", "bad request"));
        }

        http.Response.StatusCode = status;
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = status == 401 ? "https://tools.ietf.org/html/rfc9110#section-15.5.2" : "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        };
        return http.Response.WriteAsJsonAsync(problem, (JsonSerializerOptions?)null, "application/problem+json");
    }
}
