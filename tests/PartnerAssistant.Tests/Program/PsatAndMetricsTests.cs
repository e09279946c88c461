using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;
using PartnerAssistant.Tests.Deals;

namespace PartnerAssistant.Tests.PartnerProgram;

/// <summary>PSAT answers and the dashboard's figures on a small, known data set, on SQLite and PostgreSQL.</summary>
public sealed class PsatAndMetricsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    private static readonly MetricsFilter FourthQuarter = new(new DateOnly(2026, 10, 1), new DateOnly(2026, 12, 31));

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SubmitAsync_TwoPartnersAnswer_StoresScoresAndAveragesPerPartnerType(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var maya = await host.CallerAsync("maya-chen");
        var priya = await host.CallerAsync("priya-patel");
        var lukas = await host.CallerAsync("lukas-meyer");

        var sent = await host.Psat.SendQuarterlyAsync(Ct);
        var survey = await host.Psat.OpenSurveyAsync(priya, Ct);
        var stored = await host.Psat.SubmitAsync(priya, survey!.SurveyId, new PsatAnswers(9, 8, 7, 8, 9, "Deal reviews got faster."), Ct);
        await host.Psat.SubmitAsync(lukas, (await host.Psat.OpenSurveyAsync(lukas, Ct))!.SurveyId, new PsatAnswers(5, 4, 6, 5, 5, null), Ct);
        var twice = await Record.ExceptionAsync(() => host.Psat.SubmitAsync(priya, survey.SurveyId, new PsatAnswers(1, 1, 1, 1, 1, null), Ct));
        var afterAnswer = await host.Psat.OpenSurveyAsync(priya, Ct);
        var metrics = await host.Metrics.ComputeAsync(maya, FourthQuarter, Ct);

        Assert.Equal(6, sent);
        Assert.Equal(("bluewave", 9, "Deal reviews got faster."), (stored.OrganisationId, stored.Overall, stored.Comment));
        Assert.NotNull(twice);
        Assert.Null(afterAnswer);
        Assert.Equal(2, metrics.Psat.Responses);
        Assert.Equal(6.6, metrics.Psat.AverageScore!.Value, 2);
        Assert.Equal(8.2, metrics.Psat.ByPartnerType.Single(g => g.Name == PartnerType.Reseller.Describe()).AverageScore!.Value, 2);
        Assert.Equal(5.0, metrics.Psat.ByPartnerType.Single(g => g.Name == PartnerType.SystemsIntegrator.Describe()).AverageScore!.Value, 2);
        Assert.Equal(0.5, metrics.Psat.LowShare, 3);
        Assert.Contains(metrics.Psat.Comments, c => c.Comment == "Deal reviews got faster.");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ComputeAsync_KnownDeals_GivesRevenueRopiAndReviewsForManagersAndOnlyOwnFiguresForPartners(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedDeals: false);
        var (registry, maya, priya, lukas) = await TwoPartnerWinsAsync(host);
        await registry.RegisterAsync(priya, DealsTestHost.Request("Fabrikam Fiber"), Ct);
        await registry.SetInvestmentAsync(maya, "bluewave", FourthQuarter.From, FourthQuarter.To, 5_000m, 0m, 5_000m, Ct);

        var program = await host.Metrics.ComputeAsync(maya, FourthQuarter, Ct);
        var resellers = await host.Metrics.ComputeAsync(maya, FourthQuarter with { PartnerType = PartnerType.Reseller }, Ct);
        var emea = await host.Metrics.ComputeAsync(maya, FourthQuarter with { Region = "EMEA" }, Ct);
        var own = await host.Metrics.ComputeAsync(priya, FourthQuarter with { PartnerType = PartnerType.SystemsIntegrator }, Ct);
        host.Time.Advance(TimeSpan.FromDays(3));
        var later = await host.Metrics.ComputeAsync(maya, FourthQuarter, Ct);
        var csv = ProgramMetricsService.ToCsv(program);

        Assert.Equal((2, 400_000m, 400_000m, 400_000m, 400_000m), (program.Revenue.WonDeals, program.Revenue.WonRevenue, program.Revenue.PartnerInfluenced, program.Revenue.PartnerSourced, program.Revenue.Attributed));
        Assert.Equal((10_000m, 40.0), (program.Revenue.Investment, program.Revenue.Ropi));
        Assert.Equal(400_000m, program.Monthly.Single(m => m.Month == "2026-11").Influenced);
        Assert.Equal(10.0, program.ByPartnerType.Single(t => t.PartnerType == PartnerType.Reseller.Describe()).Ropi);
        Assert.Null(program.ByPartnerType.Single(t => t.PartnerType == PartnerType.SystemsIntegrator.Describe()).Ropi);
        Assert.Equal((100_000m, 100_000m), (resellers.Revenue.PartnerInfluenced, resellers.Revenue.Attributed));
        Assert.Equal(300_000m, emea.Revenue.Attributed);
        Assert.Equal(("Bluewave Solutions", 1, 100_000m, 100_000m), (own.Scope, own.PartnersInView, own.Revenue.PartnerInfluenced, own.Revenue.Attributed));
        Assert.Equal(2, own.Registrations.ByStatus.Sum(s => s.Count));
        Assert.Equal((3, 1, 0), (program.Registrations.ByStatus.Sum(s => s.Count), program.Registrations.PendingReviews, program.Registrations.OverdueReviews));
        Assert.Equal(1, later.Registrations.OverdueReviews);
        Assert.Contains("revenue,partner_influenced,USD,400000\r\n", csv);
        Assert.Contains("ropi,program,,40\r\n", csv);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ComputeAsync_PartnerOrPartnerFilter_CountsOnlyTheWonDealsOfPartnersInView(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedDeals: false);
        var (registry, maya, priya, lukas) = await TwoPartnerWinsAsync(host);
        await WinAsync(registry, maya, lukas, DealsTestHost.Request("Wide World Importers", PartnerRole.Integration) with { Amount = 20_000m });

        var bluewave = await host.Metrics.ComputeAsync(priya, FourthQuarter, Ct);
        var keystone = await host.Metrics.ComputeAsync(lukas, FourthQuarter, Ct);
        var resellers = await host.Metrics.ComputeAsync(maya, FourthQuarter with { PartnerType = PartnerType.Reseller }, Ct);
        var program = await host.Metrics.ComputeAsync(maya, FourthQuarter, Ct);

        Assert.Equal((1, 100_000m), (bluewave.Revenue.WonDeals, bluewave.Revenue.WonRevenue));
        Assert.Equal((2, 320_000m), (keystone.Revenue.WonDeals, keystone.Revenue.WonRevenue));
        Assert.Equal((1, 100_000m), (resellers.Revenue.WonDeals, resellers.Revenue.WonRevenue));
        Assert.Equal((3, 420_000m), (program.Revenue.WonDeals, program.Revenue.WonRevenue));
        Assert.Equal(100_000m, bluewave.Monthly.Sum(m => m.Influenced));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ComputeAsync_MonthlyRevenue_CltvIsLifetimeRevenueUpToThePeriodEnd_AndNewMonthsAreCounted(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedDeals: false);
        var (_, maya, _, _) = await TwoPartnerWinsAsync(host);
        long alpine, coho;
        await using (var scope = host.Services.Services.CreateAsyncScope())
        {
            var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
            alpine = deals.Customers.Single(c => c.Name == "Alpine Ski House").Id;
            coho = deals.Customers.Single(c => c.Name == "Coho Winery").Id;
        }

        // Alpine 1,000 a month through 2026, Coho 3,000 a month from June, and Tailspin (direct sales only) 500 a month for two years.
        await AddRevenueAsync(host, [
            .. Months(2026, 1, 12).Select(m => (alpine, "alpine ski house", m, 1_000m)),
            .. Months(2026, 6, 7).Select(m => (coho, "coho winery", m, 3_000m)),
            .. Months(2025, 1, 24).Select(m => ((long?)null, "tailspin toys", m, 500m)),
        ]);

        var quarter = await host.Metrics.ComputeAsync(maya, FourthQuarter, Ct);
        var october = await host.Metrics.ComputeAsync(maya, new MetricsFilter(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 31)), Ct);
        await AddRevenueAsync(host, [(alpine, "alpine ski house", 202701, 1_000m)]);
        var january = await host.Metrics.ComputeAsync(maya, new MetricsFilter(new DateOnly(2026, 10, 1), new DateOnly(2027, 1, 31)), Ct);

        Assert.Equal((1, 12_000m), Cltv(quarter, PartnerType.Reseller.Describe()));
        Assert.Equal((1, 21_000m), Cltv(quarter, PartnerType.SystemsIntegrator.Describe()));
        Assert.Equal((1, 12_000m), Cltv(quarter, "direct sales"));
        // Before the deals closed (November) every customer was still a direct-sales customer, at its October lifetime revenue.
        Assert.Equal((3, 12_000m), Cltv(october, "direct sales"));
        Assert.DoesNotContain(october.Cltv, g => g.AcquiredBy == PartnerType.Reseller.Describe());
        Assert.Equal((1, 13_000m), Cltv(january, PartnerType.Reseller.Describe()));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ComputeAsync_EnablementEditor_IsDenied(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedDeals: false);
        var elena = await host.CallerAsync("elena-novak");

        await Assert.ThrowsAsync<ProgramAccessDeniedException>(() => host.Metrics.ComputeAsync(elena, FourthQuarter, Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ComputeAsync_CustomerWonTwiceOnOneDay_CountsOnceAsANewCustomerForPartnerCac(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedDeals: false);
        var registry = host.Services.Get<DealRegistry>();
        var maya = await host.CallerAsync("maya-chen");
        var priya = await host.CallerAsync("priya-patel");
        var lukas = await host.CallerAsync("lukas-meyer");
        await WinAsync(registry, maya, priya, DealsTestHost.Request("Alpine Ski House") with { Amount = 100_000m });
        await WinAsync(registry, maya, priya, DealsTestHost.Request("Alpine Ski House") with { Amount = 50_000m, Opportunity = "Alpine Ski House – expansion" });
        await WinAsync(registry, maya, lukas, DealsTestHost.Request("Coho Winery", PartnerRole.Integration) with { Amount = 300_000m });
        await registry.SetInvestmentAsync(maya, "bluewave", FourthQuarter.From, FourthQuarter.To, 6_000m, 0m, 0m, Ct);

        var program = await host.Metrics.ComputeAsync(maya, FourthQuarter, Ct);
        var own = await host.Metrics.ComputeAsync(priya, FourthQuarter, Ct);

        Assert.Equal(3, program.Revenue.WonDeals);
        // Alpine Ski House's second win is not a new customer; the program paid 6,000 for two new customers.
        Assert.Equal((2.0, 3_000m), (program.Cac.Partner.NewCustomers, program.Cac.Partner.Cac));
        Assert.Equal((1.0, 6_000m), (own.Cac.Partner.NewCustomers, own.Cac.Partner.Cac));
    }

    /// <summary>Bluewave (a reseller) wins 100,000 and Keystone (an integrator) 300,000 in the fourth quarter.</summary>
    private static async Task<(DealRegistry Registry, Caller Maya, Caller Priya, Caller Lukas)> TwoPartnerWinsAsync(ProgramTestHost host)
    {
        var registry = host.Services.Get<DealRegistry>();
        var maya = await host.CallerAsync("maya-chen");
        var priya = await host.CallerAsync("priya-patel");
        var lukas = await host.CallerAsync("lukas-meyer");
        await WinAsync(registry, maya, priya, DealsTestHost.Request("Alpine Ski House") with { Amount = 100_000m });
        await WinAsync(registry, maya, lukas, DealsTestHost.Request("Coho Winery", PartnerRole.Integration) with { Amount = 300_000m });
        return (registry, maya, priya, lukas);
    }

    private static (int Customers, decimal Average) Cltv(ProgramMetrics metrics, string acquiredBy) =>
        metrics.Cltv.Where(g => g.AcquiredBy == acquiredBy).Select(g => (g.Customers, g.AverageLifetimeRevenue)).SingleOrDefault();

    private static IEnumerable<int> Months(int year, int month, int count) =>
        Enumerable.Range(0, count).Select(i => new DateOnly(year, month, 1).AddMonths(i)).Select(d => (d.Year * 100) + d.Month);

    /// <summary>Recognised monthly revenue rows, appended as finance's import would.</summary>
    private static async Task AddRevenueAsync(ProgramTestHost host, IEnumerable<(long? DealCustomerId, string Key, int Month, decimal Amount)> rows)
    {
        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        db.CustomerRevenue.AddRange(rows.Select(r => new CustomerRevenue
        {
            DealCustomerId = r.DealCustomerId, CustomerKey = r.Key, CustomerName = r.Key, Month = r.Month, AmountCents = (long)(r.Amount * 100),
        }));
        await db.SaveChangesAsync(Ct);
    }

    private static async Task WinAsync(DealRegistry registry, Caller manager, Caller partner, RegistrationRequest request)
    {
        var registered = await registry.RegisterAsync(partner, request, Ct);
        await registry.DecideAsync(manager, registered.Registration.Number, true, null, null, Ct);
        await registry.RecordOutcomeAsync(manager, registered.Registration.Number, true, null, null, Ct);
    }
}
