using System.Net;
using System.Security.Claims;
using System.Text.Json;
using BotFramework.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace BotFramework.Authentication;

/// <summary>Who sent an activity, as far as the channel check could tell.</summary>
/// <param name="IsAuthenticated">The request may run as a turn.</param>
/// <param name="Identity">The token's claims (null for local development mode and in-process channels).</param>
/// <param name="FailureReason">Why the request was refused, for the log.</param>
/// <param name="VouchesForServiceUrl">A channel (or a trusted application) stands behind the activity's
/// serviceUrl, so the bot may send its connector token there.</param>
public sealed record ChannelIdentity(bool IsAuthenticated, ClaimsIdentity? Identity, string? FailureReason, bool VouchesForServiceUrl = false)
{
    /// <summary>Local development mode and in-process channels: no token, nothing vouched for.</summary>
    public static ChannelIdentity Anonymous { get; } = new(true, null, null);

    public static ChannelIdentity Fail(string reason) => new(false, null, reason);
}

/// <summary>
/// Decides whether a request to <c>/api/messages</c> comes from a channel. Two kinds of token pass,
/// nothing else:
/// <list type="number">
/// <item>Bot Framework channel tokens: issuer <c>https://api.botframework.com</c>, signed by a key
/// whose endorsements name the activity's channel, audience the bot's app id, and a <c>serviceurl</c>
/// claim (required) equal to the activity's serviceUrl (the SDK's <c>ChannelValidation</c>).</item>
/// <item>Entra ID tokens of the bot's tenant, audience the bot's app id, asked for by an application
/// the settings trust (<c>azp</c> in v2 tokens, <c>appid</c> in v1, as the <c>ver</c> claim says): the
/// bot's own app id and <see cref="BotOptions.TrustedCallerAppIds"/> (the SDK's <c>EmulatorValidation</c>
/// and <c>SkillValidation</c> with an allowed-callers list). A delegated user token (<c>scp</c>, or
/// <c>idtyp: user</c>) never passes, whoever asked for it: a person's sign-in is not a channel.</item>
/// </list>
/// Tokens for the host's own APIs carry another audience and fail both. With no app id the host is in
/// local development mode and accepts loopback callers only, without tokens.
/// </summary>
public sealed class ChannelAuthenticator
{
    public const string BotFrameworkIssuer = "https://api.botframework.com";
    private const string ServiceUrlClaim = "serviceurl";

    private readonly BotOptions _options;
    private readonly EntraTokenValidator _entra;
    private readonly ILogger<ChannelAuthenticator> _logger;
    private readonly SigningKeys _channelKeys;
    private readonly HashSet<string> _trustedCallers;

    public ChannelAuthenticator(IOptions<BotOptions> options, EntraTokenValidator entra, IHttpClientFactory httpClientFactory, ILogger<ChannelAuthenticator> logger)
    {
        _options = options.Value;
        _entra = entra;
        _logger = logger;
        _channelKeys = new SigningKeys(_options.OpenIdMetadataUrl, httpClientFactory.CreateClient(nameof(ChannelAuthenticator)), logger);
        _trustedCallers = new HashSet<string>(_options.TrustedCallerAppIds.Where(id => !string.IsNullOrWhiteSpace(id)), StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(_options.MicrosoftAppId))
        {
            _trustedCallers.Add(_options.MicrosoftAppId);
        }
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
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException or JsonException or FormatException)
        {
            return ChannelIdentity.Fail("malformed token");
        }

        var identity = issuer == BotFrameworkIssuer
            ? await AuthenticateChannelTokenAsync(token, activity, cancellationToken)
            : _entra.IsTenantIssuer(issuer)
                ? await AuthenticateApplicationTokenAsync(token, issuer, activity, cancellationToken)
                : ChannelIdentity.Fail("issuer not accepted");
        if (!identity.IsAuthenticated)
        {
            _logger.LogWarning("Refused a token on /api/messages from issuer {Issuer}: {Reason}", issuer, identity.FailureReason);
        }

        return identity;
    }

    private async Task<ChannelIdentity> AuthenticateChannelTokenAsync(string token, Activity activity, CancellationToken cancellationToken)
    {
        var result = await _channelKeys.ValidateAsync(token, configuration => new TokenValidationParameters
        {
            ValidIssuers = [BotFrameworkIssuer],
            ValidAudiences = [_options.MicrosoftAppId],
            IssuerSigningKeys = configuration.JsonWebKeySet.Keys.Where(key => IsEndorsed(key, activity.ChannelId)).ToList(),
            ClockSkew = _options.ClockSkew,
        }, cancellationToken);
        if (!result.IsValid)
        {
            return ChannelIdentity.Fail(Describe(result));
        }

        // The channel signs the address it will accept replies at; an activity naming another one is not its activity.
        var serviceUrl = result.ClaimsIdentity.FindFirst(ServiceUrlClaim)?.Value;
        if (serviceUrl is null)
        {
            return ChannelIdentity.Fail("channel token without a serviceurl claim");
        }

        return SameServiceUrl(serviceUrl, activity.ServiceUrl)
            ? new ChannelIdentity(true, result.ClaimsIdentity, null, VouchesForServiceUrl: true)
            : ChannelIdentity.Fail("serviceurl claim does not match the activity");
    }

    private async Task<ChannelIdentity> AuthenticateApplicationTokenAsync(string token, string issuer, Activity activity, CancellationToken cancellationToken)
    {
        var result = await _entra.ValidateAsync(token, [_options.MicrosoftAppId!], cancellationToken);
        if (!result.IsValid)
        {
            return ChannelIdentity.Fail(Describe(result));
        }

        var claims = result.ClaimsIdentity;
        if (EntraTokenValidator.IsDelegatedUserToken(claims))
        {
            return ChannelIdentity.Fail("a person's delegated token is not a channel token");
        }

        var caller = _entra.CallerApplication(claims, issuer);
        if (caller is null)
        {
            return ChannelIdentity.Fail("Entra token without the calling application its version requires (v1 appid, v2 azp)");
        }

        if (!_trustedCallers.Contains(caller))
        {
            return ChannelIdentity.Fail($"application {caller} is not a trusted caller");
        }

        var serviceUrl = claims.FindFirst(ServiceUrlClaim)?.Value;
        if (serviceUrl is not null && !SameServiceUrl(serviceUrl, activity.ServiceUrl))
        {
            return ChannelIdentity.Fail("serviceurl claim does not match the activity");
        }

        return new ChannelIdentity(true, claims, null, VouchesForServiceUrl: true);
    }

    private static string Describe(TokenValidationResult result) => result.Exception?.GetType().Name ?? "invalid token";

    /// <summary>A Bot Framework signing key may only sign for the channels listed in its endorsements.</summary>
    private static bool IsEndorsed(JsonWebKey key, string? channelId)
    {
        if (string.IsNullOrEmpty(channelId) || !key.AdditionalData.TryGetValue("endorsements", out var value) || value is null)
        {
            return false;
        }

        IEnumerable<string?> endorsements = value switch
        {
            JsonElement { ValueKind: JsonValueKind.Array } array => array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : null),
            IEnumerable<object> list => list.Select(e => e?.ToString()),
            _ => [],
        };
        return endorsements.Any(e => string.Equals(e, channelId, StringComparison.OrdinalIgnoreCase));
    }

    private static bool SameServiceUrl(string claim, string? activityServiceUrl) =>
        activityServiceUrl is not null
        && string.Equals(claim.TrimEnd('/'), activityServiceUrl.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
}
