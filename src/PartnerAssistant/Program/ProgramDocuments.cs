using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using BotFramework.Connector;
using BotFramework.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.PartnerProgram;

/// <summary>A file a user attached, fetched: what it is called, its type and bytes.</summary>
public sealed record UploadedFile(string FileName, string ContentType, byte[] Content);

/// <summary>
/// Keeps evidence files (attestations, proof of performance) in the data folder under
/// <c>program-documents/</c>, named by their SHA-256, with a row that says whose they are and what they
/// prove. Attachments are fetched like the other capabilities fetch them: inline <c>data:</c> URLs, Teams
/// file download links, and URLs on the channel's own service (with the bot's connector token). Other hosts
/// are refused, so a message cannot make the bot fetch arbitrary URLs; loopback is allowed for local use.
/// </summary>
public sealed class ProgramDocuments(
    IServiceScopeFactory scopes,
    IHttpClientFactory clients,
    ConnectorTokenProvider tokens,
    IOptions<DataOptions> data,
    IOptions<ProgramOptions> options,
    TimeProvider time,
    ILogger<ProgramDocuments> logger)
{
    public const string HttpClientName = "program-documents";
    private const string TeamsFileDownload = "application/vnd.microsoft.teams.file.download.info";

    /// <summary>The files attached to a message (cards and HTML bodies are not files).</summary>
    public static IReadOnlyList<Attachment> FilesIn(IReadOnlyList<Attachment> attachments) =>
        attachments.Where(a => a.ContentType != Attachment.AdaptiveCardContentType && a.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) != true).ToList();

    /// <summary>Fetches one attachment of a message.</summary>
    public async Task<UploadedFile> FetchAsync(Attachment attachment, string? serviceUrl, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(attachment.Name ?? "attachment");
        var url = attachment.ContentUrl;
        var contentType = attachment.ContentType ?? "application/octet-stream";
        var authenticate = false;
        if (attachment.ContentType == TeamsFileDownload && attachment.Content is JsonObject info)
        {
            // Teams gives a short-lived, pre-authorised download URL for files shared in chat.
            url = info["downloadUrl"]?.GetValue<string>();
            contentType = ContentTypeOf(name, info["fileType"]?.GetValue<string>());
        }
        else if (url is not null && !url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            authenticate = Uri.TryCreate(url, UriKind.Absolute, out var target)
                && Uri.TryCreate(serviceUrl, UriKind.Absolute, out var service)
                && string.Equals(target.Host, service.Host, StringComparison.OrdinalIgnoreCase);
        }

        if (url is null)
        {
            throw new ProgramValidationException([$"The attachment '{name}' has no content I can download."]);
        }

        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            var (content, declared) = DecodeDataUrl(url, options.Value.MaxDocumentBytes);
            return new UploadedFile(name, declared.Length > 0 ? declared : contentType, content);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("https" or "http")
            || !(authenticate || address.IsLoopback || attachment.ContentType == TeamsFileDownload))
        {
            throw new ProgramValidationException(["I can only keep files sent through Teams (or inline in the message), not links to other sites."]);
        }

        return new UploadedFile(name, contentType, await DownloadAsync(address, authenticate, cancellationToken));
    }

    /// <summary>Stores a file and records it. The same bytes stored twice share one file on disk.</summary>
    public async Task<ProgramDocument> StoreAsync(string organisationId, string purpose, UploadedFile file, string uploadedBy, CancellationToken cancellationToken)
    {
        if (file.Content.Length == 0)
        {
            throw new ProgramValidationException([$"'{file.FileName}' is empty."]);
        }

        if (file.Content.Length > options.Value.MaxDocumentBytes)
        {
            throw TooLarge();
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(file.Content));
        var extension = Path.GetExtension(file.FileName).ToLowerInvariant();
        extension = extension.Length is > 1 and <= 8 && extension[1..].All(char.IsLetterOrDigit) ? extension : ".bin";
        var relative = Path.Combine("program-documents", sha[..2], sha + extension);
        var path = data.Value.PathTo(relative);
        if (!File.Exists(path))
        {
            // Write beside and move, so a reader never sees half a file.
            var temporary = path + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
            await File.WriteAllBytesAsync(temporary, file.Content, cancellationToken);
            File.Move(temporary, path, overwrite: true);
        }

        var document = new ProgramDocument
        {
            OrganisationId = organisationId,
            Purpose = purpose,
            FileName = file.FileName.Length > 260 ? file.FileName[..260] : file.FileName,
            ContentType = file.ContentType.Length > 100 ? file.ContentType[..100] : file.ContentType,
            SizeBytes = file.Content.Length,
            Sha256 = sha,
            StoredPath = relative.Replace('\\', '/'),
            UploadedBy = uploadedBy,
            UploadedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        db.Documents.Add(document);
        await db.SaveChangesAsync(cancellationToken);
        return document;
    }

    /// <summary>Reads a stored document's bytes (for the admin API); partners only their own.</summary>
    public async Task<(ProgramDocument Document, byte[] Content)> ReadAsync(People.Caller caller, long id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var document = await db.Documents.FindAsync([id], cancellationToken) ?? throw new ProgramNotFoundException($"There is no document {id}.");
        ProgramAccess.RequireRead(caller, document.OrganisationId);
        return (document, await File.ReadAllBytesAsync(Path.Combine(data.Value.FullPath, document.StoredPath), cancellationToken));
    }

    private async Task<byte[]> DownloadAsync(Uri url, bool authenticate, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(settings.DocumentTimeout);
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
                logger.LogWarning("Fetching a document from {Host} failed with {Status}", url.Host, (int)response.StatusCode);
                throw new ProgramValidationException([$"I couldn't download the file you attached (the channel answered {(int)response.StatusCode}). Please send it again."]);
            }

            if (response.Content.Headers.ContentLength > settings.MaxDocumentBytes)
            {
                throw TooLarge();
            }

            await using var stream = await response.Content.ReadAsStreamAsync(deadline.Token);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, deadline.Token)) > 0)
            {
                if (buffer.Length + read > settings.MaxDocumentBytes)
                {
                    throw TooLarge();
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProgramValidationException([$"Downloading the file you attached took longer than {settings.DocumentTimeout.TotalSeconds:0} s. Please try again."]);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "Fetching a document from {Host} failed", url.Host);
            throw new ProgramValidationException(["I couldn't download the file you attached. Please send it again."]);
        }
    }

    private static (byte[] Content, string ContentType) DecodeDataUrl(string url, long maxBytes)
    {
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        var header = comma > 5 ? url[5..comma] : "";
        if (comma < 0 || !header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            throw new ProgramValidationException(["The attached file is not base64 data I can read."]);
        }

        if ((url.Length - comma - 1) / 4L * 3 > maxBytes)
        {
            throw new ProgramValidationException([$"The attached file is larger than the {maxBytes / (1024 * 1024)} MB I keep."]);
        }

        try
        {
            return (Convert.FromBase64String(url[(comma + 1)..]), header[..^7]);
        }
        catch (FormatException)
        {
            throw new ProgramValidationException(["The attached file is not base64 data I can read."]);
        }
    }

    private static string ContentTypeOf(string name, string? fileType) => (fileType ?? Path.GetExtension(name).TrimStart('.')).ToLowerInvariant() switch
    {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" or "jpeg" => "image/jpeg",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv" => "text/csv",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    };

    private ProgramValidationException TooLarge() => new([$"The attached file is larger than the {options.Value.MaxDocumentBytes / (1024 * 1024)} MB I keep."]);
}
