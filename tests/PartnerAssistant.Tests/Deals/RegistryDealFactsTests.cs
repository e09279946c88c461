using PartnerAssistant.Deals;
using PartnerAssistant.People;
using PartnerAssistant.Prediction;

namespace PartnerAssistant.Tests.Deals;

/// <summary>The deal registry read by the deal model: what it tells the scorer about a registration,
/// and which closed deals it offers for retraining.</summary>
public sealed class RegistryDealFactsTests
{
    [Fact]
    public async Task FindAsync_OwnRegistration_CarriesTheRegistrationsFactsInDollars()
    {
        await using var host = await DealsTestHost.CreateAsync();
        var facts = host.Services.Get<IDealFactsSource>();
        var ct = TestContext.Current.CancellationToken;

        // DR-1042: Bluewave (a Silver reseller in NA) resells to Contoso.
        var found = await facts.FindAsync(await host.CallerAsync("priya-patel"), "DR-1042", ct);

        Assert.NotNull(found);
        Assert.Equal("DR-1042", found.RegistrationNumber);
        Assert.Equal(PartnerType.Reseller, found.PartnerType);
        Assert.Equal(Tier.Silver, found.PartnerTier);
        Assert.Equal("NA", found.Region);
        Assert.Equal(RouteToMarket.Resale, found.Route);
        Assert.True(found.AmountUsd > 0);
        Assert.NotEqual(NorthbeamProducts.None, found.Products);
    }

    [Fact]
    public async Task FindAsync_ByCustomerName_FindsTheCallersOpenRegistration()
    {
        await using var host = await DealsTestHost.CreateAsync();
        var facts = host.Services.Get<IDealFactsSource>();

        var found = await facts.FindAsync(await host.CallerAsync("priya-patel"), "Contoso", TestContext.Current.CancellationToken);

        Assert.Equal("DR-1042", found?.RegistrationNumber);
    }

    [Fact]
    public async Task FindAsync_AnotherOrganisationsRegistration_IsNotFound()
    {
        await using var host = await DealsTestHost.CreateAsync();
        var facts = host.Services.Get<IDealFactsSource>();
        var ct = TestContext.Current.CancellationToken;
        var keystone = await host.CallerAsync("lukas-meyer");

        Assert.Null(await facts.FindAsync(keystone, "DR-1042", ct));
        Assert.NotNull(await facts.FindAsync(await host.CallerAsync("sam-rivera"), "DR-1042", ct));
    }

    [Fact]
    public async Task ListClosedDeals_ReturnsEveryWonAndLostRegistration_WithItsOutcome()
    {
        await using var host = await DealsTestHost.CreateAsync();
        var ct = TestContext.Current.CancellationToken;
        var administrator = DealActors.Administrator("test");
        var won = await host.Registry.ListAsync(administrator, new RegistrationFilter { Statuses = [RegistrationStatus.Won], Limit = 1000 }, ct);
        var lost = await host.Registry.ListAsync(administrator, new RegistrationFilter { Statuses = [RegistrationStatus.Lost], Limit = 1000 }, ct);

        var closed = await host.Services.Get<IClosedDealsSource>().ListClosedDealsAsync(ct);

        Assert.NotEmpty(won);
        Assert.NotEmpty(lost);
        Assert.Equal(won.Count, closed.Count(d => d.Won));
        Assert.Equal(lost.Count, closed.Count(d => !d.Won));
        Assert.Equal(
            won.Select(r => r.NumberText).Order(StringComparer.Ordinal),
            closed.Where(d => d.Won).Select(d => d.Facts.RegistrationNumber!).Order(StringComparer.Ordinal));
    }
}
