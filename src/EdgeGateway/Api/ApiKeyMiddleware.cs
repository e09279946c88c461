using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Api;

/// <summary>
/// Every request but <c>/health</c> must carry the gateway's key in <c>X-Api-Key</c>. Without a
/// configured key (local development mode) only loopback clients are served.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<GatewayOptions> options, ILogger<ApiKeyMiddleware> logger)
{
    public const string HeaderName = "X-Api-Key";

    // Hashes compare in fixed time whatever the lengths, so timing reveals nothing about the key.
    private readonly byte[]? _keyHash = options.Value.IsLocalDevelopmentMode ? null : SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.ApiKey!));

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/health"))
        {
            return next(context);
        }

        if (_keyHash is null)
        {
            return context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
                ? next(context)
                : RefuseAsync(context, "This gateway has no API key configured (EdgeGateway:ApiKey), so it serves loopback clients only.");
        }

        var given = context.Request.Headers[HeaderName].ToString();
        if (given.Length > 0 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), _keyHash))
        {
            return next(context);
        }

        logger.LogWarning("Refused a request to {Path} from {Address}: {Reason}", context.Request.Path, context.Connection.RemoteIpAddress, given.Length == 0 ? "no API key" : "wrong API key");
        return RefuseAsync(context, given.Length == 0 ? $"Send the gateway's API key in the {HeaderName} header." : "The API key is not valid for this gateway.");
    }

    private static Task RefuseAsync(HttpContext context, string detail) =>
        Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized").ExecuteAsync(context);
}
