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
    public const string UnendorsedKey = "unendorsed-key";

    /// <summary>The admin API's own audience (its app registration's application ID URI).</summary>
    public const string AdminAudience = "api://partner-assistant-admin";

    /// <summary>An application the authenticated host trusts as a caller (a skill host), besides the bot itself.</summary>
    public const string SkillCallerApp = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d";

    /// <summary>The dashboard's client app, which asks Entra ID for admin tokens on a person's behalf.</summary>
    public const string AdminClientApp = "0d2c6a51-3b7e-4f0a-9c1d-5e6f7a8b9c0d";

    private readonly WebApplication _app;
    private readonly Dictionary<string, RsaSecurityKey> _keys = new()
    {
        [EndorsedKey] = NewKey(EndorsedKey),
        [OtherChannelKey] = NewKey(OtherChannelKey),
        [EntraKey] = NewKey(EntraKey),
        [UnknownKey] = NewKey(UnknownKey),
        [UnendorsedKey] = NewKey(UnendorsedKey),
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
        ["AdminApi:Audiences:0"] = AdminAudience,
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

    /// <summary>A channel→bot token signed the way the Bot Framework signs them; <paramref name="serviceUrl"/>
    /// <c>""</c> leaves the serviceurl claim out.</summary>
    public string ChannelToken(
        string? serviceUrl = null, string audience = AppId, string issuer = "https://api.botframework.com", string keyId = EndorsedKey,
        DateTime? expires = null, DateTime? notBefore = null)
    {
        var claims = new Dictionary<string, object>();
        if (serviceUrl != "")
        {
            claims["serviceurl"] = serviceUrl ?? ServiceUrl;
        }

        return Sign(claims, audience, issuer, keyId, expires, notBefore);
    }

    /// <summary>
    /// An Entra ID token of the bot's tenant. By default the app-only token the bot's own app gets
    /// (emulator and skill style: <c>ver</c> with <c>appid</c> in v1 or <c>azp</c> in v2, no scopes);
    /// <paramref name="callerApp"/> names another application, <paramref name="scope"/> makes it a
    /// person's delegated token, <paramref name="version"/> <c>""</c> leaves <c>ver</c> out.
    /// </summary>
    public string EntraToken(
        bool v2 = true, string audience = AppId, string? serviceUrl = null, string? objectId = null, string? callerApp = AppId,
        string? scope = null, string? identityType = null, string? version = null, string? tenant = TenantId, DateTime? expires = null)
    {
        var claims = new Dictionary<string, object> { ["tid"] = tenant ?? TenantId };
        version ??= v2 ? "2.0" : "1.0";
        if (version != "")
        {
            claims["ver"] = version;
        }

        if (callerApp is not null)
        {
            claims[v2 ? "azp" : "appid"] = callerApp;
        }

        foreach (var (name, value) in new[] { ("serviceurl", serviceUrl), ("oid", objectId), ("scp", scope), ("idtyp", identityType) })
        {
            if (value is not null)
            {
                claims[name] = value;
            }
        }

        var issuer = v2 ? $"https://login.microsoftonline.com/{tenant}/v2.0" : $"https://sts.windows.net/{tenant}/";
        return Sign(claims, audience, issuer, EntraKey, expires, null);
    }

    /// <summary>A token for the admin API and dashboard: a person's delegated token for the admin audience, asked for by the dashboard's app.</summary>
    public string AdminToken(string objectId, bool v2 = true) =>
        EntraToken(v2, audience: AdminAudience, objectId: objectId, callerApp: AdminClientApp, scope: "Admin.ReadWrite");

    /// <summary>A token whose header says <c>alg: none</c> and that carries no signature, with channel-token claims.</summary>
    public string UnsignedToken() => Unsigned(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }, "");

    /// <summary>An HS256 token whose HMAC key is the channel's public signing key (the key-confusion attack).</summary>
    public string Hs256WithPublicKeyToken()
    {
        var secret = System.Text.Encoding.ASCII.GetBytes(_keys[EndorsedKey].Rsa.ExportSubjectPublicKeyInfoPem());
        var header = Base64UrlEncoder.Encode(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = EndorsedKey }.ToJsonString());
        var payload = Base64UrlEncoder.Encode(ChannelClaims().ToJsonString());
        var signature = Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, System.Text.Encoding.ASCII.GetBytes(header + "." + payload)));
        return $"{header}.{payload}.{signature}";
    }

    private string Unsigned(JsonObject header, string signature) =>
        $"{Base64UrlEncoder.Encode(header.ToJsonString())}.{Base64UrlEncoder.Encode(ChannelClaims().ToJsonString())}.{signature}";

    private JsonObject ChannelClaims()
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["iss"] = "https://api.botframework.com",
            ["aud"] = AppId,
            ["serviceurl"] = ServiceUrl,
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddHours(1).ToUnixTimeSeconds(),
        };
    }

    private string Sign(Dictionary<string, object> claims, string audience, string issuer, string keyId, DateTime? expires, DateTime? notBefore)
    {
        var now = DateTime.UtcNow;
        // An expired token was valid for an hour before it expired.
        notBefore ??= expires is { } end && end < now ? end.AddHours(-1) : now.AddMinutes(-1);
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = notBefore.Value.AddMinutes(-1),
            NotBefore = notBefore,
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
                Jwk(_keys[OtherChannelKey], "slack"),
                Jwk(_keys[UnendorsedKey])),
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
