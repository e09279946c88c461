using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace EdgeGateway.Inference;

/// <summary>
/// Bounds how many inferences run at once, with a queue of fixed length in front; when both are
/// full a request is refused at once (429) rather than left to pile up. A slot is taken before the
/// request body is read, so the memory held by bodies is bounded too.
/// </summary>
public sealed class InferenceSlots : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    public InferenceSlots(IOptions<GatewayOptions> options)
    {
        Capacity = options.Value.MaxConcurrentInferences;
        QueueLimit = options.Value.QueueLimit;
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Capacity,
            QueueLimit = QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int Capacity { get; }

    public int QueueLimit { get; }

    public int Running => Capacity - (int)(_limiter.GetStatistics()?.CurrentAvailablePermits ?? Capacity);

    public int Queued => (int)(_limiter.GetStatistics()?.CurrentQueuedCount ?? 0);

    /// <summary>A lease whose <see cref="RateLimitLease.IsAcquired"/> is false when the queue is full.</summary>
    public ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    public void Dispose() => _limiter.Dispose();
}
