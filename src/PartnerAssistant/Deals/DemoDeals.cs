using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>
/// A demo deal book across the demo partner organisations, dated relative to the day it is seeded so
/// protection, reminders and reviews are live: DR-1001 to DR-1044, some won and lost, DR-1042 is
/// Bluewave's approved reseller registration on Contoso (so a Keystone reseller registration on Contoso
/// goes to review under RoE-1), and DR-1044 waits, overdue, in review.
/// </summary>
public static class DemoDeals
{
    private const string DF = "data-fabric", AI = "ai-studio", ER = "edge-runtime", CM = "cloud-migration";

    // partner, customer, domain, opportunity, products, amount, currency, role, status, submitted days ago,
    // closed days ago, closed amount, other touches "partner:role:daysAgo"
    private static readonly (string Partner, string Customer, string? Domain, string Opportunity, string Products, decimal Amount, string Currency, string Role,
        RegistrationStatus Status, int SubmittedAgo, int? ClosedAgo, decimal? ClosedAmount, string Touches)[] Rows =
    [
        ("bluewave", "Adventure Works", "adventure-works.com", "Data Fabric rollout", DF, 180_000, "USD", "reseller", RegistrationStatus.Won, 300, 200, 175_000, "meridian:influence:320;keystone:integration:250"),
        ("keystone", "Northwind Traders", "northwindtraders.com", "ERP data integration", $"{DF};{CM}", 420_000, "EUR", "integration", RegistrationStatus.Won, 290, 180, 440_000, "meridian:influence:300;vectorline:isv-component:210"),
        ("skyway", "Tailspin Toys", "tailspintoys.com", "AI Studio private offer", AI, 95_000, "USD", "marketplace", RegistrationStatus.Won, 280, 230, 95_000, "bluewave:referral:285"),
        ("harbor", "Woodgrove Bank", "woodgrovebank.com", "Managed Data Fabric estate", DF, 610_000, "CAD", "integration", RegistrationStatus.Won, 270, 150, 600_000, "meridian:influence:275"),
        ("bluewave", "Litware Inc.", "litwareinc.com", "Edge Runtime pilot", ER, 60_000, "USD", "reseller", RegistrationStatus.Lost, 260, 170, null, "vectorline:isv-component:240"),
        ("vectorline", "Wide World Importers", "wideworldimporters.com", "Label OCR on Edge Runtime", $"{ER};{AI}", 140_000, "SGD", "isv-component", RegistrationStatus.Won, 250, 120, 150_000, "harbor:integration:200;skyway:marketplace:125"),
        ("meridian", "Contoso Pharma", "contosopharma.com", "AI governance advisory", AI, 50_000, "GBP", "influence", RegistrationStatus.Won, 245, 160, 50_000, "keystone:integration:190"),
        ("keystone", "Fabrikam, Inc.", "fabrikam.com", "Data estate modernisation", $"{DF};{CM}", 350_000, "EUR", "integration", RegistrationStatus.Lost, 240, 140, null, "meridian:influence:250"),
        ("bluewave", "Alpine Ski House", null, "Cloud migration", CM, 120_000, "USD", "reseller", RegistrationStatus.Won, 230, 110, 118_000, "keystone:integration:180"),
        ("harbor", "Coho Winery", null, "Edge analytics in the cellar", ER, 45_000, "CAD", "integration", RegistrationStatus.Expired, 220, null, null, ""),
        ("skyway", "Proseware, Inc.", null, "Marketplace Data Fabric", DF, 210_000, "USD", "marketplace", RegistrationStatus.Won, 210, 100, 205_000, "meridian:influence:230;keystone:integration:150"),
        ("vectorline", "Lamna Healthcare Company", null, "Patient monitoring models", $"{AI};{ER}", 260_000, "USD", "isv-component", RegistrationStatus.Won, 205, 90, 270_000, "harbor:integration:180;meridian:influence:215"),
        ("keystone", "Relecloud", null, "AI Studio platform", AI, 300_000, "EUR", "reseller", RegistrationStatus.Lost, 200, 95, null, ""),
        ("bluewave", "Trey Research", null, "Analytics lakehouse", DF, 75_000, "USD", "reseller", RegistrationStatus.Rejected, 195, null, null, ""),
        ("meridian", "Fourth Coffee", null, "Store analytics advisory", ER, 30_000, "GBP", "referral", RegistrationStatus.Won, 190, 80, 28_000, "bluewave:reseller:150"),
        ("harbor", "Humongous Insurance", null, "Claims data fabric", DF, 500_000, "USD", "integration", RegistrationStatus.Won, 185, 70, 480_000, "vectorline:isv-component:140;meridian:influence:195"),
        ("skyway", "Margie's Travel", null, "AI Studio private offer", AI, 88_000, "USD", "marketplace", RegistrationStatus.Expired, 180, null, null, ""),
        ("bluewave", "Consolidated Messenger", null, "Fleet onboard inference", ER, 150_000, "USD", "reseller", RegistrationStatus.Won, 175, 60, 160_000, "vectorline:isv-component:130;harbor:integration:100"),
        ("keystone", "Blue Yonder Airlines", null, "Migration factory", $"{CM};{DF}", 900_000, "EUR", "integration", RegistrationStatus.Won, 170, 45, 880_000, "meridian:influence:185;skyway:marketplace:50"),
        ("vectorline", "School of Fine Art", null, "Vision component", ER, 25_000, "USD", "isv-component", RegistrationStatus.Lost, 165, 75, null, ""),
        ("harbor", "Southridge Video", null, "Managed AI Studio", AI, 130_000, "CAD", "integration", RegistrationStatus.Approved, 70, null, null, ""),
        ("bluewave", "VanArsdel, Ltd.", null, "Data Fabric expansion", DF, 220_000, "USD", "reseller", RegistrationStatus.Approved, 80, null, null, "keystone:integration:60"),
        ("keystone", "Wingtip Toys", null, "Retail analytics", $"{ER};{AI}", 175_000, "EUR", "integration", RegistrationStatus.Approved, 60, null, null, ""),
        ("skyway", "A. Datum Corporation", null, "Marketplace migration", CM, 330_000, "USD", "marketplace", RegistrationStatus.Approved, 50, null, null, "keystone:integration:45"),
        ("meridian", "Bellows College", null, "Research data advisory", DF, 40_000, "GBP", "influence", RegistrationStatus.Approved, 40, null, null, ""),
        ("vectorline", "Munson's Pickles and Preserves Farm", null, "Line inspection", ER, 90_000, "USD", "isv-component", RegistrationStatus.Won, 150, 30, 92_000, "keystone:integration:120;meridian:influence:160"),
        ("harbor", "Lucerne Publishing", null, "Edge Runtime estate", ER, 70_000, "CAD", "integration", RegistrationStatus.Approved, 30, null, null, ""),
        ("bluewave", "Nod Publishers", null, "AI Studio seats", AI, 65_000, "USD", "reseller", RegistrationStatus.Approved, 25, null, null, ""),
        ("keystone", "Adventure Works Cycles", null, "AI Studio expansion", AI, 260_000, "EUR", "integration", RegistrationStatus.Approved, 35, null, null, "bluewave:reseller:30"),
        ("skyway", "Fabrikam", null, "Data Fabric private offer", DF, 410_000, "USD", "marketplace", RegistrationStatus.Approved, 20, null, null, ""),
        ("harbor", "FABRIKAM INC", null, "Managed migration", $"{CM};{DF}", 200_000, "USD", "integration", RegistrationStatus.Approved, 18, null, null, ""),
        ("bluewave", "Woodgrove Bank", null, "Risk models on AI Studio", AI, 310_000, "USD", "reseller", RegistrationStatus.Won, 140, 20, 300_000, "meridian:influence:150;keystone:integration:110;vectorline:isv-component:90"),
        ("meridian", "Northwind Traders", null, "Edge strategy", ER, 35_000, "GBP", "influence", RegistrationStatus.Lost, 130, 40, null, ""),
        ("vectorline", "Tailspin Toys", null, "Toy QA vision", $"{ER};{AI}", 115_000, "USD", "marketplace", RegistrationStatus.Won, 125, 15, 118_000, "bluewave:referral:135;harbor:integration:80"),
        ("keystone", "Litware", null, "Data Fabric integration", DF, 145_000, "EUR", "integration", RegistrationStatus.Rejected, 120, null, null, ""),
        ("harbor", "Proseware", null, "Managed Edge Runtime", ER, 80_000, "CAD", "integration", RegistrationStatus.Expired, 110, null, null, ""),
        ("bluewave", "Wide World Importers", null, "Migration wave 2", CM, 190_000, "USD", "reseller", RegistrationStatus.Won, 115, 10, 185_000, "keystone:integration:90;skyway:marketplace:12"),
        ("skyway", "Alpine Ski House", null, "AI private offer", AI, 60_000, "USD", "marketplace", RegistrationStatus.Lost, 100, 25, null, ""),
        ("vectorline", "Relecloud", null, "ISV connector for Data Fabric", DF, 55_000, "USD", "isv-component", RegistrationStatus.Approved, 15, null, null, ""),
        ("keystone", "Contoso Pharma", null, "Clinical data platform", $"{DF};{AI}", 520_000, "EUR", "integration", RegistrationStatus.Approved, 12, null, null, "meridian:influence:14"),
        ("harbor", "Trey Research", null, "Managed analytics", DF, 90_000, "CAD", "integration", RegistrationStatus.Submitted, 1, null, null, ""),
        ("bluewave", "Contoso Ltd", "contoso.com", "Azure migration to Northbeam", $"{CM};{DF}", 250_000, "USD", "reseller", RegistrationStatus.Approved, 10, null, null, "meridian:influence:30"),
        ("harbor", "CONTOSO LIMITED", null, "Managed data estate", DF, 120_000, "USD", "integration", RegistrationStatus.Submitted, 2, null, null, ""),
        ("vectorline", "fabrikam.com", null, "Data Fabric marketplace offer", DF, 150_000, "USD", "marketplace", RegistrationStatus.Submitted, 5, null, null, ""),
    ];

