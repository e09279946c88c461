using System.ComponentModel.DataAnnotations;

namespace BotFramework;

/// <summary>
/// The bot's identity and its channel settings, under the section <c>Bot</c> (so
/// <c>Bot__MicrosoftAppId</c> in the environment), named as the Bot Framework names them.
/// </summary>
public sealed class BotOptions
{
    public const string SectionName = "Bot";

    /// <summary>The bot's Microsoft app id. Default: empty, which is local development mode: only
    /// unauthenticated requests from loopback addresses are accepted.</summary>
    public string? MicrosoftAppId { get; set; }

    /// <summary>The app's client secret, for tokens to call the Bot Connector. Default: empty.
    /// Set it through an environment variable or user-secrets, never in a committed file.</summary>
    public string? MicrosoftAppPassword { get; set; }

    /// <summary>The bot's Entra ID tenant (single-tenant bots). Default: empty (multi-tenant).</summary>
    public string? MicrosoftAppTenantId { get; set; }

    /// <summary>Entra applications, besides the bot's own app id (always trusted), whose app-only tokens
    /// <c>/api/messages</c> accepts: skills or a hosting bot calling this one, as Bot Framework's
    /// allowed-callers list does. Default: none. A delegated user token is refused whichever app asked for it.</summary>
    public string[] TrustedCallerAppIds { get; set; } = [];

    /// <summary>OpenID metadata for tokens the Bot Framework channels sign.
    /// Default: https://login.botframework.com/v1/.well-known/openidconfiguration.</summary>
    [Required]
    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    /// <summary>OpenID metadata for Entra ID tokens; <c>{tenantId}</c> is replaced by the bot's tenant
    /// (or <c>common</c>). Default: https://login.microsoftonline.com/{tenantId}/v2.0/.well-known/openid-configuration.</summary>
    [Required]
    public string EntraOpenIdMetadataUrl { get; set; } = "https://login.microsoftonline.com/{tenantId}/v2.0/.well-known/openid-configuration";

    /// <summary>Where client-credential tokens for the Bot Connector come from; <c>{tenantId}</c> is
    /// replaced by the bot's tenant, or <c>botframework.com</c> for multi-tenant bots.
    /// Default: https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token.</summary>
    [Required]
    public string TokenEndpoint { get; set; } = "https://login.microsoftonline.com/{tenantId}/oauth2/v2.0/token";

    /// <summary>Scope of the connector token. Default: https://api.botframework.com/.default.</summary>
    [Required]
    public string ConnectorScope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>Largest activity body accepted, in bytes. Default: 262144 (256 KB). Range 1 KB–4 MB.</summary>
    [Range(1024, 4 * 1024 * 1024)]
    public int MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>How long a turn may run before the user sees a typing indicator. Default: 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan TypingDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retries of a connector call that failed with 429, 412 or 5xx. Default: 3. Range 0–6.</summary>
    [Range(0, 6)]
    public int ConnectorMaxRetries { get; set; } = 3;

    /// <summary>First back-off delay of a connector retry (doubled each time, with jitter). Default: 0.5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ConnectorRetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Allowed clock difference when checking a token's lifetime. Default: 5 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an activity id is remembered to drop a channel's re-delivery. Default: 10 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(10);

    public bool IsLocalDevelopmentMode => string.IsNullOrWhiteSpace(MicrosoftAppId);

    internal string TenantOrCommon => string.IsNullOrWhiteSpace(MicrosoftAppTenantId) ? "common" : MicrosoftAppTenantId!;

    internal string TenantOrBotFramework => string.IsNullOrWhiteSpace(MicrosoftAppTenantId) ? "botframework.com" : MicrosoftAppTenantId!;
}
