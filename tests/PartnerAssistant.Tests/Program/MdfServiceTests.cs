using System.Text;
using PartnerAssistant.Hosting;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.Tests.Deals;

namespace PartnerAssistant.Tests.PartnerProgram;

/// <summary>Market development funds on SQLite and PostgreSQL: the request-to-payment flow, rules, and balances under concurrent approvals.</summary>
public sealed class MdfServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    private static readonly DateOnly Today = DateOnly.FromDateTime(DealsTestHost.Start.UtcDateTime);

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RequestApproveClaimPay_FullFlow_PaysTheCoFundedShareAndReleasesTheRest(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var maya = await host.CallerAsync("maya-chen");
        var tom = await host.CallerAsync("tom-becker");
        await host.Mdf.SetBudgetAsync(maya, "bluewave", null, null, 10_000m, Ct);

        var (request, duplicate) = await host.Mdf.RequestAsync(tom, "bluewave", Input("Retail analytics workshop", 4_000m, 8_000m, "flow-1"), Ct);
        var again = await host.Mdf.RequestAsync(tom, "bluewave", Input("Retail analytics workshop", 4_000m, 8_000m, "flow-1"), Ct);
        var approved = await host.Mdf.ApproveAsync(maya, Number(request), null, null, null, Ct);
        var afterApproval = (await host.Mdf.BalancesAsync(tom, "bluewave", Ct)).Single();
        host.Time.Advance(TimeSpan.FromDays(35));
        var proof = await host.Services.Get<ProgramDocuments>().StoreAsync("bluewave", "proof",
            new UploadedFile("invoices.pdf", "application/pdf", Encoding.UTF8.GetBytes("%PDF-1.4 invoices")), tom.Person.Id, Ct);
        var claimed = await host.Mdf.ClaimAsync(tom, Number(request), 7_000m, [proof.Id], Ct);
        await host.Mdf.DecideClaimAsync(maya, Number(request), true, null, Ct);
        var paid = await host.Mdf.MarkPaidAsync(maya, Number(request), "PAY-1", Ct);
        var afterPayment = (await host.Mdf.BalancesAsync(maya, "bluewave", Ct)).Single();

        Assert.False(duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(request.Number, again.Request.Number);
        Assert.Equal(MdfStatus.Approved, approved.Status);
        Assert.Equal((10_000m, 4_000m, 6_000m), (afterApproval.Budget, afterApproval.Committed, afterApproval.Available));
        Assert.Equal(MdfStatus.Claimed, claimed.Status);
        // 50 % of the 7,000 actually spent is 3,500: under the 4,000 approved, so 500 goes back to the budget.
        Assert.Equal(MdfStatus.Paid, paid.Status);
        Assert.Equal(3_500m, paid.Paid);
        Assert.Equal((3_500m, 6_500m), (afterPayment.Paid, afterPayment.Available));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RequestAsync_LessThan30DaysAheadOrOverHalfTheCost_IsRefusedWithTheRules(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var maya = await host.CallerAsync("maya-chen");
        var tom = await host.CallerAsync("tom-becker");
        await host.Mdf.SetBudgetAsync(maya, "bluewave", null, null, 10_000m, Ct);

        var late = await Assert.ThrowsAsync<ProgramValidationException>(() => host.Mdf.RequestAsync(tom, "bluewave", Input("Too soon", 1_000m, 2_000m, "late") with { ActivityDate = Today.AddDays(10) }, Ct));
        var greedy = await Assert.ThrowsAsync<ProgramValidationException>(() => host.Mdf.RequestAsync(tom, "bluewave", Input("Too much", 3_000m, 4_000m, "greedy"), Ct));
        var user = await host.PartnerUserAsync("bluewave");
        await Assert.ThrowsAsync<ProgramAccessDeniedException>(() => host.Mdf.RequestAsync(user, "bluewave", Input("Not an admin", 1_000m, 2_000m, "user"), Ct));

        Assert.Contains(late.Problems, p => p.Contains("at least 30 days before", StringComparison.Ordinal));
        Assert.Contains(greedy.Problems, p => p.Contains("50 %", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ApproveAsync_TwelveConcurrentApprovalsOnATenRequestBudget_ApprovesExactlyTenAndNeverGoesNegative(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var maya = await host.CallerAsync("maya-chen");
        var tom = await host.CallerAsync("tom-becker");
        await host.Mdf.SetBudgetAsync(maya, "bluewave", null, null, 10_000m, Ct);
        var numbers = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            var (request, _) = await host.Mdf.RequestAsync(tom, "bluewave", Input($"Webinar {i}", 1_000m, 2_000m, $"race-{i}"), Ct);
            numbers.Add(Number(request));
        }

        using var start = new ManualResetEventSlim();
        var approvals = numbers.Select(n => Task.Run(async () =>
        {
            start.Wait(Ct);
            try
            {
                await host.Mdf.ApproveAsync(maya, n, null, null, null, Ct);
                return true;
            }
            catch (ProgramRuleException)
            {
                return false;
            }
        }, Ct)).ToList();
        start.Set();
        var results = await Task.WhenAll(approvals);
        var balance = (await host.Mdf.BalancesAsync(maya, "bluewave", Ct)).Single();
        var ledger = await host.Mdf.LedgerAsync(maya, "bluewave", Ct);
        var requests = await host.Mdf.ListAsync(maya, "bluewave", [], Ct);

        Assert.Equal(10, results.Count(r => r));
        Assert.Equal((10_000m, 0m), (balance.Committed, balance.Available));
        Assert.Equal(10, requests.Count(r => r.Status == MdfStatus.Approved));
        Assert.Equal(2, requests.Count(r => r.Status == MdfStatus.Requested));
        Assert.Equal(1_000_000, ledger.Where(e => e.Kind == LedgerKind.Reserve).Sum(e => e.AmountCents));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ListAsync_PartnerAdmin_SeesOnlyTheirOrganisationsRequests(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedProgram: true);
        var tom = await host.CallerAsync("tom-becker");
        var maya = await host.CallerAsync("maya-chen");

        var own = await host.Mdf.ListAsync(tom, null, [], Ct);
        var all = await host.Mdf.ListAsync(maya, null, [], Ct);

        Assert.NotEmpty(own);
        Assert.All(own, r => Assert.Equal("bluewave", r.OrganisationId));
        Assert.Contains(all, r => r.OrganisationId == "keystone");
        await Assert.ThrowsAsync<ProgramAccessDeniedException>(() => host.Mdf.BalancesAsync(tom, "keystone", Ct));
    }

    private static long Number(MdfRequestView view) => long.Parse(view.Number["MDF-".Length..], System.Globalization.CultureInfo.InvariantCulture);

    private static MdfRequestInput Input(string title, decimal requested, decimal eligible, string key) => new()
    {
        ActivityType = "workshop",
        Title = title,
        ActivityDate = Today.AddDays(32),
        Plan = "Half-day hands-on workshop for retail IT leads on Data Fabric.",
        ExpectedOutcomes = "25 attendees, 5 opportunities",
        EligibleCost = eligible,
        RequestedAmount = requested,
        SubmissionKey = key,
    };
}
