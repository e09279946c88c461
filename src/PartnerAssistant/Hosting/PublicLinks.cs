using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Hosting;

/// <summary>The host's public address, read from the root of the configuration (<c>PublicBaseUrl</c>, <c>Urls</c>).</summary>
public sealed class PublicLinkOptions
{
    /// <summary>
    /// The address people reach this host at (e.g. <c>https://assistant.northbeam.example</c>), from which
    /// every link the assistant hands out is made: the dashboard, the chat page. Default: empty, meaning
    /// the address the host listens on (the first of <c>Urls</c>; a wildcard host such as <c>0.0.0.0</c>
    /// reads as <c>localhost</c>). Set it when a proxy, a tunnel or another machine's name stands in front.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The addresses the host listens on (ASP.NET Core's own <c>Urls</c> setting). Default: http://localhost:3978.</summary>
    public string? Urls { get; set; }

    public const string NotAnAddress = "PublicBaseUrl must be empty or an absolute http(s) address such as https://assistant.example.com.";

    public bool IsValid() =>
        string.IsNullOrWhiteSpace(PublicBaseUrl)
        || (Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");
}

/// <summary>Makes public links from <see cref="PublicLinkOptions.PublicBaseUrl"/>, or from where the host listens.</summary>
public sealed class PublicLinks(IOptions<PublicLinkOptions> options, IServer? server = null)
{
    public const string DefaultAddress = "http://localhost:3978";

    /// <summary>The base address, ending in <c>/</c>.</summary>
    public Uri BaseUrl
    {
        get
        {
            var configured = options.Value.PublicBaseUrl;
            var address = !string.IsNullOrWhiteSpace(configured)
                ? configured
                : server?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                  ?? options.Value.Urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
                  ?? DefaultAddress;
            var builder = new UriBuilder(Listening(address));
            if (builder.Host is "0.0.0.0" or "[::]" or "::" or "+" or "*")
            {
                builder.Host = "localhost";
            }

            builder.Path = builder.Path.TrimEnd('/') + "/";
            return builder.Uri;
        }
    }

    /// <summary>A link to a path on this host, e.g. <c>To("dashboard")</c>.</summary>
    public string To(string path) => new Uri(BaseUrl, path.TrimStart('/')).ToString();

    /// <summary>Kestrel's wildcard forms (<c>http://+:80</c>, <c>http://*:80</c>) are not URIs: read them as localhost.</summary>
    private static string Listening(string address) =>
        address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal);
}
