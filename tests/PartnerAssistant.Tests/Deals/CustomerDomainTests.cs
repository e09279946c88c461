using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Tests.Deals;

/// <summary>
/// A customer's domain is a web domain or nothing, and a partner's registration never edits a customer
/// record that other partners' registrations use (issue 14: a formula typed as the domain changed a
/// shared customer and reached the CSV export).
/// </summary>
public sealed class CustomerDomainTests
{
    private const string Formula = "=HYPERLINK(\"http://evil.example/\",\"x\")";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_FormulaAsCustomerDomain_IsRefusedAndTheCustomerIsUnchanged(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var lukas = await host.CallerAsync("lukas-meyer");
        var request = DealsTestHost.Request("Trey Research", PartnerRole.Integration) with { CustomerDomain = Formula };

        var refused = await Assert.ThrowsAsync<DealValidationException>(() => host.Registry.RegisterAsync(lukas, request, Ct));

        Assert.Contains("is not a web domain; give the customer's domain like contoso.com, or leave it empty.", Assert.Single(refused.Problems));
        Assert.Equal([null], await DomainsOfAsync(host, "Trey Research"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_DomainForACustomerOtherPartnersRegistered_LeavesTheSharedCustomerAlone(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var lukas = await host.CallerAsync("lukas-meyer");
        var priya = await host.CallerAsync("priya-patel");

        var shared = await host.Registry.RegisterAsync(lukas, DealsTestHost.Request("Trey Research", PartnerRole.Integration) with { CustomerDomain = "evil.example" }, Ct);
        var own = await host.Registry.RegisterAsync(priya, DealsTestHost.Request("Graphic Design Institute"), Ct);
        var ownAgain = await host.Registry.RegisterAsync(priya, DealsTestHost.Request("Graphic Design Institute", products: Products.AiStudio) with { CustomerDomain = "https://www.graphicdesigninstitute.com/about" }, Ct);

        Assert.Equal("Trey Research", shared.Registration.Customer);
        Assert.Equal([null], await DomainsOfAsync(host, "Trey Research"));
        // The control: a customer only the registering partner uses takes the domain (normalised).
        Assert.Equal(own.Registration.Customer, ownAgain.Registration.Customer);
        Assert.Equal(["graphicdesigninstitute.com"], await DomainsOfAsync(host, "Graphic Design Institute"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ImportCsvAsync_FormulaDomainOrOverlongNames_AreReportedByLineAndNotStored(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider, seedDemo: false);
        var manager = await host.CallerAsync("maya-chen");
        var longName = new string('a', 100_000);
        var csv = $"""
            number,partner_id,customer,customer_domain,opportunity,products,amount,currency,expected_close,role,status
            ,bluewave,Trey Research,"=HYPERLINK(""http://evil.example/"",""x"")",Lakehouse,data-fabric,1000,USD,2027-02-28,reseller,submitted
            ,bluewave,{longName},,Lakehouse,data-fabric,1000,USD,2027-02-28,reseller,submitted
            ,bluewave,Trey Research,,{longName},data-fabric,1000,USD,2027-02-28,reseller,submitted
            ,bluewave,Trey Research,treyresearch.net,Lakehouse,data-fabric,1000,USD,2027-02-28,reseller,submitted
            """;

        var report = await host.Registry.ImportCsvAsync(manager, new StringReader(csv), "crm.csv", Ct);

        Assert.Equal(1, report.Created);
        Assert.Equal(3, report.Errors.Count);
        Assert.StartsWith("line 2: \"=HYPERLINK(", report.Errors[0]);
        Assert.Equal("line 3: the customer name is longer than 200 characters.", report.Errors[1]);
        Assert.Equal("line 4: the opportunity name is longer than 200 characters.", report.Errors[2]);
        Assert.Equal(["treyresearch.net"], await DomainsOfAsync(host, "Trey Research"));
    }

    private static async Task<List<string?>> DomainsOfAsync(DealsTestHost host, string customer)
    {
        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        return await db.Customers.Where(c => c.Name == customer).Select(c => c.Domain).ToListAsync(Ct);
    }
}
