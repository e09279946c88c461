using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace BotHost.Operations;

/// <summary>Request body limits of the host, under the section <c>RequestLimits</c>. Endpoints with a limit of
/// their own (<c>/api/messages</c> and Direct Line activities: <c>Bot:MaxRequestBodyBytes</c>; knowledge uploads:
/// from <c>Knowledge:MaxUploadBytes</c>) declare it; every other endpoint gets <see cref="DefaultMaxBodyBytes"/>.</summary>
public sealed class RequestLimitsOptions
{
    public const string SectionName = "RequestLimits";

    /// <summary>Largest body of an endpoint that declares no limit (admin JSON, Direct Line tokens). Default: 65536 (64 KB). Range 1 KB–16 MB.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public long DefaultMaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Largest CSV the deals import takes. Default: 16777216 (16 MB). Range 1 KB–256 MB.</summary>
    [Range(1024, 256L * 1024 * 1024)]
    public long ImportMaxBodyBytes { get; set; } = 16 * 1024 * 1024;
}

/// <summary>An endpoint's own body limit, as endpoint metadata.</summary>
public sealed record BodyLimit(long Bytes) : IRequestSizeLimitMetadata
{
    long? IRequestSizeLimitMetadata.MaxRequestBodySize => Bytes;
}

/// <summary>
/// Enforces each endpoint's body limit on the bytes read, whatever the request announced: a
/// <c>Content-Length</c> over the limit is refused before anything is read, and a chunked body is cut off
/// when the bytes read pass it (Kestrel's own limit is set to the same value). Either way the answer is
/// 413 with problem details, unless the endpoint already answered.
/// </summary>
public static class RequestBodyLimits
{
    private const string ExceededKey = "request.body.limit.exceeded";

    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes));

    public static void UseRequestBodyLimits(this WebApplication app)
    {
        var defaults = app.Services.GetRequiredService<IOptions<RequestLimitsOptions>>().Value;
        app.Use(async (http, next) =>
        {
            var limit = http.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaults.DefaultMaxBodyBytes;
            if (http.Request.ContentLength > limit)
            {
                await TooLargeAsync(http, limit);
                return;
            }

            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            http.Request.Body = new LimitedBody(http.Request.Body, limit, () => http.Items[ExceededKey] = true);
            try
            {
                await next(http);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge || http.Items.ContainsKey(ExceededKey))
            {
                http.Items[ExceededKey] = true;
            }

            // Model binding may swallow the read error and answer nothing; the caller still learns why.
            if (http.Items.ContainsKey(ExceededKey) && !http.Response.HasStarted)
            {
                await TooLargeAsync(http, limit);
            }
        });
    }

    private static Task TooLargeAsync(HttpContext http, long limit)
    {
        http.Response.Clear();
        // The rest of the body was never read, so the server will not keep this connection: saying so stops the client
        // from sending its next request on a connection about to close ("the response ended prematurely").
        http.Response.Headers.Connection = "close";
        return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
            detail: $"This endpoint takes at most {limit} bytes.").ExecuteAsync(http);
    }

    /// <summary>Counts the bytes read and fails the read that passes the limit.</summary>
    private sealed class LimitedBody(Stream inner, long limit, Action exceeded) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read;
            try
            {
                read = await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                exceeded();
                throw;
            }

            return Count(read);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        private int Count(int read)
        {
            _read += read;
            if (_read > limit)
            {
                exceeded();
                throw new BadHttpRequestException($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
