using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PartnerAssistant.Conversation;
using PartnerAssistant.Hosting;
using PartnerAssistant.Tests.Deals;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Conversation;

/// <summary>Pending confirmations in the database, on SQLite and PostgreSQL: whose they are, how long they wait, and that one answer takes each.</summary>
public sealed class PendingConfirmationStoreTests
{
    private const string Conversation = "msteams/19:chat";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    private static readonly PendingConfirmation Touch = new("Deals.RecordTouch", new() { ["number"] = "DR-1042", ["partner"] = "meridian" }, "record Meridian on DR-1042", default);

    private static async Task<(AssistantServices Services, FakeTimeProvider Time, PendingConfirmationStore Store)> CreateAsync(DatabaseProvider provider)
    {
        var time = new FakeTimeProvider(DealsTestHost.Start);
        var services = await AssistantServices.CreateAsync(provider, new Dictionary<string, string?> { ["Deals:SeedDemo"] = "false", ["Program:SeedDemo"] = "false" },
            s => s.AddSingleton<TimeProvider>(time));
        return (services, time, services.Get<PendingConfirmationStore>());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConsumeAsync_FiftyAnswersAtOnce_ExactlyOneTakesIt(DatabaseProvider provider)
    {
        var (services, _, store) = await CreateAsync(provider);
        await using var _ = services;
        var stored = await store.CreateAsync(Conversation, "priya", Touch, [new("Partner", "Meridian Advisory")], Ct);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => store.ConsumeAsync(stored.Id, Conversation, "priya", ConfirmationOutcome.Confirmed, Ct))));

        Assert.Single(attempts, a => a.Result == ConsumeResult.Taken);
        Assert.All(attempts.Where(a => a.Result != ConsumeResult.Taken), a => Assert.Equal(ConsumeResult.AlreadyAnswered, a.Result));
        var taken = attempts.Single(a => a.Result == ConsumeResult.Taken).Confirmation!;
        Assert.Equal(Touch.Arguments, taken.Arguments);
        Assert.Equal([new ConfirmationFact("Partner", "Meridian Advisory")], taken.Facts);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ConsumeAsync_AnotherPersonOrConversation_OrTooLate_DoesNotTakeIt(DatabaseProvider provider)
    {
        var (services, time, store) = await CreateAsync(provider);
        await using var _ = services;
        var stored = await store.CreateAsync(Conversation, "priya", Touch, [], Ct);

        var lukas = await store.ConsumeAsync(stored.Id, Conversation, "lukas", ConfirmationOutcome.Confirmed, Ct);
        var elsewhere = await store.ConsumeAsync(stored.Id, "msteams/19:other", "priya", ConfirmationOutcome.Confirmed, Ct);
        var forLukas = await store.LatestOpenAsync(Conversation, "lukas", Ct);
        time.Advance(PendingConfirmationStore.Lifetime);
        var late = await store.ConsumeAsync(stored.Id, Conversation, "priya", ConfirmationOutcome.Confirmed, Ct);

        Assert.Equal(ConsumeResult.SomeoneElses, lukas.Result);
        Assert.Equal(ConsumeResult.NotFound, elsewhere.Result);
        Assert.Null(forLukas);
        Assert.Equal(ConsumeResult.Expired, late.Result);
        Assert.Null(await store.LatestOpenAsync(Conversation, "priya", Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CreateAsync_ANewerConfirmation_SupersedesTheOlder_AndOtherTextDropsIt(DatabaseProvider provider)
    {
        var (services, time, store) = await CreateAsync(provider);
        await using var _ = services;
        var first = await store.CreateAsync(Conversation, "priya", Touch, [], Ct);
        time.Advance(TimeSpan.FromSeconds(5));
        var second = await store.CreateAsync(Conversation, "priya", Touch with { Summary = "record Skyway on DR-1042" }, [], Ct);
        var lukas = await store.CreateAsync(Conversation, "lukas", Touch, [], Ct);

        var latest = await store.LatestOpenAsync(Conversation, "priya", Ct);
        var old = await store.ConsumeAsync(first.Id, Conversation, "priya", ConfirmationOutcome.Confirmed, Ct);
        await store.DropOpenAsync(Conversation, "priya", Ct);
        var dropped = await store.ConsumeAsync(second.Id, Conversation, "priya", ConfirmationOutcome.Confirmed, Ct);

        Assert.Equal(second.Id, latest!.Id);
        Assert.Equal((ConsumeResult.AlreadyAnswered, ConfirmationOutcome.Superseded), (old.Result, old.Confirmation!.Outcome));
        Assert.Equal((ConsumeResult.AlreadyAnswered, ConfirmationOutcome.Dropped), (dropped.Result, dropped.Confirmation!.Outcome));
        Assert.Equal(lukas.Id, (await store.LatestOpenAsync(Conversation, "lukas", Ct))!.Id);
    }
}
