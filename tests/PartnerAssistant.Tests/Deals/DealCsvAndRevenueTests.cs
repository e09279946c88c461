using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Tests.Deals;

/// <summary>Moving deals to and from a CRM, and the program measures, on both databases.</summary>
public sealed class DealCsvAndRevenueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ExportThenImportIntoAnEmptyRegistry_ReproducesTheSameFile(DatabaseProvider provider)
    {
        await using var source = await DealsTestHost.CreateAsync(provider);
        await using var target = await DealsTestHost.CreateAsync(provider, seedDemo: false);
        var manager = await source.CallerAsync("maya-chen");
        var exported = new StringWriter();
        var count = await source.Registry.ExportCsvAsync(manager, exported, Ct);

        var report = await target.Registry.ImportCsvAsync(await target.CallerAsync("maya-chen"), new StringReader(exported.ToString()), "export.csv", Ct);
        var again = new StringWriter();
        await target.Registry.ExportCsvAsync(await target.CallerAsync("maya-chen"), again, Ct);

        Assert.Equal(44, count);
        Assert.Equal((44, 0, 0), (report.Created, report.Updated, report.Unchanged));
        Assert.Empty(report.Errors);
        Assert.Equal(exported.ToString(), again.ToString());
        // Numbers continue after the imported ones.
        var next = await target.Registry.RegisterAsync(await target.CallerAsync("priya-patel"), DealsTestHost.Request("Graphic Design Institute"), Ct);
        Assert.Equal("DR-1045", next.Registration.NumberText);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ImportCsvAsync_OutcomesFromTheCrm_CloseKnownDeals_AndBadRowsAreReportedByLine(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var manager = await host.CallerAsync("maya-chen");
        var csv = """
            number,partner_id,customer,opportunity,products,amount,currency,expected_close,role,status,closed_on,closed_amount,touches
            DR-1042,bluewave,Contoso Ltd,Azure migration to Northbeam,cloud-migration;data-fabric,250000,USD,2027-02-28,reseller,won,2026-11-20,262500.50,skyway:marketplace:2026-11-18
            DR-1014,bluewave,Trey Research,Analytics lakehouse,data-fabric,75000,USD,2026-06-30,reseller,won,2026-11-01,70000,
            ,keystone,"Northwind Traders, Inc.",Second wave,data-fabric,125000,EUR,2027-05-31,integration,approved,,,meridian:influence:2026-10-01
            ,meridian,Litware,Resale attempt,ai-studio,10000,USD,2027-01-31,reseller,submitted,,,
            ,bluewave,Litware,Bad currency,ai-studio,10000,XXX,2027-01-31,reseller,submitted,,,
            """;

        var report = await host.Registry.ImportCsvAsync(manager, new StringReader(csv), "crm.csv", Ct);
        var dr1042 = await host.Registry.FindAsync(manager, 1042, Ct);

        Assert.Equal((1, 1), (report.Created, report.Updated));
        Assert.Equal(RegistrationStatus.Won, dr1042.Status);
        Assert.Equal(262_500.50m, dr1042.ClosedAmount);
        Assert.Contains(dr1042.Touches, t => t.PartnerId == "skyway" && t.Role == PartnerRole.Marketplace);
        Assert.Contains(report.Errors, e => e.StartsWith("line 3: DR-1014 was rejected", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.StartsWith("line 5: Meridian Advisory (influence partner) cannot hold the reseller role", StringComparison.Ordinal));
        Assert.Contains("line 6: unknown currency \"XXX\".", report.Errors);
        var northwind = await host.Registry.ListAsync(manager, new RegistrationFilter { Customer = "Northwind Traders" }, Ct);
        Assert.Contains(northwind, r => r.Opportunity == "Second wave" && r.Status == RegistrationStatus.Approved && r.Number == 1045);

        // The same file again changes nothing: rows are recognised by number, or by partner, customer, opportunity and time.
        var rerun = await host.Registry.ImportCsvAsync(manager, new StringReader(csv), "crm.csv", Ct);
        Assert.Equal((0, 0), (rerun.Created, rerun.Updated));
    }

    [Fact]
    public async Task ImportCsvAsync_HeaderWithoutRequiredColumns_SaysWhichAreMissing()
    {
        await using var host = await DealsTestHost.CreateAsync(seedDemo: false);

        var report = await host.Registry.ImportCsvAsync(await host.CallerAsync("maya-chen"), new StringReader("number,customer\nDR-1,X\n"), "x.csv", Ct);

        Assert.Equal("line 1: the header lacks the columns partner_id, opportunity, products, amount, currency, expected_close, role.", Assert.Single(report.Errors));
        var sam = await host.CallerAsync("sam-rivera");
        await Assert.ThrowsAsync<DealAccessDeniedException>(() => host.Registry.ImportCsvAsync(sam, new StringReader(""), "x.csv", Ct));
    }

    [Fact]
    public void Read_QuotedFieldsWithCommasQuotesAndLineBreaks_AreOneField()
    {
        var rows = DealCsv.Read(new StringReader("a,b\r\n\"x, \"\"y\"\"\",\"line1\nline2\"\r\n")).ToList();

        Assert.Equal(["a", "b"], rows[0].Fields);
        Assert.Equal(["x, \"y\"", "line1\nline2"], rows[1].Fields);
        Assert.Equal(2, rows[1].Line);
    }

    /// <summary>
    /// Issue 14: text a partner or a CRM put into a registration reaches the export as text in every
    /// column — customer_domain and submitted_by included — and comes back unchanged on import.
    /// </summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ExportCsvAsync_FormulasInAnyTextColumn_AreNeutralisedAndImportRestoresThem(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider, seedDemo: false);
        var manager = await host.CallerAsync("maya-chen");
        var csv = """
            number,partner_id,submitted_by,customer,customer_domain,opportunity,products,amount,currency,expected_close,role,status
            ,bluewave,@SUM(1+1),"=HYPERLINK(""http://evil.example/"",""x"")",contoso.com,+rollout,data-fabric,1000,USD,2027-02-28,reseller,submitted
            """;
        var imported = await host.Registry.ImportCsvAsync(manager, new StringReader(csv), "crm.csv", Ct);

        var exported = new StringWriter();
        await host.Registry.ExportCsvAsync(manager, exported, Ct);
        var row = DealCsv.Read(new StringReader(exported.ToString())).Skip(1).Single().Fields;
        await using var target = await DealsTestHost.CreateAsync(provider, seedDemo: false);
        var reimported = await target.Registry.ImportCsvAsync(await target.CallerAsync("maya-chen"), new StringReader(exported.ToString()), "export.csv", Ct);
        var again = new StringWriter();
        await target.Registry.ExportCsvAsync(await target.CallerAsync("maya-chen"), again, Ct);
        var registration = await target.Registry.FindAsync(await target.CallerAsync("maya-chen"), RegistrationNumber.Parse(row[0])!.Value, Ct);

        Assert.Empty(imported.Errors);
        Assert.All(row, cell => Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '@' or '\t' or '\r' || (cell.StartsWith('-') && !decimal.TryParse(cell, out _)), $"formula cell {cell}"));
        Assert.Equal(["'@SUM(1+1)", "'=HYPERLINK(\"http://evil.example/\",\"x\")", "'+rollout"], new[] { row[2], row[3], row[5] });
        Assert.Empty(reimported.Errors);
        Assert.Equal(("@SUM(1+1)", "=HYPERLINK(\"http://evil.example/\",\"x\")", "+rollout"), (registration.SubmittedBy, registration.Customer, registration.Opportunity));
        Assert.Equal(exported.ToString(), again.ToString());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RevenueAsync_InfluencedSourcedAndRopi_PerPartnerAndPartnerType(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider, seedDemo: false);
        var manager = await host.CallerAsync("maya-chen");
        var csv = """
            number,partner_id,customer,opportunity,products,amount,currency,expected_close,role,status,submitted_at,closed_on,closed_amount,touches
            DR-2001,bluewave,Alpha,One,data-fabric,100000,USD,2026-03-31,reseller,won,2026-01-10T00:00:00Z,2026-03-31,100000,meridian:referral:2026-01-05
            DR-2002,keystone,Beta,Two,data-fabric,200000,EUR,2026-05-31,integration,won,2026-02-01T00:00:00Z,2026-05-31,200000,meridian:influence:2026-03-01
            DR-2003,bluewave,Gamma,Three,ai-studio,50000,USD,2026-06-30,reseller,lost,2026-02-01T00:00:00Z,2026-06-30,,
            """;
        await host.Registry.ImportCsvAsync(manager, new StringReader(csv), "t.csv", Ct);
        await host.Registry.SetInvestmentAsync(manager, "meridian", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), mdf: 10_000, rebates: 0, enablement: 2_000, Ct);
        await host.Registry.SetInvestmentAsync(manager, "bluewave", new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), mdf: 20_000, rebates: 5_000, enablement: 0, Ct);

        var year = await host.Attribution.RevenueAsync(manager, AttributionModel.Linear, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), Ct);
        var half = await host.Attribution.RevenueAsync(manager, AttributionModel.Linear, new DateOnly(2026, 1, 1), new DateOnly(2026, 7, 1), Ct);

        var meridian = year.Partners.Single(p => p.PartnerId == "meridian");
        var bluewave = year.Partners.Single(p => p.PartnerId == "bluewave");
        var keystone = year.Partners.Single(p => p.PartnerId == "keystone");
        Assert.Equal((2, 316_000m), (year.WonDeals, year.WonRevenue));
        Assert.Equal(316_000m, year.PartnerInfluenced);
        // Meridian referred DR-2001 before Bluewave registered it: Meridian sourced it.
        Assert.Equal((316_000m, 100_000m, 158_000m), (meridian.Influenced, meridian.Sourced, meridian.Attributed));
        Assert.Equal((0m, 50_000m), (bluewave.Sourced, bluewave.Attributed));
        Assert.Equal(216_000m, keystone.Sourced);
        Assert.Equal(12_000m, meridian.Investment);
        Assert.Equal(13.17, meridian.Ropi);
        Assert.Equal(2.0, bluewave.Ropi);
        Assert.Null(keystone.Ropi);
        var influenceType = year.PartnerTypes.Single(t => t.PartnerType == "influence partner");
        Assert.Equal((158_000m, 12_000m), (influenceType.Attributed, influenceType.Investment));
        // Half a year of a yearly investment counts for half (182 of 365 days).
        Assert.Equal(Math.Round(12_000m * 182 / 365, 2), half.Partners.Single(p => p.PartnerId == "meridian").Investment, 1);
    }
}
