using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using PartnerAssistant.Conversation;
using PartnerAssistant.Deals;
using PartnerAssistant.People;
using PartnerAssistant.Hosting;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.Deals;

/// <summary>The assistant's services over a fresh database of the chosen provider, with a fake clock
/// (a Tuesday morning) and a messenger that records proactive messages instead of calling Teams.</summary>
public sealed class DealsTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    private DealsTestHost(AssistantServices services, FakeTimeProvider time, RecordingMessenger messenger)
    {
        Services = services;
        Time = time;
        Messenger = messenger;
    }

    public AssistantServices Services { get; }
    public FakeTimeProvider Time { get; }
    public RecordingMessenger Messenger { get; }
    public DealRegistry Registry => Services.Get<DealRegistry>();
    public AttributionService Attribution => Services.Get<AttributionService>();

    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    public static async Task<DealsTestHost> CreateAsync(DatabaseProvider provider = DatabaseProvider.Sqlite, bool seedDemo = true, IDictionary<string, string?>? settings = null)
    {
        var time = new FakeTimeProvider(Start);
        var messenger = new RecordingMessenger();
        var values = new Dictionary<string, string?> { ["Deals:SeedDemo"] = seedDemo ? "true" : "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var services = await AssistantServices.CreateAsync(provider, values, s =>
        {
            s.AddSingleton<TimeProvider>(time);
            s.AddSingleton<IProactiveMessenger>(messenger);
        });
        return new DealsTestHost(services, time, messenger);
    }

    /// <summary>The proactive messages a person got, once everything queued has been sent.</summary>
    public async Task<IReadOnlyList<AssistantReply>> MessagesToAsync(string personId)
    {
        await Services.Get<DealNotifier>().WhenIdleAsync(TestContext.Current.CancellationToken);
        return Messenger.To(personId);
    }

    /// <summary>Forgets the messages sent so far (after waiting for queued ones).</summary>
    public async Task ClearMessagesAsync()
    {
        await Services.Get<DealNotifier>().WhenIdleAsync(TestContext.Current.CancellationToken);
        Messenger.Clear();
    }

    public async Task<Caller> CallerAsync(string personId) =>
        await Services.Get<DirectoryService>().FindByPersonIdAsync(personId, TestContext.Current.CancellationToken)
        ?? throw new InvalidOperationException($"No person {personId}.");

    /// <summary>A partner user at a demo organisation that has no person in the demo directory.</summary>
    public async Task<Caller> PartnerUserAsync(string organisationId)
    {
        var id = organisationId + "-user";
        await Services.Get<DirectoryService>().SavePersonAsync(new Person
        {
            Id = id, ChannelUserId = "chan-" + id, DisplayName = "Pat " + organisationId, OrganisationId = organisationId, Role = Role.PartnerUser,
        }, TestContext.Current.CancellationToken);
        return await CallerAsync(id);
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();

    /// <summary>A valid request; tests change what they are about.</summary>
    public static RegistrationRequest Request(string customer, PartnerRole role = PartnerRole.Reseller, Products products = Products.DataFabric, string? key = null) => new()
    {
        Customer = customer,
        Opportunity = customer + " – platform",
        Products = products,
        Amount = 100_000m,
        Currency = "USD",
        ExpectedClose = DateOnly.FromDateTime(Start.UtcDateTime).AddMonths(3),
        Role = role,
        SubmissionKey = key ?? Guid.NewGuid().ToString("N"),
    };
}

/// <summary>Records proactive messages; the channel side of Teams is the only part replaced.</summary>
public sealed class RecordingMessenger : IProactiveMessenger
{
    public ConcurrentQueue<(string PersonId, AssistantReply Reply)> Sent { get; } = new();

    public Task<bool> SendToPersonAsync(string personId, AssistantReply reply, CancellationToken cancellationToken)
    {
        Sent.Enqueue((personId, reply));
        return Task.FromResult(true);
    }

    public IReadOnlyList<AssistantReply> To(string personId) => Sent.Where(s => s.PersonId == personId).Select(s => s.Reply).ToList();

    public void Clear() => Sent.Clear();
}
