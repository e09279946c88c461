using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BotHost.Tests.Infrastructure;

/// <summary>
/// What Azure Bot Service and Entra ID look like to the bot, on loopback: OpenID metadata and
/// signing keys (with channel endorsements, as login.botframework.com publishes them), a
/// client-credentials token endpoint, and a Bot Connector that records what the bot sends and
/// can be told to fail first (429 with Retry-After, 5xx).
/// </summary>
public sealed partial class TestChannel : IAsyncDisposable
{
    public const string AppId = "5b1f0c37-1d2e-4c55-9a0e-0a6f1c2d3e4f";
    public const string AppPassword = "test-secret-not-real";
    public const string TenantId = "7e0c5a57-6d55-4a9c-8f51-2b7c9e3f4a10";
    public const string EndorsedKey = "endorsed-key";
    public const string OtherChannelKey = "slack-only-key";
    public const string EntraKey = "entra-key";
    public const string UnknownKey = "unknown-key";

    private readonly WebApplication _app;
    private readonly Dictionary<string, RsaSecurityKey> _keys = new()
    {
        [EndorsedKey] = NewKey(EndorsedKey),
        [OtherChannelKey] = NewKey(OtherChannelKey),
        [EntraKey] = NewKey(EntraKey),
        [UnknownKey] = NewKey(UnknownKey),
    };
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string? RetryAfter)>> _failures = new();
    private int _tokensIssued;

    private TestChannel(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The serviceUrl activities carry: replies come back here.</summary>
    public string ServiceUrl => BaseAddress.ToString().TrimEnd('/') + "/";

    /// <summary>Every request the bot made to the connector, in order (failed attempts included).</summary>
    public ConcurrentQueue<ConnectorCall> Calls { get; } = new();

    /// <summary>The successful connector calls that carried an activity.</summary>
    public IReadOnlyList<ConnectorCall> Delivered => Calls.Where(c => c.Status < 300 && c.Activity is not null).ToList();

    public int TokensIssued => _tokensIssued;

    /// <summary>
    /// Cards the bot sent that are not valid Adaptive Card 1.5: each is refused with 400, as Teams
    /// refuses a card it cannot render, and listed here; and disposing the channel fails its test class.
    /// </summary>
    public ConcurrentQueue<string> CardProblems { get; } = new();


    /// <summary>Settings that point the bot at this channel, in authenticated mode.</summary>
    public Dictionary<string, string?> BotSettings() => new()
    {
        ["Bot:MicrosoftAppId"] = AppId,
        ["Bot:MicrosoftAppPassword"] = AppPassword,
        ["Bot:MicrosoftAppTenantId"] = TenantId,
        ["Bot:OpenIdMetadataUrl"] = $"{BaseAddress}v1/.well-known/openidconfiguration",
        ["Bot:EntraOpenIdMetadataUrl"] = $"{BaseAddress}{{tenantId}}/v2.0/.well-known/openid-configuration",
        ["Bot:TokenEndpoint"] = $"{BaseAddress}{{tenantId}}/oauth2/v2.0/token",
    };

    /// <summary>The next connector calls about this conversation answer with this status before the channel accepts again.</summary>
    public void FailNext(string conversation, int status, int times = 1, string? retryAfter = null)
    {
        var queue = _failures.GetOrAdd(conversation, _ => new());
        for (var i = 0; i < times; i++)
        {
            queue.Enqueue((status, retryAfter));
        }
    }

    /// <summary>A channel→bot token signed the way the Bot Framework signs them.</summary>
    public string ChannelToken(
        string? serviceUrl = null, string audience = AppId, string issuer = "https://api.botframework.com", string keyId = EndorsedKey,
        DateTime? expires = null, DateTime? notBefore = null)
    {
        var claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl ?? ServiceUrl };
        return Sign(claims, audience, issuer, keyId, expires, notBefore);
    }

    /// <summary>An Entra ID (v1 or v2 issuer) token for the bot's tenant.</summary>
    public string EntraToken(bool v2 = true, string audience = AppId, string? serviceUrl = null, string? objectId = null)
    {
        var claims = new Dictionary<string, object> { ["tid"] = TenantId, ["appid"] = "channel-app" };
        if (serviceUrl is not null)
        {
            claims["serviceurl"] = serviceUrl;
        }

        if (objectId is not null)
        {
            claims["oid"] = objectId;
        }

        var issuer = v2 ? $"https://login.microsoftonline.com/{TenantId}/v2.0" : $"https://sts.windows.net/{TenantId}/";
        return Sign(claims, audience, issuer, EntraKey, null, null);
    }

    private string Sign(Dictionary<string, object> claims, string audience, string issuer, string keyId, DateTime? expires, DateTime? notBefore)
    {
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = (notBefore ?? now).AddMinutes(-1),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            Expires = expires ?? now.AddHours(1),
            SigningCredentials = new SigningCredentials(_keys[keyId], SecurityAlgorithms.RsaSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    public static async Task<TestChannel> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var channel = new TestChannel(app);
        channel.Map(app);
        await app.StartAsync();
        channel.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return channel;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/v1/.well-known/openidconfiguration", () => Results.Json(new JsonObject
        {
            ["issuer"] = "https://api.botframework.com",
            ["authorization_endpoint"] = "https://invalid.botframework.com",
            ["jwks_uri"] = $"{BaseAddress}v1/.well-known/keys",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
        }));
        app.MapGet("/v1/.well-known/keys", () => Results.Json(new JsonObject
        {
            ["keys"] = new JsonArray(
                Jwk(_keys[EndorsedKey], "msteams", "webchat", "directline", "emulator"),
                Jwk(_keys[OtherChannelKey], "slack")),
        }));
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => Results.Json(new JsonObject
        {
            ["issuer"] = $"https://login.microsoftonline.com/{tenant}/v2.0",
            ["authorization_endpoint"] = $"{BaseAddress}{tenant}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{BaseAddress}{tenant}/oauth2/v2.0/token",
            ["jwks_uri"] = $"{BaseAddress}entra/keys",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
        }));
        app.MapGet("/entra/keys", () => Results.Json(new JsonObject { ["keys"] = new JsonArray(Jwk(_keys[EntraKey])) }));
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["client_id"] != AppId || form["client_secret"] != AppPassword || form["grant_type"] != "client_credentials")
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }

            var n = Interlocked.Increment(ref _tokensIssued);
            return Results.Json(new { token_type = "Bearer", expires_in = 3600, access_token = $"connector-token-{n}" });
        });

        app.MapMethods("/v3/conversations/{**path}", ["POST", "PUT", "DELETE"], (Delegate)HandleConnectorAsync);
        app.MapPost("/v3/conversations", (Delegate)HandleConnectorAsync);
    }

    private async Task<IResult> HandleConnectorAsync(HttpContext http)
    {
        JsonObject? body = null;
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            body = await JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body);
        }

        var status = 200;
        string? retryAfter = null;
        var conversation = http.Request.Path.Value!.Split('/') is { Length: > 3 } parts ? Uri.UnescapeDataString(parts[3]) : "";
        // Scripted failures hit messages, not typing indicators, so a test knows which call failed.
        var isTyping = body?["type"]?.GetValue<string>() == "typing";
        if (!isTyping && _failures.TryGetValue(conversation, out var queue) && queue.TryDequeue(out var failure))
        {
            (status, retryAfter) = failure;
        }

        var problems = new List<string>();
        CheckCards(body, problems);
        if (problems.Count > 0 && status < 300)
        {
            status = 400;
            CardProblems.Enqueue($"{http.Request.Method} {http.Request.Path}: {string.Join("; ", problems)}\n{body!.ToJsonString()}");
        }

        Calls.Enqueue(new ConnectorCall(http.Request.Method, Uri.UnescapeDataString(http.Request.Path.Value!), http.Request.Headers.Authorization.ToString(), status, body));
        if (status >= 300)
        {
            if (retryAfter is not null)
            {
                http.Response.Headers.RetryAfter = retryAfter;
            }

            return status == 400
                ? Results.Json(new { error = new { code = "BadArgument", message = "The activity carries an Adaptive Card that is not valid Adaptive Card 1.5." } }, statusCode: 400)
                : Results.StatusCode(status);
        }

        return http.Request.Path == "/v3/conversations"
            ? Results.Json(new { id = "created-" + Guid.NewGuid().ToString("N")[..8], activityId = "1" })
            : Results.Json(new { id = "sent-" + Calls.Count });
    }

    /// <summary>Adds what is wrong with the activity's Adaptive Cards (TestChannel.Cards.cs; absent where this file is linked alone).</summary>
    partial void CheckCards(JsonObject? activity, List<string> problems);

    private static JsonObject Jwk(RsaSecurityKey key, params string[] endorsements)
    {
        var parameters = key.Rsa.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = key.KeyId,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        if (endorsements.Length > 0)
        {
            jwk["endorsements"] = new JsonArray(endorsements.Select(e => (JsonNode)e).ToArray());
        }

        return jwk;
    }

    private static RsaSecurityKey NewKey(string id) => new(RSA.Create(2048)) { KeyId = id };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!CardProblems.IsEmpty)
        {
            // Fails the test class whose fixture owns this channel, naming every invalid card.
            throw new InvalidOperationException("The bot sent Adaptive Cards that are not valid 1.5:\n" + string.Join("\n", CardProblems));
        }
    }
}

public sealed record ConnectorCall(string Method, string Path, string Authorization, int Status, JsonObject? Activity)
{
    public string? Text => Activity?["text"]?.GetValue<string>();
    public string? Type => Activity?["type"]?.GetValue<string>();
}
