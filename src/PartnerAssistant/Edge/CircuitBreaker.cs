namespace PartnerAssistant.Edge;

public enum BreakerState
{
    /// <summary>Calls go through; failures are counted.</summary>
    Closed,

    /// <summary>Calls fail at once until the break is over.</summary>
    Open,

    /// <summary>The break is over: one trial call goes through; its outcome closes or reopens the breaker.</summary>
    HalfOpen,
}

/// <summary>
/// A small per-gateway circuit breaker. After <c>failureThreshold</c> consecutive failures it opens,
/// so a gateway that is down costs the user an immediate, clear answer instead of a timeout on every
/// turn; after <c>openFor</c> it lets a single trial call through, which closes it on success.
/// </summary>
public sealed class CircuitBreaker(int failureThreshold, TimeSpan openFor, TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _failures;
    private DateTimeOffset _openedAt;
    private bool _open;
    private bool _trialInFlight;

    public BreakerState State
    {
        get
        {
            lock (_gate)
            {
                return !_open ? BreakerState.Closed : time.GetUtcNow() - _openedAt >= openFor ? BreakerState.HalfOpen : BreakerState.Open;
            }
        }
    }

    /// <summary>When an open breaker lets the next trial through.</summary>
    public DateTimeOffset RetryAt
    {
        get
        {
            lock (_gate)
            {
                return _openedAt + openFor;
            }
        }
    }

    /// <summary>The last failure that counted, for messages to people.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>True when a call may go ahead now; false while open (or while another trial is running).</summary>
    public bool TryEnter()
    {
        lock (_gate)
        {
            if (!_open)
            {
                return true;
            }

            if (time.GetUtcNow() - _openedAt < openFor || _trialInFlight)
            {
                return false;
            }

            _trialInFlight = true;
            return true;
        }
    }

    public void RecordSuccess()
    {
        lock (_gate)
        {
            _failures = 0;
            _open = false;
            _trialInFlight = false;
            LastFailure = null;
        }
    }

    public void RecordFailure(string reason)
    {
        lock (_gate)
        {
            LastFailure = reason;
            _failures++;
            if (_trialInFlight || _failures >= failureThreshold)
            {
                _open = true;
                _openedAt = time.GetUtcNow();
            }

            _trialInFlight = false;
        }
    }

    /// <summary>A call that neither succeeded nor failed (cancelled by the caller) gives back its trial.</summary>
    public void RecordAbandoned()
    {
        lock (_gate)
        {
            _trialInFlight = false;
        }
    }
}
