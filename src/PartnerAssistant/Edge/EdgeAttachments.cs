using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using BotFramework.Connector;
using BotFramework.Schema;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PartnerAssistant.Edge;

public enum EdgeFileKind
{
    Image,
    Audio,
    Other,
}

/// <summary>A file the user attached, fetched and sniffed.</summary>
public sealed record EdgeFile(string FileName, string ContentType, byte[] Content, EdgeFileKind Kind);

/// <summary>
/// Fetches the file a user attached to a message: inline <c>data:</c> URLs, Teams file
/// download links, and attachment URLs on the channel's own service (fetched with the bot's
/// connector token). Other hosts are refused, so a message cannot make the bot fetch arbitrary
/// URLs; loopback is allowed for local development and tests.
/// </summary>
public sealed class EdgeAttachments(IHttpClientFactory clients, ConnectorTokenProvider tokens, IOptions<EdgeOptions> options, ILogger<EdgeAttachments> logger)
{
    public const string HttpClientName = "edge-attachments";
    private const string TeamsFileDownload = "application/vnd.microsoft.teams.file.download.info";

    /// <summary>The first image or audio attachment, fetched; null when the message has none.</summary>
    public async Task<EdgeFile?> ReadAsync(Activity activity, CancellationToken cancellationToken)
    {
        foreach (var attachment in activity.Attachments ?? [])
        {
            if (attachment.ContentType == Attachment.AdaptiveCardContentType || attachment.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
            {
                continue;
            }

            var file = await FetchAsync(attachment, activity.ServiceUrl, cancellationToken);
            if (file is not null && file.Kind != EdgeFileKind.Other)
            {
                return file;
            }
        }

        return null;
    }

    private async Task<EdgeFile?> FetchAsync(Attachment attachment, string? serviceUrl, CancellationToken cancellationToken)
    {
        var name = attachment.Name ?? "attachment";
        string? url = attachment.ContentUrl;
        var contentType = attachment.ContentType ?? "application/octet-stream";
        var authenticate = false;
        if (attachment.ContentType == TeamsFileDownload && attachment.Content is JsonObject info)
        {
            // Teams gives a short-lived, pre-authorised download URL for files shared in chat.
            url = info["downloadUrl"]?.GetValue<string>();
            contentType = "application/octet-stream";
        }
        else if (url is not null && !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            authenticate = Uri.TryCreate(url, UriKind.Absolute, out var target)
                && Uri.TryCreate(serviceUrl, UriKind.Absolute, out var service)
                && string.Equals(target.Host, service.Host, StringComparison.OrdinalIgnoreCase);
        }

        if (url is null)
        {
            return null;
        }

        byte[] content;
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            (content, contentType) = DecodeDataUrl(url, options.Value.MaxAttachmentBytes);
        }
        else
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var target) || target.Scheme is not ("https" or "http")
                || !(authenticate || target.IsLoopback || attachment.ContentType == TeamsFileDownload))
            {
                throw new EdgeAttachmentException("I can only read files sent through Teams (or inline in the message), not links to other sites.");
            }

            content = await DownloadAsync(target, authenticate, cancellationToken);
        }

        return new EdgeFile(name, contentType, content, Sniff(content, contentType, name));
    }

    private async Task<byte[]> DownloadAsync(Uri url, bool authenticate, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.AttachmentTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (authenticate && await tokens.GetTokenForAsync(url, deadline.Token) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Fetching an attachment from {Host} failed with {Status}", url.Host, (int)response.StatusCode);
                throw new EdgeAttachmentException($"I couldn't download the file you attached (the channel answered {(int)response.StatusCode}). Please send it again.");
            }

            if (response.Content.Headers.ContentLength > settings.MaxAttachmentBytes)
            {
                throw TooLarge(settings.MaxAttachmentBytes);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, deadline.Token)) > 0)
            {
                if (buffer.Length + read > settings.MaxAttachmentBytes)
                {
                    throw TooLarge(settings.MaxAttachmentBytes);
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EdgeAttachmentException($"Downloading the file you attached took longer than {settings.AttachmentTimeout.TotalSeconds:0} s. Please try a smaller file.");
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "Fetching an attachment from {Host} failed", url.Host);
            throw new EdgeAttachmentException("I couldn't download the file you attached. Please send it again.");
        }
    }

    private static (byte[] Content, string ContentType) DecodeDataUrl(string url, long maxBytes)
    {
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        var header = comma > 5 ? url[5..comma] : "";
        if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw new EdgeAttachmentException("The attached file is not base64 data I can read.");
        }

        if ((url.Length - comma - 1) / 4L * 3 > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        try
        {
            return (Convert.FromBase64String(url[(comma + 1)..]), header[..^7]);
        }
        catch (FormatException)
        {
            throw new EdgeAttachmentException("The attached file is not base64 data I can read.");
        }
    }

    private static ReadOnlySpan<byte> PngMagic => [0x89, 0x50, 0x4E, 0x47];

    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];

    /// <summary>What the file is, from its first bytes, falling back to its declared type and name.</summary>
    public static EdgeFileKind Sniff(byte[] content, string contentType, string name)
    {
        ReadOnlySpan<byte> head = content.AsSpan(0, Math.Min(12, content.Length));
        if (head.StartsWith("RIFF"u8) && head.Length >= 12 && head[8..12].SequenceEqual("WAVE"u8))
        {
            return EdgeFileKind.Audio;
        }

        if (head.StartsWith(PngMagic) || head.StartsWith(JpegMagic) || head.StartsWith("GIF8"u8) || head.StartsWith("BM"u8)
            || (head.StartsWith("RIFF"u8) && head.Length >= 12 && head[8..12].SequenceEqual("WEBP"u8)))
        {
            return EdgeFileKind.Image;
        }

        var extension = Path.GetExtension(name).ToLowerInvariant();
        return contentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase) || extension is ".png" or ".jpg" or ".jpeg" or ".webp" or ".bmp" or ".gif"
            ? EdgeFileKind.Image
            : contentType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase) || extension == ".wav" ? EdgeFileKind.Audio : EdgeFileKind.Other;
    }

    private static EdgeAttachmentException TooLarge(long maxBytes) => new($"The attached file is larger than the {maxBytes / (1024 * 1024)} MB I can send to a gateway.");
}

/// <summary>An attachment could not be read; the message is for the user.</summary>
public sealed class EdgeAttachmentException(string message) : Exception(message);
