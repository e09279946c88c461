using System.Text.RegularExpressions;

namespace PartnerAssistant.Conversation;

/// <summary>
/// Text a language model wrote, made safe to send as Markdown: images become their alt text (an image loads
/// without a click, so its address could carry data out), raw HTML is removed, and links survive only to hosts
/// the caller allows — a link elsewhere keeps its words and loses its address. The host's pages also send a
/// Content-Security-Policy that blocks remote images; this is the first line.
/// </summary>
public static partial class SafeMarkdown
{
    private const char Hold = '\u0000';

    /// <summary>The text with images, raw HTML and links to hosts <paramref name="hostAllowed"/> refuses removed.</summary>
    public static string Sanitize(string text, Func<string, bool> hostAllowed)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var kept = new List<string>();
        string Keep(string value)
        {
            kept.Add(value);
            return $"{Hold}{kept.Count - 1}{Hold}";
        }

        bool Allowed(string url) => TryHost(url) is { } host && hostAllowed(host);

        var safe = text.Replace(Hold.ToString(), "", StringComparison.Ordinal);
        safe = HtmlComment().Replace(safe, "");
        // Images first: [![alt](img)](link) then reads as a link whose words are the alt text.
        safe = InlineImage().Replace(safe, m => m.Groups["alt"].Value);
        safe = ReferenceImage().Replace(safe, m => m.Groups["alt"].Value);
        safe = AutoLink().Replace(safe, m => Allowed(m.Groups["url"].Value) ? Keep(m.Value) : m.Groups["url"].Value);
        safe = InlineLink().Replace(safe, m => Allowed(m.Groups["url"].Value) ? Keep(m.Value) : m.Groups["text"].Value);
        safe = ReferenceDefinition().Replace(safe, m => Allowed(m.Groups["url"].Value) ? Keep(m.Value) : "");
        safe = HtmlTag().Replace(safe, "");
        safe = BareUrl().Replace(safe, m => Allowed(m.Value) ? Keep(m.Value) : "(link removed)");
        return HeldValue().Replace(safe, m => kept[int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)]);
    }

    /// <summary>The text with no images, raw HTML or links at all (words kept): for values shown on cards.</summary>
    public static string PlainText(string text) => Sanitize(text, _ => false);

    /// <summary>True when <paramref name="host"/> is one of <paramref name="allowed"/> or a subdomain of one.</summary>
    public static bool HostIn(string host, IEnumerable<string> allowed) =>
        allowed.Any(a => a.Length > 0 && (string.Equals(host, a, StringComparison.OrdinalIgnoreCase)
            || host.EndsWith("." + a, StringComparison.OrdinalIgnoreCase)));

    /// <summary>The hosts of the http(s) addresses in a text (links a plugin wrote, for example).</summary>
    public static IEnumerable<string> HostsIn(string text) =>
        BareUrl().Matches(text).Select(m => TryHost(m.Value)).OfType<string>();

    private static string? TryHost(string url)
    {
        var candidate = url.Trim().TrimStart('<').TrimEnd('>');
        if (candidate.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
        {
            candidate = "https://" + candidate;
        }

        return Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0
            ? uri.Host.ToLowerInvariant()
            : null;
    }

    [GeneratedRegex(@"<!--[\s\S]*?(-->|$)")]
    private static partial Regex HtmlComment();

    [GeneratedRegex(@"!\[(?<alt>[^\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)")]
    private static partial Regex InlineImage();

    [GeneratedRegex(@"!\[(?<alt>[^\]\n]*)\]\[[^\]\n]*\]")]
    private static partial Regex ReferenceImage();

    [GeneratedRegex(@"<(?<url>[A-Za-z][A-Za-z0-9+.\-]*:[^<>\s]+)>")]
    private static partial Regex AutoLink();

    [GeneratedRegex(@"\[(?<text>[^\]\n]*)\]\(\s*<?(?<url>[^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+(?:""[^""\n]*""|'[^'\n]*'))?\s*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?(?<url>[^\s>]+)>?.*$", RegexOptions.Multiline)]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"</?[A-Za-z][A-Za-z0-9\-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>|<\?[^<>]*\?>")]
    private static partial Regex HtmlTag();

    [GeneratedRegex(@"\b(?:(?:https?|ftp)://|www\.)[^\s<>()\[\]""'`]+(?<![.,;:!?])", RegexOptions.IgnoreCase)]
    private static partial Regex BareUrl();

    [GeneratedRegex("\u0000(\\d+)\u0000")]
    private static partial Regex HeldValue();
}
