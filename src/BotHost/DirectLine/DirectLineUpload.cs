using System.Net;
using System.Text.Json;
using BotFramework;
using BotFramework.Schema;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace BotHost.DirectLine;

/// <summary>
/// Direct Line's file upload, as Web Chat's DirectLine client sends it: <c>POST
/// /conversations/{id}/upload</c> with a multipart body of one <c>activity</c> part (the message without
/// its files) and one part per file; or a single file as the whole body, named by its
/// <c>Content-Disposition</c>. The files are kept with the conversation and the message reaches the bot
/// with each file as an attachment whose <c>contentUrl</c> is on this endpoint, as the Direct Line
/// service hands files to bots, so every capability that reads a Teams attachment reads these.
/// </summary>
internal static class DirectLineUpload
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static async Task<IResult> UploadAsync(string conversationId, HttpContext http, DirectLineTokens tokens, DirectLineConversations conversations,
        DirectLineChannel channel, DirectLineUploads rules, IOptions<BotOptions> bot)
    {
        var (grant, refusal) = await DirectLineEndpoints.AuthorizeAsync(conversationId, http, tokens);
        if (grant is null)
        {
            return refusal!;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = rules.MaxRequestBytes;
        }

        if (http.Request.ContentLength > rules.MaxRequestBytes)
        {
            return TooLarge($"An upload may be at most {DirectLineUploads.Megabytes(rules.MaxRequestBytes)}.");
        }

        Upload upload;
        try
        {
            upload = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType) && mediaType.MediaType.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase)
                ? await ReadMultipartAsync(http, mediaType, rules, bot.Value.MaxRequestBodyBytes)
                : await ReadSingleFileAsync(http, rules);
        }
        catch (UploadRefusedException ex)
        {
            return DirectLineEndpoints.Error(ex.Status, ex.Code, ex.Message);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
        {
            // A body cut short, a missing boundary, or one larger than the request limit.
            return ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }
                ? TooLarge($"An upload may be at most {DirectLineUploads.Megabytes(rules.MaxRequestBytes)}.")
                : DirectLineEndpoints.Error(HttpStatusCode.BadRequest, "BadArgument", "The upload is not a complete multipart body: send an 'activity' part and one part per file.");
        }

        if (upload.Files.Count == 0)
        {
            return DirectLineEndpoints.Error(HttpStatusCode.BadRequest, "BadArgument", "Attach at least one file to upload.");
        }

        var message = upload.Activity ?? new Activity { Type = ActivityTypes.Message };
        if (message.Type != ActivityTypes.Message)
        {
            return DirectLineEndpoints.Error(HttpStatusCode.BadRequest, "BadArgument", "Files can only be sent with a message activity.");
        }

        var conversation = await conversations.OpenAsync(grant, http.RequestAborted);
        var serviceUrl = DirectLineEndpoints.ServiceUrl(http);
        var attachments = new List<Attachment>();
        foreach (var file in upload.Files)
        {
            var id = await conversations.SaveFileAsync(conversation.Id, file.Name, file.ContentType, file.Content, http.RequestAborted);
            attachments.Add(new Attachment
            {
                ContentType = file.ContentType,
                ContentUrl = $"{serviceUrl}{DirectLineEndpoints.FilesPath}/{id}/{Uri.EscapeDataString(file.Name)}",
                Name = file.Name,
            });
        }

        // The client's own description of the files (blob: URLs, thumbnails of its own) means nothing here.
        message.Attachments = attachments;
        var activityId = await channel.PostAsync(conversation, message, serviceUrl, http.RequestAborted);
        return Results.Json(new ResourceResponse { Id = activityId }, BotJson.Options);
    }

    /// <summary>
    /// An uploaded file, for the bot fetching it and for the page showing it. The id is 192 random bits:
    /// knowing the address is what grants it, as with the Direct Line service's own attachment links
    /// (an <c>img</c> element cannot send a token). Pictures are shown inline; anything else is a download,
    /// never a page of this site, so an uploaded HTML file cannot run script here.
    /// </summary>
    public static async Task<IResult> DownloadAsync(string fileId, string name, HttpContext http, DirectLineConversations conversations)
    {
        var file = fileId.Length == 48 ? await conversations.FindFileAsync(fileId, http.RequestAborted) : null;
        if (file is null)
        {
            return DirectLineEndpoints.Error(HttpStatusCode.NotFound, "NotFound", "There is no such file; files are kept as long as their conversation.");
        }

        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
        headers.CacheControl = "private, max-age=3600";
        var picture = PictureType(file.Content);
        return picture is not null
            ? Results.Bytes(file.Content, picture)
            : Results.File(file.Content, "application/octet-stream", file.Name);
    }

    private static async Task<Upload> ReadMultipartAsync(HttpContext http, MediaTypeHeaderValue mediaType, DirectLineUploads rules, int maxActivityBytes)
    {
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            throw new InvalidDataException("No multipart boundary.");
        }

        var reader = new MultipartReader(boundary, http.Request.Body);
        var files = new List<UploadedPart>();
        Activity? activity = null;
        while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
        {
            ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition);
            var field = HeaderUtilities.RemoveQuotes(disposition?.Name ?? default).Value;
            var fileName = HeaderUtilities.RemoveQuotes(disposition?.FileNameStar ?? default).Value ?? HeaderUtilities.RemoveQuotes(disposition?.FileName ?? default).Value;
            if (field == "activity" || section.ContentType?.StartsWith("application/vnd.microsoft.activity", StringComparison.OrdinalIgnoreCase) == true)
            {
                var json = await ReadLimitedAsync(section.Body, maxActivityBytes, http.RequestAborted)
                    ?? throw new UploadRefusedException(HttpStatusCode.RequestEntityTooLarge, "MessageSizeTooBig", $"The activity part may be at most {maxActivityBytes} bytes.");
                try
                {
                    activity = JsonSerializer.Deserialize<Activity>(json, BotJson.Options);
                }
                catch (JsonException)
                {
                    throw new UploadRefusedException(HttpStatusCode.BadRequest, "BadArgument", "The 'activity' part must be an activity as JSON.");
                }

                continue;
            }

            files.Add(await ReadFileAsync(section.Body, fileName, section.ContentType, rules, http.RequestAborted));
            if (files.Count > DirectLineUploads.MaxFiles)
            {
                throw new UploadRefusedException(HttpStatusCode.BadRequest, "BadArgument", $"Send at most {DirectLineUploads.MaxFiles} files in one message.");
            }
        }

        return new Upload(activity, files);
    }

    private static async Task<Upload> ReadSingleFileAsync(HttpContext http, DirectLineUploads rules)
    {
        ContentDispositionHeaderValue.TryParse(http.Request.Headers.ContentDisposition.ToString(), out var disposition);
        var fileName = HeaderUtilities.RemoveQuotes(disposition?.FileNameStar ?? default).Value ?? HeaderUtilities.RemoveQuotes(disposition?.FileName ?? default).Value;
        if (http.Request.ContentLength is 0 || (http.Request.ContentLength is null && fileName is null))
        {
            return new Upload(null, []);
        }

        return new Upload(null, [await ReadFileAsync(http.Request.Body, fileName, http.Request.ContentType, rules, http.RequestAborted)]);
    }

    private static async Task<UploadedPart> ReadFileAsync(Stream body, string? fileName, string? declaredType, DirectLineUploads rules, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(fileName?.Trim() ?? "");
        if (name.Length == 0)
        {
            throw new UploadRefusedException(HttpStatusCode.BadRequest, "BadArgument", "Each file needs a name (the filename of its part, or Content-Disposition for a single file).");
        }

        if (!rules.IsAccepted(name))
        {
            throw new UploadRefusedException(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType", rules.Unsupported(name));
        }

        var content = await ReadLimitedAsync(body, rules.MaxFileBytes, cancellationToken)
            ?? throw new UploadRefusedException(HttpStatusCode.RequestEntityTooLarge, "MessageSizeTooBig", rules.TooLarge(name));
        if (content.Length == 0)
        {
            throw new UploadRefusedException(HttpStatusCode.BadRequest, "BadArgument", $"'{name}' is empty.");
        }

        // Browsers label what they do not know (a Markdown file) as octet-stream: name it from the extension then.
        var contentType = string.IsNullOrWhiteSpace(declaredType) || declaredType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            ? ContentTypes.TryGetContentType(name, out var known) ? known : "application/octet-stream"
            : declaredType;
        return new UploadedPart(name, contentType, content);
    }

    /// <summary>The stream's bytes, or null when there are more than <paramref name="max"/>.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream stream, long max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string? PictureType(ReadOnlySpan<byte> content) => content switch
    {
        [0x89, 0x50, 0x4E, 0x47, ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [0x47, 0x49, 0x46, 0x38, ..] => "image/gif",
        [0x52, 0x49, 0x46, 0x46, _, _, _, _, 0x57, 0x45, 0x42, 0x50, ..] => "image/webp",
        _ => null,
    };

    private static IResult TooLarge(string message) => DirectLineEndpoints.Error(HttpStatusCode.RequestEntityTooLarge, "MessageSizeTooBig", message);

    private sealed record UploadedPart(string Name, string ContentType, byte[] Content);

    private sealed record Upload(Activity? Activity, IReadOnlyList<UploadedPart> Files);

    private sealed class UploadRefusedException(HttpStatusCode status, string code, string message) : Exception(message)
    {
        public HttpStatusCode Status { get; } = status;
        public string Code { get; } = code;
    }
}
