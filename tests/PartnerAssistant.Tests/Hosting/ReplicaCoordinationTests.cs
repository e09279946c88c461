using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using PartnerAssistant.Conversation;
using PartnerAssistant.Hosting;
using PartnerAssistant.Tests.Deals;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Hosting;

/// <summary>What several host replicas share in one database, checked with several instances over it at once: the
/// maintenance leases and the channel re-delivery guard, on SQLite and PostgreSQL.</summary>
public sealed class ReplicaCoordinationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryAcquireAsync_ManyReplicasAtOnce_OneHoldsTheLeaseUntilItExpires(DatabaseProvider provider)
    {
        await using var services = await AssistantServices.CreateAsync(provider);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        var scopes = services.Get<IServiceScopeFactory>();
        var replicas = Enumerable.Range(0, 8).Select(_ => new ReplicaLeases(scopes, time, NullLogger<ReplicaLeases>.Instance)).ToList();

        var first = await Task.WhenAll(replicas.Select(r => Task.Run(() => r.TryAcquireAsync("Deal maintenance", TimeSpan.FromMinutes(5), Ct))));
        var holder = replicas[Array.IndexOf(first, true)];
        var renewed = await holder.TryAcquireAsync("Deal maintenance", TimeSpan.FromMinutes(5), Ct);
        var others = await Task.WhenAll(replicas.Where(r => r != holder).Select(r => r.TryAcquireAsync("Deal maintenance", TimeSpan.FromMinutes(5), Ct)));
        time.Advance(TimeSpan.FromMinutes(6));
        var afterExpiry = await Task.WhenAll(replicas.Where(r => r != holder).Select(r => Task.Run(() => r.TryAcquireAsync("Deal maintenance", TimeSpan.FromMinutes(5), Ct))));
        var otherLease = await holder.TryAcquireAsync("Program maintenance", TimeSpan.FromMinutes(5), Ct);

        Assert.Equal(1, first.Count(taken => taken));
        Assert.True(renewed);
        Assert.DoesNotContain(true, others);
        Assert.Equal(1, afterExpiry.Count(taken => taken));
        Assert.True(otherLease);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ReleaseAsync_StoppingHolder_LetsAnotherReplicaTakeOverAtOnce(DatabaseProvider provider)
    {
        await using var services = await AssistantServices.CreateAsync(provider);
        var scopes = services.Get<IServiceScopeFactory>();
        var a = new ReplicaLeases(scopes, TimeProvider.System, NullLogger<ReplicaLeases>.Instance);
        var b = new ReplicaLeases(scopes, TimeProvider.System, NullLogger<ReplicaLeases>.Instance);

        Assert.True(await a.TryAcquireAsync("loop", TimeSpan.FromHours(1), Ct));
        Assert.False(await b.TryAcquireAsync("loop", TimeSpan.FromHours(1), Ct));
        await a.ReleaseAsync("loop", Ct);

        Assert.True(await b.TryAcquireAsync("loop", TimeSpan.FromHours(1), Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TryBeginAsync_SameActivityReDeliveredToManyReplicasAtOnce_IsProcessedOnce(DatabaseProvider provider)
    {
        await using var services = await AssistantServices.CreateAsync(provider);
        // One deduplicator per replica, all over the shared table.
        var replicas = Enumerable.Range(0, 6).Select(_ => ActivatorUtilities.CreateInstance<SqlActivityDeduplicator>(services.Services)).ToList();

        var begun = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() => replicas[i % replicas.Count].TryBeginAsync("msteams", "19:conversation", "activity-1", Ct).AsTask())));
        var another = await replicas[0].TryBeginAsync("msteams", "19:conversation", "activity-2", Ct);

        Assert.Equal(1, begun.Count(b => b));
        Assert.True(another);
    }
}
