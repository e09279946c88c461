using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>An enablement course of the learning paths (see knowledge/program/enablement-and-certification.md).</summary>
public sealed record Course(string Code, string Title);

/// <summary>The learning paths assigned at onboarding step 3, by partner type.</summary>
public static class EnablementCatalog
{
    private static readonly Course[] Selling =
    [
        new("SELL-101", "Positioning Northbeam"),
        new("SELL-110", "Pricing and packaging"),
        new("SELL-120", "Consumption pricing"),
        new("SELL-130", "Deal registration and marketplace private offers"),
    ];

    private static readonly Course[] Integration =
    [
        new("ARCH-201", "Data Fabric architecture"),
        new("INT-210", "Integrating CRM and ERP through the Northbeam APIs"),
        new("AI-220", "AI Studio model lifecycle"),
        new("MIG-230", "Cloud Migration Services methodology"),
    ];

    private static readonly Course[] Operations =
    [
        new("OPS-301", "Operating Data Fabric and Edge Runtime at scale"),
        new("OPS-310", "Monitoring, patching and gateway fleet management"),
        new("OPS-320", "Model retraining in production"),
    ];

    private static readonly Course[] Software =
    [
        new("DEV-401", "The Northbeam API and SDK"),
        new("DEV-410", "Building components on Edge Runtime and Data Fabric"),
        new("DEV-420", "Marketplace publishing"),
    ];

    private static readonly Course[] Influence =
    [
        new("ADV-501", "Solution positioning by industry"),
        new("ADV-510", "Trusted-data principles"),
        new("ADV-520", "Reference architectures"),
    ];

    public static IReadOnlyList<Course> For(PartnerType? type) => type switch
    {
        PartnerType.SystemsIntegrator => Integration,
        PartnerType.ManagedServiceProvider => Operations,
        PartnerType.SoftwareVendor => Software,
        PartnerType.Influence => Influence,
        _ => Selling,
    };

    public static string PathName(PartnerType? type) => type switch
    {
        PartnerType.SystemsIntegrator => "systems integrator track",
        PartnerType.ManagedServiceProvider => "MSP operations track",
        PartnerType.SoftwareVendor => "API and integration track",
        PartnerType.Influence => "solution positioning track",
        _ => "selling track",
    };
}
