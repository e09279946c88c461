using System.ComponentModel.DataAnnotations;

namespace PartnerAssistant.Edge;

/// <summary>
/// The edge gateways the assistant talks to and how patiently, under the section <c>Edge</c>.
/// Timeouts keep every turn inside Teams' 15-second limit: a run that is still going after
/// <see cref="AcknowledgeAfter"/> is acknowledged and its result sent later.
/// </summary>
public sealed class EdgeOptions
{
    public const string SectionName = "Edge";

    /// <summary>The gateways, one per site. Default: none (the root appsettings.json configures one local gateway).</summary>
    public List<EdgeGatewayEndpoint> Gateways { get; set; } = [];

    /// <summary>Longest wait for a gateway's health or model list. Default: 3 seconds. Range 0.1–10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a turn waits for an inference before it answers "working on it" and sends the
    /// result when it comes. Default: 5 seconds. Range 0–10 s (Teams drops a turn after 15 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan AcknowledgeAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest an inference may run, acknowledged or not. Default: 2 minutes. Range 1 s–30 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan InferenceTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest wait to fetch a file the user attached. Default: 5 seconds. Range 0.1–10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan AttachmentTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Largest attachment sent to a gateway, in bytes. Default: 16777216 (16 MiB). Range 1 KiB–256 MiB.</summary>
    [Range(1024, 256L << 20)]
    public long MaxAttachmentBytes { get; set; } = 16L << 20;

    /// <summary>Consecutive failures (no answer, timeout, server error) that open a gateway's circuit
    /// breaker: calls then fail at once instead of waiting. Default: 3. Range 1–100.</summary>
    [Range(1, 100)]
    public int BreakerFailures { get; set; } = 3;

    /// <summary>How long an open breaker refuses calls before it lets one trial call through. Default: 30 seconds.
    /// Range 1 s–1 h.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan BreakerOpenFor { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Start the local gateway (the first one with a loopback URL) with the host when it is not
    /// already answering. Default: empty, which means yes in local development mode (no Bot:MicrosoftAppId), no otherwise.</summary>
    public bool? StartLocalGateway { get; set; }
}

/// <summary>One edge gateway: where it is, how to reach it, and whose it is.</summary>
public sealed class EdgeGatewayEndpoint
{
    /// <summary>Short name people use in chat (e.g. <c>plant-7</c>). Required.</summary>
    [Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]*$", ErrorMessage = "A gateway name is letters, digits, '.', '_' or '-'.")]
    public string Name { get; set; } = "";

    /// <summary>The customer site it serves (e.g. "Plant 7, Brno — packaging line"). Default: empty.</summary>
    public string Site { get; set; } = "";

    /// <summary>The gateway's base URL (e.g. http://localhost:5080). Required.</summary>
    [Required, Url]
    public string Url { get; set; } = "";

    /// <summary>The gateway's API key, sent as <c>X-Api-Key</c>. Set it through the environment
    /// (<c>Edge__Gateways__0__ApiKey</c>) or user-secrets, never in a committed file. Default: empty (a
    /// gateway in local development mode takes loopback calls without one).</summary>
    public string? ApiKey { get; set; }

    /// <summary>The partner organisation that runs the site; its people (and Northbeam staff) see the
    /// gateway. Default: empty, which makes it visible to everyone (a shared demo gateway).</summary>
    public string? OrganisationId { get; set; }

    public Uri BaseUri => new(Url.EndsWith('/') ? Url : Url + "/");

    public bool IsLoopback => Uri.TryCreate(Url, UriKind.Absolute, out var uri) && uri.IsLoopback;

    public string Describe() => string.IsNullOrWhiteSpace(Site) ? Name : $"{Name} ({Site})";
}