    /// <summary>MDF paid, rebates and enablement cost per partner for the seeding year (reporting currency).</summary>
    public static readonly IReadOnlyList<(string Partner, decimal Mdf, decimal Rebates, decimal Enablement)> Investments =
    [
        ("bluewave", 18_000, 12_000, 6_000),
        ("keystone", 40_000, 25_000, 10_000),
        ("harbor", 15_000, 5_000, 8_000),
        ("vectorline", 12_000, 4_000, 6_000),
        ("meridian", 8_000, 0, 3_000),
        ("skyway", 20_000, 10_000, 4_000),
    ];

    private static readonly Dictionary<string, string> Submitters = new() { ["bluewave"] = "priya-patel", ["keystone"] = "lukas-meyer" };

    public static IReadOnlyList<RegistrationRecord> Records(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var records = new List<RegistrationRecord>();
        for (var i = 0; i < Rows.Length; i++)
        {
            var row = Rows[i];
            var submitted = now.AddDays(-row.SubmittedAgo).AddHours(-(i % 7));
            var closed = row.ClosedAgo is { } ago ? today.AddDays(-ago) : (DateOnly?)null;
            records.Add(new RegistrationRecord
            {
                Number = DealsDbContext.FirstNumber + i,
                PartnerId = row.Partner,
                SubmittedBy = Submitters.GetValueOrDefault(row.Partner),
                Customer = row.Customer,
                CustomerDomain = row.Domain,
                Opportunity = row.Opportunity,
                Products = DealCatalog.ParseProducts(row.Products).Products,
                Amount = row.Amount,
                Currency = row.Currency,
                ExpectedClose = closed ?? DateOnly.FromDateTime(submitted.UtcDateTime).AddDays(150),
                Role = DealCatalog.ParseRole(row.Role)!.Value,
                Status = row.Status,
                SubmittedAt = submitted,
                ApprovedAt = row.Status is RegistrationStatus.Submitted or RegistrationStatus.UnderReview or RegistrationStatus.Rejected ? null : submitted.AddDays(1),
                ClosedOn = closed,
                ClosedAmount = row.ClosedAmount,
                Touches = row.Touches.Split(';', StringSplitOptions.RemoveEmptyEntries)
                    .Select(t => t.Split(':'))
                    .Select(p => new RecordedTouch(p[0], DealCatalog.ParseRole(p[1])!.Value, today.AddDays(-int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture))))
                    .ToList(),
            });
        }

