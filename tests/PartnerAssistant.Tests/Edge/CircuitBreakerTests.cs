using Microsoft.Extensions.Time.Testing;
using PartnerAssistant.Edge;

namespace PartnerAssistant.Tests.Edge;

public sealed class CircuitBreakerTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public void RecordFailure_FewerThanTheThreshold_KeepsCallsGoing()
    {
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(30), _time);

        breaker.RecordFailure("timeout");
        breaker.RecordFailure("timeout");

        Assert.Equal(BreakerState.Closed, breaker.State);
        Assert.True(breaker.TryEnter());
    }

    [Fact]
    public void RecordSuccess_BetweenFailures_StartsTheCountAgain()
    {
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(30), _time);

        breaker.RecordFailure("timeout");
        breaker.RecordFailure("timeout");
        breaker.RecordSuccess();
        breaker.RecordFailure("timeout");

        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Fact]
    public void TryEnter_AfterTheBreak_LetsExactlyOneTrialThrough()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(BreakerState.HalfOpen, breaker.State);
        Assert.True(breaker.TryEnter());
        Assert.False(breaker.TryEnter());
    }

    [Fact]
    public void RecordFailure_OfTheTrial_OpensTheBreakerForAnotherFullBreak()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter();

        breaker.RecordFailure("connection refused");
        _time.Advance(TimeSpan.FromSeconds(29));

        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.False(breaker.TryEnter());
        Assert.Equal("connection refused", breaker.LastFailure);
    }

    [Fact]
    public void RecordAbandoned_OfTheTrial_LetsTheNextCallTry()
    {
        var breaker = Opened();
        _time.Advance(TimeSpan.FromSeconds(30));
        breaker.TryEnter();

        breaker.RecordAbandoned();

        Assert.True(breaker.TryEnter());
    }

    private CircuitBreaker Opened()
    {
        var breaker = new CircuitBreaker(3, TimeSpan.FromSeconds(30), _time);
        for (var i = 0; i < 3; i++)
        {
            breaker.RecordFailure("timeout");
        }

        Assert.False(breaker.TryEnter());
        return breaker;
    }
}
