using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace BotFramework.Connector;

/// <summary>
/// Client-credential tokens for the Bot Connector, cached until shortly before they expire, and
/// handed out only for a request to a service URL an authenticated channel activity carried: a
/// caller who made the bot talk to its own server learns nothing it could replay.
/// </summary>
public sealed class ConnectorTokenProvider(
    HttpClient http, IOptions<BotOptions> options, IServiceUrlTrust trust, TimeProvider time, ILogger<ConnectorTokenProvider> logger)
{
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    /// <summary>Whether the bot has credentials at all (an app id and a secret); without them no request carries a token.</summary>
    public bool HasCredentials => !options.Value.IsLocalDevelopmentMode && !string.IsNullOrEmpty(options.Value.MicrosoftAppPassword);

    /// <summary>
    /// The bearer token for a request to <paramref name="target"/>; null without credentials, and null
    /// (with a warning) when the target is not under a trusted service URL.
    /// </summary>
    public async Task<string?> GetTokenForAsync(Uri target, CancellationToken cancellationToken)
    {
        if (!HasCredentials)
        {
            return null;
        }

        if (!await trust.IsTrustedAsync(target, cancellationToken))
        {
            logger.LogWarning("Withheld the connector token from {Host}: no authenticated channel activity carried that service URL", target.Host);
            return null;
        }

        return await GetTokenAsync(cancellationToken);
    }

    private async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;

        if (_token is not null && time.GetUtcNow() < _expires)
        {
            return _token;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is not null && time.GetUtcNow() < _expires)
            {
                return _token;
            }

            var endpoint = settings.TokenEndpoint.Replace("{tenantId}", settings.TenantOrBotFramework, StringComparison.Ordinal);
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = settings.MicrosoftAppId!,
                ["client_secret"] = settings.MicrosoftAppPassword!,
                ["scope"] = settings.ConnectorScope,
            });
            using var response = await http.PostAsync(endpoint, form, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new ConnectorException($"The token endpoint refused the bot's credentials ({(int)response.StatusCode}).", (int)response.StatusCode);
            }

            var body = await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken)
                ?? throw new ConnectorException("The token endpoint answered without a token.", 502);
            _token = body.AccessToken;
            var lifetime = TimeSpan.FromSeconds(Math.Max(60, body.ExpiresIn));
            _expires = time.GetUtcNow() + (lifetime > RefreshMargin * 2 ? lifetime - RefreshMargin : lifetime / 2);
            return _token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

public sealed class ConnectorException(string message, int statusCode, Exception? inner = null) : Exception(message, inner)
{
    public int StatusCode { get; } = statusCode;
}