        return records;
    }
}

/// <summary>Seeds <see cref="DemoDeals"/> on first run when <see cref="DealOptions.SeedDemo"/> is on and the deal tables are empty.</summary>
internal sealed class DealsPreparation(DealRegistry registry, IServiceScopeFactory scopes, DirectoryService directory, TimeProvider time, IOptions<DealOptions> options, ILogger<DealsPreparation> logger)
    : IAssistantPreparation
{
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedDemo)
        {
            return;
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
            if (await db.Registrations.AnyAsync(cancellationToken) || await db.Customers.AnyAsync(cancellationToken))
            {
                return;
            }
        }

        var organisations = (await directory.ListOrganisationsAsync(cancellationToken)).Select(o => o.Id).ToHashSet();
        var records = DemoDeals.Records(time.GetUtcNow());
        if (!records.All(r => organisations.Contains(r.PartnerId)))
        {
            logger.LogInformation("Demo deals not seeded: the demo partner organisations are not in the directory");
            return;
        }

        var report = await registry.ImportRecordsAsync(new Actor("demo-data", "system"), records.Select((r, i) => (i + 1, r)).ToList(), "the demo data", cancellationToken);
        if (report.Errors.Count > 0)
        {
            logger.LogWarning("Demo deals seeded with problems: {Problems}", string.Join("; ", report.Errors));
        }

        // This year's program investment per partner, so ROPI has a denominator in the demo.
        var year = time.GetUtcNow().Year;
        var seeder = DealActors.Administrator("demo-data", "Demo data");
        foreach (var (partner, mdf, rebates, enablement) in DemoDeals.Investments)
        {
            await registry.SetInvestmentAsync(seeder, partner, new DateOnly(year, 1, 1), new DateOnly(year, 12, 31), mdf, rebates, enablement, cancellationToken);
        }
    }
}
