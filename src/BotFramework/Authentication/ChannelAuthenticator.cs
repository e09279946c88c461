using System.Net;
using System.Security.Claims;
using System.Text.Json;
using BotFramework.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace BotFramework.Authentication;

/// <summary>The result of checking who sent an activity.</summary>
public sealed record ChannelIdentity(bool IsAuthenticated, ClaimsIdentity? Identity, string? FailureReason)
{
    public static ChannelIdentity Anonymous { get; } = new(true, null, null);

    public static ChannelIdentity Fail(string reason) => new(false, null, reason);
}

/// <summary>
/// Checks the bearer token on an incoming activity the way the Bot Framework does: RS256 tokens
/// from the Bot Framework channel service (issuer https://api.botframework.com, key endorsed for
/// the activity's channel, <c>serviceurl</c> claim equal to the activity's serviceUrl) or from
/// Entra ID for the bot's tenant (v1 and v2 issuers), audience the bot's app id.
/// </summary>
public sealed class ChannelAuthenticator
{
    public const string BotFrameworkIssuer = "https://api.botframework.com";
    private const string ServiceUrlClaim = "serviceurl";

    private readonly BotOptions _options;
    private readonly ILogger<ChannelAuthenticator> _logger;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _channelMetadata;
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _entraMetadata;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public ChannelAuthenticator(IOptions<BotOptions> options, IHttpClientFactory httpClientFactory, ILogger<ChannelAuthenticator> logger)
    {
        _options = options.Value;
        _logger = logger;
        var http = httpClientFactory.CreateClient(nameof(ChannelAuthenticator));
        _channelMetadata = CreateManager(_options.OpenIdMetadataUrl, http);
        _entraMetadata = CreateManager(_options.EntraOpenIdMetadataUrl.Replace("{tenantId}", _options.TenantOrCommon, StringComparison.Ordinal), http);
    }

    public bool IsLocalDevelopmentMode => _options.IsLocalDevelopmentMode;

    public async Task<ChannelIdentity> AuthenticateAsync(string? authorization, Activity activity, IPAddress? remoteAddress, CancellationToken cancellationToken)
    {
        if (_options.IsLocalDevelopmentMode)
        {
            return remoteAddress is not null && IPAddress.IsLoopback(remoteAddress)
                ? ChannelIdentity.Anonymous
                : ChannelIdentity.Fail("local development mode accepts requests from loopback addresses only");
        }

        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return ChannelIdentity.Fail("no bearer token");
        }

        var token = authorization["Bearer ".Length..].Trim();
        string issuer;
        try
        {
            issuer = new JsonWebToken(token).Issuer;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            return ChannelIdentity.Fail("malformed token");
        }

        var fromChannel = issuer == BotFrameworkIssuer;
        var manager = fromChannel ? _channelMetadata : _entraMetadata;
        var result = await ValidateAsync(token, manager, fromChannel, activity.ChannelId, cancellationToken);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The keys rotate: look once more with fresh metadata before refusing.
            manager.RequestRefresh();
            result = await ValidateAsync(token, manager, fromChannel, activity.ChannelId, cancellationToken);
        }

        if (!result.IsValid)
        {
            _logger.LogWarning("Rejected a channel token from issuer {Issuer}: {Reason}", issuer, result.Exception?.Message);
            return ChannelIdentity.Fail(result.Exception?.GetType().Name ?? "invalid token");
        }

        var serviceUrl = result.ClaimsIdentity.FindFirst(ServiceUrlClaim)?.Value;
        if (fromChannel || serviceUrl is not null)
        {
            if (serviceUrl is null || !SameServiceUrl(serviceUrl, activity.ServiceUrl))
            {
                _logger.LogWarning("Rejected a channel token: its serviceurl claim {Claim} is not the activity's {ServiceUrl}", serviceUrl, activity.ServiceUrl);
                return ChannelIdentity.Fail("serviceurl claim does not match the activity");
            }
        }

        return new ChannelIdentity(true, result.ClaimsIdentity, null);
    }

    /// <summary>
    /// Checks a bearer token from Entra ID for the bot's tenant (admin API callers): RS256, v1 or v2
    /// issuer of the tenant, audience the bot's app id. Returns the identity, or null when invalid.
    /// </summary>
    public async Task<ClaimsIdentity?> AuthenticateEntraAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (_options.IsLocalDevelopmentMode || string.IsNullOrEmpty(authorization)
            || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var result = await ValidateAsync(authorization["Bearer ".Length..].Trim(), _entraMetadata, fromChannel: false, channelId: null, cancellationToken);
        if (!result.IsValid)
        {
            _logger.LogWarning("Rejected an admin token: {Reason}", result.Exception?.Message);
            return null;
        }

        return result.ClaimsIdentity;
    }

    private async Task<TokenValidationResult> ValidateAsync(
        string token, ConfigurationManager<OpenIdConnectConfiguration> manager, bool fromChannel, string? channelId, CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await manager.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException)
        {
            _logger.LogError(ex, "Could not read OpenID metadata to check a channel token");
            return new TokenValidationResult { IsValid = false, Exception = new SecurityTokenException("signing keys unavailable", ex) };
        }

        var keys = fromChannel
            ? configuration.JsonWebKeySet.Keys.Where(key => IsEndorsed(key, channelId)).Cast<SecurityKey>().ToList()
            : configuration.SigningKeys.ToList();

        var tenant = _options.TenantOrCommon;
        var parameters = new TokenValidationParameters
        {
            ValidIssuers = fromChannel
                ? [BotFrameworkIssuer]
                : [$"https://sts.windows.net/{tenant}/", $"https://login.microsoftonline.com/{tenant}/v2.0"],
            ValidAudiences = [_options.MicrosoftAppId, $"api://{_options.MicrosoftAppId}"],
            IssuerSigningKeys = keys,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = _options.ClockSkew,
            TryAllIssuerSigningKeys = false,
        };
        return await _handler.ValidateTokenAsync(token, parameters);
    }

    /// <summary>A Bot Framework signing key may only sign for the channels listed in its endorsements.</summary>
    private static bool IsEndorsed(JsonWebKey key, string? channelId)
    {
        if (string.IsNullOrEmpty(channelId) || !key.AdditionalData.TryGetValue("endorsements", out var value) || value is null)
        {
            return false;
        }

        IEnumerable<string?> endorsements = value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.GetString()),
            IEnumerable<object> list => list.Select(e => e?.ToString()),
            _ => [],
        };
        return endorsements.Any(e => string.Equals(e, channelId, StringComparison.OrdinalIgnoreCase));
    }

    private static bool SameServiceUrl(string claim, string? activityServiceUrl) =>
        activityServiceUrl is not null
        && string.Equals(claim.TrimEnd('/'), activityServiceUrl.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    private static ConfigurationManager<OpenIdConnectConfiguration> CreateManager(string url, HttpClient http)
    {
        // Plain HTTP only for metadata on this machine (tests serve it on loopback).
        var loopback = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;
        return new ConfigurationManager<OpenIdConnectConfiguration>(
            url, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(http) { RequireHttps = !loopback });
    }
}
