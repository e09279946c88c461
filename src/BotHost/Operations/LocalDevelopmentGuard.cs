using BotFramework;
using BotHost.DirectLine;
using Microsoft.Extensions.Options;

namespace BotHost.Operations;

/// <summary>
/// Local development mode trusts whoever connects over loopback, so it also has to tell a local client
/// from a web page that a browser on this machine is visiting: a request whose <c>Host</c> is not a
/// loopback name (DNS rebinding: evil.example resolving to 127.0.0.1) is refused with 400, and a
/// state-changing request from a page of another origin (cross-site request forgery) with 403. Local
/// tools send no <c>Origin</c>; the host's own pages send a loopback one; Direct Line also takes the
/// origins in <c>DirectLine:AllowedOrigins</c>. With an app id configured, callers authenticate with
/// bearer tokens a page cannot borrow, and this guard steps aside.
/// </summary>
public static class LocalDevelopmentGuard
{
    public static void UseLocalDevelopmentGuard(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<BotOptions>>().Value.IsLocalDevelopmentMode)
        {
            return;
        }

        var allowedOrigins = new HashSet<string>(
            app.Services.GetRequiredService<IOptions<DirectLineOptions>>().Value.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);
        app.Use(async (http, next) =>
        {
            if (!IsLoopbackName(http.Request.Host.Host))
            {
                await RefuseAsync(http, StatusCodes.Status400BadRequest, "Host not served",
                    "In local development mode this host answers to loopback names only (localhost, 127.0.0.1, [::1]).");
                return;
            }

            var origin = http.Request.Headers.Origin.ToString();
            if (origin.Length > 0 && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
                && !IsLoopbackOrigin(origin)
                && !(http.Request.Path.StartsWithSegments("/v3/directline") && allowedOrigins.Contains(origin.TrimEnd('/'))))
            {
                await RefuseAsync(http, StatusCodes.Status403Forbidden, "Cross-site request refused",
                    $"In local development mode only pages of this machine may send requests here, not {origin}.");
                return;
            }

            await next(http);
        });
    }

    /// <summary>localhost, *.localhost (RFC 6761), 127.0.0.0/8 and ::1.</summary>
    public static bool IsLoopbackName(string host)
    {
        var name = host.Trim('[', ']').TrimEnd('.');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            || (System.Net.IPAddress.TryParse(name, out var address) && System.Net.IPAddress.IsLoopback(address));
    }

    private static bool IsLoopbackOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && IsLoopbackName(uri.Host);

    private static Task RefuseAsync(HttpContext http, int status, string title, string detail) =>
        Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(http);
}
