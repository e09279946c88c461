using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace BotFramework.Authentication;

/// <summary>
/// Checks bearer tokens Entra ID issued in the bot's tenant (v1 issuer <c>https://sts.windows.net/{tenant}/</c>
/// or v2 <c>https://login.microsoftonline.com/{tenant}/v2.0</c>), RS256, signed by the tenant's keys,
/// within their lifetime, for one of the audiences the caller names. It says nothing about who may
/// do what: the channel check adds its rules for <c>/api/messages</c>, and a host guards its own APIs
/// with an audience of their own.
/// </summary>
public sealed class EntraTokenValidator
{
    private readonly BotOptions _options;
    private readonly SigningKeys _keys;

    public EntraTokenValidator(IOptions<BotOptions> options, IHttpClientFactory httpClientFactory, ILogger<EntraTokenValidator> logger)
    {
        _options = options.Value;
        _keys = new SigningKeys(
            _options.EntraOpenIdMetadataUrl.Replace("{tenantId}", _options.TenantOrCommon, StringComparison.Ordinal),
            httpClientFactory.CreateClient(nameof(EntraTokenValidator)),
            logger);
    }

    /// <summary>The v1 issuer of the bot's tenant.</summary>
    public string V1Issuer => $"https://sts.windows.net/{_options.TenantOrCommon}/";

    /// <summary>The v2 issuer of the bot's tenant.</summary>
    public string V2Issuer => $"https://login.microsoftonline.com/{_options.TenantOrCommon}/v2.0";

    public bool IsTenantIssuer(string? issuer) => issuer == V1Issuer || issuer == V2Issuer;

    /// <summary>Validates <paramref name="token"/> for one of <paramref name="audiences"/>; none given refuses every token.</summary>
    public async Task<TokenValidationResult> ValidateAsync(string token, IReadOnlyCollection<string> audiences, CancellationToken cancellationToken)
    {
        if (audiences.Count == 0 || _options.IsLocalDevelopmentMode)
        {
            return new TokenValidationResult { IsValid = false, Exception = new SecurityTokenInvalidAudienceException("no audience is configured") };
        }

        return await _keys.ValidateAsync(token, configuration => new TokenValidationParameters
        {
            ValidIssuers = [V1Issuer, V2Issuer],
            ValidAudiences = audiences,
            IssuerSigningKeys = configuration.SigningKeys,
            ClockSkew = _options.ClockSkew,
        }, cancellationToken);
    }

    /// <summary>The application that asked for the token: <c>azp</c> in v2 tokens, <c>appid</c> in v1, as the <c>ver</c> claim says; null when the claims disagree with the issuer.</summary>
    public string? CallerApplication(ClaimsIdentity identity, string issuer) =>
        (identity.FindFirst("ver")?.Value, issuer == V2Issuer) switch
        {
            ("2.0", true) => identity.FindFirst("azp")?.Value,
            ("1.0", false) => identity.FindFirst("appid")?.Value,
            _ => null,
        };

    /// <summary>A token a person's sign-in produced (delegated: it carries scopes, or says <c>idtyp: user</c>).</summary>
    public static bool IsDelegatedUserToken(ClaimsIdentity identity) =>
        identity.HasClaim(c => c.Type is "scp")
        || string.Equals(identity.FindFirst("idtyp")?.Value, "user", StringComparison.OrdinalIgnoreCase);
}
