using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Deals;

namespace PartnerAssistant.Tests.Deals;

public sealed class DealLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // submitted → under review / approved / rejected → expired / won / lost; an expired deal can still close.
    private static readonly HashSet<(RegistrationStatus, RegistrationStatus)> Allowed =
    [
        (RegistrationStatus.Submitted, RegistrationStatus.UnderReview),
        (RegistrationStatus.Submitted, RegistrationStatus.Approved),
        (RegistrationStatus.Submitted, RegistrationStatus.Rejected),
        (RegistrationStatus.UnderReview, RegistrationStatus.Approved),
        (RegistrationStatus.UnderReview, RegistrationStatus.Rejected),
        (RegistrationStatus.Approved, RegistrationStatus.Expired),
        (RegistrationStatus.Approved, RegistrationStatus.Won),
        (RegistrationStatus.Approved, RegistrationStatus.Lost),
        (RegistrationStatus.Expired, RegistrationStatus.Won),
        (RegistrationStatus.Expired, RegistrationStatus.Lost),
    ];

    public static TheoryData<RegistrationStatus, RegistrationStatus> AllPairs()
    {
        var data = new TheoryData<RegistrationStatus, RegistrationStatus>();
        foreach (var from in Enum.GetValues<RegistrationStatus>())
        {
            foreach (var to in Enum.GetValues<RegistrationStatus>())
            {
                data.Add(from, to);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Check_EveryPairOfStatuses_AllowsExactlyTheProgramsMoves(RegistrationStatus from, RegistrationStatus to)
    {
        if (Allowed.Contains((from, to)))
        {
            Assert.False(string.IsNullOrEmpty(DealLifecycle.Check(1042, from, to)));
        }
        else
        {
            var error = Assert.Throws<DealRuleException>(() => DealLifecycle.Check(1042, from, to));
            Assert.StartsWith("DR-1042 ", error.Message);
        }
    }

    [Fact]
    public async Task LifecycleService_OnTheFakeClock_ExpiresAndRemindsWithoutAnyoneAsking()
    {
        await using var host = await DealsTestHost.CreateAsync(settings: new Dictionary<string, string?> { ["Deals:MaintenanceInterval"] = "01:00:00" });
        var service = new DealLifecycleService(host.Registry, host.Time, host.Services.Get<IOptions<DealOptions>>(), NullLogger<DealLifecycleService>.Instance);
        var priya = await host.CallerAsync("priya-patel");

        await service.StartAsync(Ct);
        // The first run happens at start: DR-1022 is 11 days from expiry, so its owners get the 14-day reminder.
        await WaitUntilAsync(() => host.Messenger.To("priya-patel").Any(m => m.Text.Contains("DR-1022", StringComparison.Ordinal)));
        host.Time.Advance(TimeSpan.FromDays(12));
        await WaitUntilAsync(() => host.Messenger.To("priya-patel").Any(m => m.Text.Contains("**DR-1022**", StringComparison.Ordinal) && m.Text.Contains("has expired", StringComparison.Ordinal)));
        await service.StopAsync(Ct);

        Assert.Equal(RegistrationStatus.Expired, (await host.Registry.FindAsync(priya, 1022, Ct)).Status);
        Assert.Contains(host.Messenger.To("maya-chen"), m => m.Text.Contains("overdue", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Options_ReportingCurrencyWithoutRate_StopsStartWithAClearMessage()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await DealsTestHost.CreateAsync(seedDemo: false, settings: new Dictionary<string, string?> { ["Deals:ReportingCurrency"] = "XAU" });
            _ = host.Services.Get<IOptions<DealOptions>>().Value;
        });

        Assert.Contains("Deals:ReportingCurrency and Deals:DefaultCurrency must be listed in Deals:ExchangeRates.", error.Message);
    }

    [Fact]
    public async Task Options_ProtectionDaysOutOfRange_IsRefused()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var host = await DealsTestHost.CreateAsync(seedDemo: false, settings: new Dictionary<string, string?> { ["Deals:ProtectionDays"] = "0" });
            _ = host.Services.Get<IOptions<DealOptions>>().Value;
        });

        Assert.Contains("The field ProtectionDays must be between 1 and 730.", error.Message);
    }

    [Fact]
    public async Task ProtectionDays_FromConfiguration_SetsTheProtectionOfNewApprovals()
    {
        await using var host = await DealsTestHost.CreateAsync(seedDemo: false, settings: new Dictionary<string, string?> { ["Deals:ProtectionDays"] = "60" });
        var priya = await host.CallerAsync("priya-patel");
        var manager = await host.CallerAsync("maya-chen");
        var number = (await host.Registry.RegisterAsync(priya, DealsTestHost.Request("Alpine Ski House"), Ct)).Registration.Number;

        var approved = await host.Registry.DecideAsync(manager, number, approve: true, null, null, Ct);

        Assert.Equal(DealsTestHost.Start.AddDays(60), approved.ProtectedUntil);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        // Waits for the background loop to act on the fake clock; the limit only stops a broken test from hanging.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(20, limit.Token);
        }
    }
}
