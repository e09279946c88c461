using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace BotFramework.Authentication;

/// <summary>
/// One issuer's OpenID metadata and signing keys, and the checks every token from it passes: RS256
/// only, signed by one of its keys, within its lifetime. Keys rotate, so a token signed by a key the
/// cached metadata does not list is checked once more against fresh metadata before it is refused.
/// </summary>
internal sealed class SigningKeys
{
    private readonly ConfigurationManager<OpenIdConnectConfiguration> _metadata;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly ILogger _logger;

    public SigningKeys(string metadataUrl, HttpClient http, ILogger logger)
    {
        _logger = logger;
        // Plain HTTP only for metadata on this machine (tests serve it on loopback).
        var loopback = Uri.TryCreate(metadataUrl, UriKind.Absolute, out var uri) && uri.IsLoopback;
        _metadata = new ConfigurationManager<OpenIdConnectConfiguration>(
            metadataUrl, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever(http) { RequireHttps = !loopback });
    }

    /// <summary>Validates <paramref name="token"/>: <paramref name="configure"/> names the issuers and
    /// audiences and picks the keys from the metadata.</summary>
    public async Task<TokenValidationResult> ValidateAsync(
        string token, Func<OpenIdConnectConfiguration, TokenValidationParameters> configure, CancellationToken cancellationToken)
    {
        var result = await ValidateOnceAsync(token, configure, cancellationToken);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Rate-limited by the manager (RefreshInterval), so unknown key ids cannot make it fetch on every request.
            _metadata.RequestRefresh();
            result = await ValidateOnceAsync(token, configure, cancellationToken);
        }

        return result;
    }

    private async Task<TokenValidationResult> ValidateOnceAsync(
        string token, Func<OpenIdConnectConfiguration, TokenValidationParameters> configure, CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await _metadata.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException)
        {
            _logger.LogError(ex, "Could not read OpenID metadata to check a token");
            return new TokenValidationResult { IsValid = false, Exception = new SecurityTokenException("signing keys unavailable", ex) };
        }

        var parameters = configure(configuration);
        parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
        parameters.RequireSignedTokens = true;
        parameters.RequireExpirationTime = true;
        parameters.ValidateLifetime = true;
        parameters.ValidateIssuer = true;
        parameters.ValidateAudience = true;
        parameters.TryAllIssuerSigningKeys = false;
        return await _handler.ValidateTokenAsync(token, parameters);
    }
}
