namespace BotHost.WebChat;

/// <summary>
/// The Content-Security-Policy of every HTML page the host serves (the Web Chat page at <c>/</c>, the dashboard,
/// the privacy and terms pages), in one place. Scripts, connections, images and fonts come from the host alone, so
/// a message that slips an image or a script past the chat's own sanitising can neither run nor send anything
/// elsewhere. Styles may be inline: Web Chat and the Adaptive Cards renderer set them at run time, and a style
/// cannot run code. Connections may read <c>blob:</c> URLs: Direct Line's client reads a file the person picked
/// through its blob URL before uploading it. Checked in headless Chromium (<c>ContentSecurityPolicyTests</c>): the pages work and nothing
/// they need is blocked.
/// </summary>
public static class ContentSecurityPolicy
{
    public const string Header = "Content-Security-Policy";

    public const string Policy =
        "default-src 'self'; " +
        "script-src 'self'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; " +
        "font-src 'self' data:; " +
        "connect-src 'self' blob:; " +
        "media-src 'self' blob: data:; " +
        "worker-src 'self' blob:; " +
        "object-src 'none'; " +
        "frame-src 'none'; " +
        "frame-ancestors 'self'; " +
        "base-uri 'none'; " +
        "form-action 'self'";

    /// <summary>
    /// The admin API reference page (Scalar's, served only in local development mode, to this machine) configures
    /// itself with an inline script; it alone may run inline scripts. Everything else stays as strict as above.
    /// </summary>
    public const string ApiReferencePolicy = "script-src 'self' 'unsafe-inline'; " + ReferencePageRest;

    private const string ReferencePageRest =
        "default-src 'self'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data: blob:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "frame-src 'none'; " +
        "frame-ancestors 'self'; " +
        "base-uri 'none'; " +
        "form-action 'self'";

    /// <summary>Adds the policy (and <c>nosniff</c>) to every response that turns out to be HTML.</summary>
    public static IApplicationBuilder UseContentSecurityPolicy(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            if (http.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                http.Response.Headers[Header] = http.Request.Path.StartsWithSegments("/" + Admin.AdminApiReference.PagePath)
                    ? ApiReferencePolicy
                    : Policy;
                http.Response.Headers.XContentTypeOptions = "nosniff";
                http.Response.Headers["Referrer-Policy"] = "no-referrer";
            }

            return Task.CompletedTask;
        });
        await next(http);
    });
}
