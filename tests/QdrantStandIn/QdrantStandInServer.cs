using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace QdrantStandIn;

/// <summary>
/// A Qdrant stand-in on loopback: Kestrel serving the <c>qdrant.Collections</c> and <c>qdrant.Points</c>
/// gRPC services generated from Qdrant's protos, over in-memory collections. It implements the calls the
/// knowledge store makes, with the semantics Qdrant documents (named dense vectors with cosine distance,
/// sparse vectors with the IDF modifier, payload filters, limits and score order, upsert by id, delete by
/// filter, scroll by id, aliases switched atomically); anything else answers <c>Unimplemented</c>, so a
/// store that starts using another call fails loudly instead of passing against a double that ignores it.
/// Its speed says nothing about Qdrant's: searches are exact scans.
/// </summary>
public sealed class QdrantStandInServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StandInStorage _storage;
    private readonly CallLog _log;

    private QdrantStandInServer(WebApplication app, StandInStorage storage, CallLog log, Uri address)
    {
        _app = app;
        _storage = storage;
        _log = log;
        Address = address;
    }

    /// <summary>The gRPC address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Address { get; }

    /// <summary>Every call received, as <c>Service/Method</c> (e.g. <c>Points/Upsert</c>), in order.</summary>
    public IReadOnlyList<string> Calls => _log.Calls.ToArray();

    /// <summary>Time spent inside the handlers (the stand-in's own work: filters, scans, copies), so that a client's
    /// measured time minus this is what the protocol and the client cost.</summary>
    public TimeSpan HandlerTime => TimeSpan.FromTicks(Interlocked.Read(ref _log.HandlerTicks));

    /// <summary>Points in each upsert call, in order: shows how writes were batched.</summary>
    public IReadOnlyList<int> UpsertSizes => _storage.UpsertSizes;

    /// <summary>The collections that exist (aliases not included).</summary>
    public IReadOnlyList<string> CollectionNames => _storage.CollectionNames();

    /// <summary>Alias → collection.</summary>
    public IReadOnlyDictionary<string, string> Aliases => _storage.AliasMap();

    /// <summary>Points stored in a collection (or the collection an alias names); null when it does not exist.</summary>
    public int? PointCount(string collection) => _storage.PointCount(collection);

    /// <summary>The payload indexes of a collection: field → schema type name (<c>Keyword</c>, <c>Integer</c>…).</summary>
    public IReadOnlyDictionary<string, string> PayloadIndexes(string collection) => _storage.PayloadIndexes(collection);

    /// <summary>Starts the stand-in on a free loopback port; with <paramref name="apiKey"/>, every call must carry it
    /// in the <c>api-key</c> header, as Qdrant requires when its <c>service.api_key</c> is set; with
    /// <paramref name="certificate"/>, it serves gRPC over TLS (https) with that certificate, as Qdrant does with
    /// <c>service.enable_tls</c>.</summary>
    public static async Task<QdrantStandInServer> StartAsync(string? apiKey = null, X509Certificate2? certificate = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            }));
        var storage = new StandInStorage();
        var log = new CallLog(new ConcurrentQueue<string>(), apiKey);
        builder.Services.AddSingleton(storage);
        builder.Services.AddSingleton(log);
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<CallLogInterceptor>();
            // Qdrant accepts messages up to 64 MiB; a batch of 256 points of 384 floats is far below that.
            grpc.MaxReceiveMessageSize = 64 * 1024 * 1024;
        });
        var app = builder.Build();
        app.MapGrpcService<CollectionsService>();
        app.MapGrpcService<PointsService>();
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new QdrantStandInServer(app, storage, log, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal sealed record CallLog(ConcurrentQueue<string> Calls, string? ApiKey)
{
    public long HandlerTicks;
}

/// <summary>Records each call and refuses those without the API key, the way Qdrant does (status Unauthenticated).</summary>
internal sealed class CallLogInterceptor(CallLog log) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        log.Calls.Enqueue(context.Method.TrimStart('/').Replace("qdrant.", "", StringComparison.Ordinal));
        if (log.ApiKey is not null && context.RequestHeaders.GetValue("api-key") != log.ApiKey)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Must provide an API key or an Authorization bearer token"));
        }

        return TimedAsync(() => continuation(request, context));
    }

    /// <summary>Times the handler from its call (the handlers do their work before they return their task) to its end.</summary>
    private async Task<TResponse> TimedAsync<TResponse>(Func<Task<TResponse>> call)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            return await call();
        }
        finally
        {
            Interlocked.Add(ref log.HandlerTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
        }
    }
}
