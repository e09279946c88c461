using System.Collections.Concurrent;

namespace BotFramework.Connector;

/// <summary>
/// The service URLs the bot may send its connector token to: those an authenticated channel
/// activity carried. The adapter adds each one after the activity's token checks out; the token
/// provider asks before it attaches the token to any request. (Bot Framework SDK v4 once did the same
/// with <c>MicrosoftAppCredentials.TrustServiceUrl</c>.)
/// </summary>
public interface IServiceUrlTrust
{
    /// <summary>Records a service URL an authenticated channel activity carried.</summary>
    ValueTask TrustAsync(string serviceUrl, CancellationToken cancellationToken);

    /// <summary>True when <paramref name="target"/> lies under a trusted service URL (same scheme,
    /// host and port, and its path starts with the service URL's path).</summary>
    ValueTask<bool> IsTrustedAsync(Uri target, CancellationToken cancellationToken);
}

/// <summary>
/// Service URLs seen by this process. Enough for one host; a host whose replicas share a database
/// (or that sends proactive messages after a restart) registers a trust that also knows the service
/// URLs of stored conversation references.
/// </summary>
public sealed class InMemoryServiceUrlTrust : IServiceUrlTrust
{
    private readonly ConcurrentDictionary<string, byte> _trusted = new(StringComparer.Ordinal);

    public ValueTask TrustAsync(string serviceUrl, CancellationToken cancellationToken)
    {
        if (ServiceUrls.Key(serviceUrl) is { } key)
        {
            _trusted.TryAdd(key, 0);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> IsTrustedAsync(Uri target, CancellationToken cancellationToken) =>
        ValueTask.FromResult(IsKnown(target));

    /// <summary>Whether this process has seen a service URL that <paramref name="target"/> lies under.</summary>
    public bool IsKnown(Uri target) => ServiceUrls.Prefixes(target).Any(_trusted.ContainsKey);
}

/// <summary>How service URLs compare: scheme, host and port without case, the path with its trailing slash dropped.</summary>
public static class ServiceUrls
{
    /// <summary>The comparable form of a service URL, or null when it is not an absolute http(s) URL.</summary>
    public static string? Key(string? serviceUrl) =>
        Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" ? Key(uri, uri.AbsolutePath) : null;

    /// <summary>The keys of every service URL <paramref name="target"/> could lie under: its origin and each leading path.</summary>
    public static IEnumerable<string> Prefixes(Uri target)
    {
        if (!target.IsAbsoluteUri || target.Scheme is not ("https" or "http"))
        {
            yield break;
        }

        var path = target.AbsolutePath.TrimEnd('/');
        yield return Key(target, path);
        for (var slash = path.LastIndexOf('/'); slash >= 0; slash = path.LastIndexOf('/', slash - 1))
        {
            yield return Key(target, path[..slash]);
            if (slash == 0)
            {
                break;
            }
        }
    }

    private static string Key(Uri uri, string path) =>
        $"{uri.Scheme}://{uri.Host.ToLowerInvariant()}:{uri.Port}{path.TrimEnd('/')}";
}
