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
using PartnerAssistant.People;

namespace BotHost.DirectLine;

/// <summary>
/// Direct Line 3.0 as Web Chat's <c>createDirectLine({ token, domain, webSocket: false })</c> uses it:
/// token generate and refresh, start and resume a conversation, post an activity, poll for activities.
/// Errors answer <c>{"error": {"code", "message"}}</c> as the Direct Line service does.
/// </summary>
public static class DirectLineEndpoints
{
    public const string CorsPolicy = "DirectLine";

    public static IServiceCollection AddDirectLine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DirectLineOptions>().Bind(configuration.GetSection(DirectLineOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrEmpty(o.Secret) || o.Secret.Length >= 32, DirectLineOptions.SecretTooShort)
            .ValidateOnStart();
        services.AddSingleton<DirectLineTokens>();
        services.AddSingleton<DirectLineConversations>();
        services.AddSingleton<DirectLineTranscript>();
        services.AddSingleton<DirectLineChannel>();
        services.AddSingleton<IInProcessChannel, DirectLineInProcessChannel>();
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
        var group = app.MapGroup("/v3/directline").RequireCors(CorsPolicy).DisableAntiforgery();
        group.MapPost("/tokens/generate", GenerateAsync);
        group.MapPost("/tokens/refresh", Refresh);
        group.MapPost("/conversations", StartAsync);
        group.MapGet("/conversations/{conversationId}", Resume);
        group.MapPost("/conversations/{conversationId}/activities", PostActivityAsync)
            .WithBodyLimit(app.Services.GetRequiredService<IOptions<BotOptions>>().Value.MaxRequestBodyBytes);
        group.MapGet("/conversations/{conversationId}/activities", GetActivities);
        group.MapPost("/conversations/{conversationId}/upload", () => Error(HttpStatusCode.NotImplemented, "NotSupported", "File upload is not supported by this endpoint."));
    }

    /// <summary>
    /// A token for one new conversation as one user. A server sends the secret; in local development
    /// mode a loopback caller (the host's own page) may ask without one. The user must be in the directory.
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

        var conversation = conversations.Create(caller.Person.ChannelUserId, caller.Person.DisplayName);
        return Conversation(tokens, conversation, StatusCodes.Status200OK);
    }

    private static IResult Refresh(HttpContext http, DirectLineTokens tokens, DirectLineConversations conversations)
    {
        var grant = tokens.Read(Bearer(http));
        return grant is null ? Expired() : Conversation(tokens, conversations.Open(grant), StatusCodes.Status200OK);
    }

    private static async Task<IResult> StartAsync(HttpContext http, DirectLineTokens tokens, DirectLineConversations conversations, DirectLineChannel channel)
    {
        var grant = tokens.Read(Bearer(http));
        if (grant is null)
        {
            return Error(HttpStatusCode.Forbidden, "BadArgument", "Start a conversation with a token from /v3/directline/tokens/generate; the token names the user.");
        }

        var conversation = conversations.Open(grant);
        var isNew = !conversation.Started;
        await channel.StartAsync(conversation, ServiceUrl(http), http.RequestAborted);
        return Conversation(tokens, conversation, isNew ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static IResult Resume(string conversationId, HttpContext http, DirectLineTokens tokens, DirectLineConversations conversations)
    {
        var grant = tokens.Read(Bearer(http));
        if (grant is null)
        {
            return Expired();
        }

        return grant.ConversationId != conversationId
            ? NotYours()
            : Conversation(tokens, conversations.Open(grant), StatusCodes.Status200OK);
    }

    private static async Task<IResult> PostActivityAsync(string conversationId, HttpContext http, DirectLineTokens tokens,
        DirectLineConversations conversations, DirectLineChannel channel, IOptions<BotOptions> bot)
    {
        var grant = tokens.Read(Bearer(http));
        if (grant is null)
        {
            return Expired();
        }

        if (grant.ConversationId != conversationId)
        {
            return NotYours();
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

        var conversation = conversations.Open(grant);
        var id = await channel.PostAsync(conversation, posted, ServiceUrl(http), http.RequestAborted);
        return Results.Json(new ResourceResponse { Id = id }, BotJson.Options);
    }

    private static IResult GetActivities(string conversationId, string? watermark, HttpContext http, DirectLineTokens tokens, DirectLineConversations conversations)
    {
        var grant = tokens.Read(Bearer(http));
        if (grant is null)
        {
            return Expired();
        }

        if (grant.ConversationId != conversationId)
        {
            return NotYours();
        }

        var from = int.TryParse(watermark, out var mark) ? mark : (int?)null;
        var (activities, next) = conversations.Open(grant).Read(from);
        return Results.Json(new JsonObject
        {
            ["activities"] = new JsonArray(activities.Select(a => (JsonNode)a).ToArray()),
            ["watermark"] = next.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    private static IResult Conversation(DirectLineTokens tokens, DirectLineConversation conversation, int status) =>
        Results.Json(new JsonObject
        {
            ["conversationId"] = conversation.Id,
            ["token"] = tokens.Issue(conversation.Id, conversation.UserId, conversation.UserName),
            ["expires_in"] = (int)tokens.Lifetime.TotalSeconds,
        }, statusCode: status);

    /// <summary>Where the bot's turns say they came from; replies never go there (they are kept for polling).</summary>
    private static string ServiceUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}/v3/directline/";

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
            return await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult Expired() => Error(HttpStatusCode.Forbidden, "TokenExpired", "The token is missing, invalid or expired.");

    private static IResult NotYours() => Error(HttpStatusCode.Forbidden, "BadArgument", "The token is for another conversation.");

    private static IResult Error(HttpStatusCode status, string code, string message) =>
        Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, statusCode: (int)status);
}
