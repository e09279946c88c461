using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BotFramework;
using BotFramework.Adapter;
using BotFramework.Schema;
using BotHost.Operations;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;
using PartnerAssistant.People;

namespace BotHost.DirectLine;

/// <summary>
/// Direct Line 3.0 as Web Chat's <c>createDirectLine({ token, domain, webSocket: false })</c> uses it:
/// token generate and refresh, start and resume a conversation, post an activity, upload files, poll for activities.
/// Errors answer <c>{"error": {"code", "message"}}</c> as the Direct Line service does.
/// </summary>
public static class DirectLineEndpoints
{
    public const string CorsPolicy = "DirectLine";

    /// <summary>Where uploaded files are served from, under the Direct Line root.</summary>
    public const string FilesPath = "files";

    public static IServiceCollection AddDirectLine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DirectLineOptions>().Bind(configuration.GetSection(DirectLineOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.Secret) || o.Secret.Length >= 32, DirectLineOptions.SecretTooShort)
            .ValidateOnStart();
        services.AddAssistantDbContext<DirectLineDbContext, SqliteDirectLineDbContext, PostgresDirectLineDbContext>(DirectLineDbContext.HistoryTable);
        services.AddSingleton<DirectLineTokens>();
        services.AddSingleton<DirectLineConversations>();
        services.AddSingleton<DirectLineTranscript>();
        services.AddSingleton<DirectLineChannel>();
        services.AddSingleton<DirectLineUploads>();
        services.AddSingleton<IInProcessChannel, DirectLineInProcessChannel>();
        services.AddHostedService<DirectLineSweeper>();
        services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            var origins = configuration.GetSection(DirectLineOptions.SectionName).Get<DirectLineOptions>()?.AllowedOrigins ?? [];
            policy.WithOrigins(origins).AllowAnyHeader().WithMethods("GET", "POST");
        }));
        return services;
    }

    public static void MapDirectLine(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DirectLineOptions>>().Value.Enabled)
        {
            return;
        }

        app.UseCors();
        var group = app.MapGroup("/v3/directline").RequireCors(CorsPolicy).DisableAntiforgery().ExcludeFromDescription();
        group.MapPost("/tokens/generate", GenerateAsync);
        group.MapPost("/tokens/refresh", RefreshAsync);
        group.MapPost("/conversations", StartAsync);
        group.MapGet("/conversations/{conversationId}", ResumeAsync);
        group.MapPost("/conversations/{conversationId}/activities", PostActivityAsync)
            .WithBodyLimit(app.Services.GetRequiredService<IOptions<BotOptions>>().Value.MaxRequestBodyBytes);
        group.MapGet("/conversations/{conversationId}/activities", GetActivitiesAsync);
        group.MapPost("/conversations/{conversationId}/upload", DirectLineUpload.UploadAsync)
            .WithBodyLimit(app.Services.GetRequiredService<DirectLineUploads>().MaxRequestBytes);
        group.MapGet($"/{FilesPath}/{{fileId}}/{{name}}", DirectLineUpload.DownloadAsync);
    }

    /// <summary>
    /// A token for a conversation as one user. A server sends the secret; in local development mode a
    /// loopback caller (the host's own page) may ask without one. The user must be in the directory.
    /// With <c>"resume": true</c> the token is for the person's most recent conversation (the page
    /// reopened), else for a new one.
    /// </summary>
    private static async Task<IResult> GenerateAsync(HttpContext http, DirectLineTokens tokens, DirectLineConversations conversations,
        DirectoryService directory, IOptions<DirectLineOptions> options, IOptions<BotOptions> bot)
    {
        var secret = options.Value.Secret;
        var bearer = Bearer(http);
        var bySecret = !string.IsNullOrEmpty(secret) && bearer is not null
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(bearer), Encoding.UTF8.GetBytes(secret));
        var byLoopback = bot.Value.IsLocalDevelopmentMode && http.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address);
        if (!bySecret && !byLoopback)
        {
            return Error(HttpStatusCode.Forbidden, "BadArgument",
                string.IsNullOrEmpty(secret)
                    ? "Tokens are issued only in local development mode, to this machine. Set DirectLine:Secret to issue them to a server."
                    : "Send the Direct Line secret as a bearer token.");
        }

        var body = await ReadJsonAsync(http);
        var userId = body.Field("user").Field("id").Text()?.Trim();
        if (string.IsNullOrEmpty(userId) || userId.Length > 256)
        {
            return Error(HttpStatusCode.BadRequest, "BadArgument", "Name the user: {\"user\": {\"id\": \"<channel user id>\"}}.");
        }

        var caller = await directory.FindByChannelUserAsync(userId, http.RequestAborted);
        if (caller is null)
        {
            return Error(HttpStatusCode.BadRequest, "BadArgument", $"There is no one with the channel user id '{userId}' in the directory.");
        }

        var resume = body?["resume"] is JsonValue flag && flag.TryGetValue<bool>(out var yes) && yes;
        var conversation = (resume ? await conversations.LatestOfAsync(caller.Person.ChannelUserId, http.RequestAborted) : null)
            ?? await conversations.CreateAsync(caller.Person.ChannelUserId, caller.Person.DisplayName, http.RequestAborted);
        return await ConversationAsync(tokens, conversation, StatusCodes.Status200OK, http.RequestAborted);
    }

    private static async Task<IResult> RefreshAsync(HttpContext http, DirectLineTokens tokens, DirectLineConversations conversations)
    {
        var grant = await tokens.ReadAsync(Bearer(http), http.RequestAborted);
        return grant is null ? Expired() : await ConversationAsync(tokens, await conversations.OpenAsync(grant, http.RequestAborted), StatusCodes.Status200OK, http.RequestAborted);
    }

    private static async Task<IResult> StartAsync(HttpContext http, DirectLineTokens tokens, DirectLineConversations conversations, DirectLineChannel channel)
    {
        var grant = await tokens.ReadAsync(Bearer(http), http.RequestAborted);
        if (grant is null)
        {
            return Error(HttpStatusCode.Forbidden, "BadArgument", "Start a conversation with a token from /v3/directline/tokens/generate; the token names the user.");
        }

        var conversation = await conversations.OpenAsync(grant, http.RequestAborted);
        await channel.StartAsync(conversation, ServiceUrl(http), http.RequestAborted);
        return await ConversationAsync(tokens, conversation, conversation.Started ? StatusCodes.Status200OK : StatusCodes.Status201Created, http.RequestAborted);
    }

    private static async Task<IResult> ResumeAsync(string conversationId, HttpContext http, DirectLineTokens tokens, DirectLineConversations conversations)
    {
        var grant = await tokens.ReadAsync(Bearer(http), http.RequestAborted);
        if (grant is null)
        {
            return Expired();
        }

        return grant.ConversationId != conversationId
            ? NotYours()
            : await ConversationAsync(tokens, await conversations.OpenAsync(grant, http.RequestAborted), StatusCodes.Status200OK, http.RequestAborted);
    }

    private static async Task<IResult> PostActivityAsync(string conversationId, HttpContext http, DirectLineTokens tokens,
        DirectLineConversations conversations, DirectLineChannel channel, IOptions<BotOptions> bot)
    {
        var (grant, refusal) = await AuthorizeAsync(conversationId, http, tokens);
        if (grant is null)
        {
            return refusal!;
        }

        if (http.Request.ContentLength > bot.Value.MaxRequestBodyBytes)
        {
            return Error(HttpStatusCode.RequestEntityTooLarge, "MessageSizeTooBig", $"An activity may be at most {bot.Value.MaxRequestBodyBytes} bytes.");
        }

        Activity? posted;
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            if (ActivityValidation.TextProblem(document.RootElement) is { } textProblem)
            {
                return Error(HttpStatusCode.BadRequest, "BadArgument", textProblem);
            }

            posted = document.Deserialize<Activity>(BotJson.Options);
        }
        catch (JsonException)
        {
            return Error(HttpStatusCode.BadRequest, "BadArgument", "The body must be an activity as JSON.");
        }

        if (posted?.Type is not (ActivityTypes.Message or ActivityTypes.Event or ActivityTypes.Typing))
        {
            return Error(HttpStatusCode.BadRequest, "BadArgument", "Post a message, event or typing activity.");
        }

        if (ActivityValidation.ListProblem(posted) is { } listProblem)
        {
            return Error(HttpStatusCode.BadRequest, "BadArgument", listProblem);
        }

        var conversation = await conversations.OpenAsync(grant, http.RequestAborted);

        var id = await channel.PostAsync(conversation, posted, ServiceUrl(http), http.RequestAborted);
        return Results.Json(new ResourceResponse { Id = id }, BotJson.Options);
    }

    private static async Task<IResult> GetActivitiesAsync(string conversationId, string? watermark, HttpContext http, DirectLineTokens tokens, DirectLineConversations conversations)
    {
        var (grant, refusal) = await AuthorizeAsync(conversationId, http, tokens);
        if (grant is null)
        {
            return refusal!;
        }

        var conversation = await conversations.OpenAsync(grant, http.RequestAborted);
        var from = long.TryParse(watermark, out var mark) ? mark : (long?)null;
        var (activities, next) = await conversations.ReadAsync(conversation.Id, from, http.RequestAborted);
        return Results.Json(new JsonObject
        {
            ["activities"] = new JsonArray(activities.Select(a => (JsonNode)a).ToArray()),
            ["watermark"] = next.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>The grant of the request's token when it is for this conversation; else the error to answer.</summary>
    internal static async Task<(DirectLineGrant? Grant, IResult? Refusal)> AuthorizeAsync(string conversationId, HttpContext http, DirectLineTokens tokens)
    {
        var grant = await tokens.ReadAsync(Bearer(http), http.RequestAborted);
        if (grant is null)
        {
            return (null, Expired());
        }

        return grant.ConversationId != conversationId ? (null, NotYours()) : (grant, null);
    }

    private static async Task<IResult> ConversationAsync(DirectLineTokens tokens, DirectLineConversation conversation, int status, CancellationToken cancellationToken) =>
        Results.Json(new JsonObject
        {
            ["conversationId"] = conversation.Id,
            ["token"] = await tokens.IssueAsync(conversation.Id, conversation.UserId, conversation.UserName, cancellationToken),
            ["expires_in"] = (int)tokens.Lifetime.TotalSeconds,
        }, statusCode: status);

    /// <summary>Where the bot's turns say they came from; replies never go there (they are kept for polling).</summary>
    internal static string ServiceUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}/v3/directline/";

    private static string? Bearer(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    private static async Task<JsonObject?> ReadJsonAsync(HttpContext http)
    {
        if (http.Request.ContentLength is 0 or > 16 * 1024)
        {
            return null;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<JsonNode>(http.Request.Body, cancellationToken: http.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Expired() => Error(HttpStatusCode.Forbidden, "TokenExpired", "The token is missing, invalid or expired.");

    private static IResult NotYours() => Error(HttpStatusCode.Forbidden, "BadArgument", "The token is for another conversation.");

    internal static IResult Error(HttpStatusCode status, string code, string message) =>
        Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, statusCode: (int)status);
}

/// <summary>Removes expired and surplus Direct Line conversations now and then.</summary>
internal sealed class DirectLineSweeper(DirectLineConversations conversations, IOptions<DirectLineOptions> options, TimeProvider time,
    ILogger<DirectLineSweeper> logger, IHostApplicationLifetime lifetime) : PeriodicWorker(time, logger, lifetime)
{
    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override string Name => "Direct Line clean-up";

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var removed = await conversations.SweepAsync(cancellationToken);
        if (removed > 0)
        {
            logger.LogInformation("Removed {Count} idle Direct Line conversations", removed);
        }
    }
}
