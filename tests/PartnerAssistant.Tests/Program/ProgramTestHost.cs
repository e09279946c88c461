using PartnerAssistant.Hosting;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;
using PartnerAssistant.Tests.Deals;

namespace PartnerAssistant.Tests.PartnerProgram;

/// <summary>The deals test host (fake clock on a Tuesday, recorded proactive messages) with the program's services at hand.</summary>
public sealed class ProgramTestHost : IAsyncDisposable
{
    private readonly DealsTestHost _host;

    private ProgramTestHost(DealsTestHost host) => _host = host;

    public Infrastructure.AssistantServices Services => _host.Services;
    public Microsoft.Extensions.Time.Testing.FakeTimeProvider Time => _host.Time;
    public RecordingMessenger Messenger => _host.Messenger;
    public OnboardingService Onboarding => Services.Get<OnboardingService>();
    public TierService Tiers => Services.Get<TierService>();
    public MdfService Mdf => Services.Get<MdfService>();
    public PsatService Psat => Services.Get<PsatService>();
    public ProgramMetricsService Metrics => Services.Get<ProgramMetricsService>();

    /// <summary>The demo directory and deal book; the demo program data only when <paramref name="seedProgram"/> is set.</summary>
    public static async Task<ProgramTestHost> CreateAsync(DatabaseProvider provider, bool seedProgram = false, bool seedDeals = true, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?> { ["Program:SeedDemo"] = seedProgram ? "true" : "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        return new ProgramTestHost(await DealsTestHost.CreateAsync(provider, seedDeals, values));
    }

    public Task<Caller> CallerAsync(string personId) => _host.CallerAsync(personId);

    public Task<Caller> PartnerUserAsync(string organisationId) => _host.PartnerUserAsync(organisationId);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
