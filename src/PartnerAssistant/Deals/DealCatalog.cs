using PartnerAssistant.People;

namespace PartnerAssistant.Deals;

/// <summary>The program's vocabulary for deals: product names, roles, and which roles each partner type can hold.</summary>
public static class DealCatalog
{
    public static readonly IReadOnlyList<Products> AllProducts = [Products.DataFabric, Products.AiStudio, Products.EdgeRuntime, Products.CloudMigration];

    public static readonly IReadOnlyList<PartnerRole> AllRoles = Enum.GetValues<PartnerRole>();

    public static string Name(Products product) => product switch
    {
        Products.DataFabric => "Northbeam Data Fabric",
        Products.AiStudio => "Northbeam AI Studio",
        Products.EdgeRuntime => "Northbeam Edge Runtime",
        Products.CloudMigration => "Northbeam Cloud Migration Services",
        _ => product.ToString(),
    };

    public static string ShortName(Products product) => product switch
    {
        Products.DataFabric => "Data Fabric",
        Products.AiStudio => "AI Studio",
        Products.EdgeRuntime => "Edge Runtime",
        Products.CloudMigration => "Cloud Migration Services",
        _ => product.ToString(),
    };

    /// <summary>The code used in CSV files and card values: <c>data-fabric</c>, <c>ai-studio</c>, <c>edge-runtime</c>, <c>cloud-migration</c>.</summary>
    public static string Code(Products product) => product switch
    {
        Products.DataFabric => "data-fabric",
        Products.AiStudio => "ai-studio",
        Products.EdgeRuntime => "edge-runtime",
        Products.CloudMigration => "cloud-migration",
        _ => product.ToString().ToLowerInvariant(),
    };

    public static IEnumerable<Products> Split(Products set) => AllProducts.Where(p => set.HasFlag(p));

    public static string Describe(Products set) =>
        set == Products.None ? "no product" : string.Join(", ", Split(set).Select(ShortName));

    /// <summary>Reads product codes or names separated by commas or semicolons; unknown entries are returned.</summary>
    public static (Products Products, IReadOnlyList<string> Unknown) ParseProducts(string? text)
    {
        var set = Products.None;
        var unknown = new List<string>();
        foreach (var part in (text ?? "").Split([',', ';', '|'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var product = AllProducts.FirstOrDefault(p =>
                string.Equals(part, Code(p), StringComparison.OrdinalIgnoreCase)
                || string.Equals(part, p.ToString(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(part, ShortName(p), StringComparison.OrdinalIgnoreCase)
                || string.Equals(part, Name(p), StringComparison.OrdinalIgnoreCase));
            if (product == Products.None)
            {
                unknown.Add(part);
            }
            else
            {
                set |= product;
            }
        }

        return (set, unknown);
    }

    public static string Describe(PartnerRole role) => role switch
    {
        PartnerRole.Reseller => "reseller",
        PartnerRole.Marketplace => "marketplace",
        PartnerRole.Integration => "integration/SI",
        PartnerRole.IsvComponent => "ISV component",
        PartnerRole.Influence => "influence",
        PartnerRole.Referral => "referral",
        _ => role.ToString(),
    };

    /// <summary>The code used in CSV files and card values: <c>reseller</c>, <c>marketplace</c>, <c>integration</c>,
    /// <c>isv-component</c>, <c>influence</c>, <c>referral</c>.</summary>
    public static string Code(PartnerRole role) => role switch
    {
        PartnerRole.IsvComponent => "isv-component",
        _ => role.ToString().ToLowerInvariant(),
    };

    public static PartnerRole? ParseRole(string? text)
    {
        var value = (text ?? "").Trim().ToLowerInvariant().Replace('_', '-');
        return value switch
        {
            "reseller" or "var" or "resell" or "transacting" => PartnerRole.Reseller,
            "marketplace" or "private-offer" or "private offer" => PartnerRole.Marketplace,
            "integration" or "integration/si" or "si" or "integrator" or "systems-integrator" or "systems integrator" or "msp" or "managed-services" => PartnerRole.Integration,
            "isv-component" or "isvcomponent" or "isv" or "isv component" or "component" => PartnerRole.IsvComponent,
            "influence" or "influencer" or "advisor" or "consultant" => PartnerRole.Influence,
            "referral" or "referrer" or "refer" or "referred" => PartnerRole.Referral,
            _ => null,
        };
    }

    /// <summary>Roles that transact the deal; only these can conflict with each other (RoE-1, RoE-2, RoE-5).</summary>
    public static bool IsTransacting(PartnerRole role) => role is PartnerRole.Reseller or PartnerRole.Marketplace;

    /// <summary>The roles a partner type can hold on a deal. Every type can refer or influence; transacting,
    /// integration and component roles follow what the type does (an influence partner never transacts).</summary>
    public static IReadOnlyList<PartnerRole> RolesFor(PartnerType? type) => type switch
    {
        PartnerType.Reseller => [PartnerRole.Reseller, PartnerRole.Integration, PartnerRole.Referral, PartnerRole.Influence],
        PartnerType.SystemsIntegrator => [PartnerRole.Integration, PartnerRole.Reseller, PartnerRole.Referral, PartnerRole.Influence],
        PartnerType.ManagedServiceProvider => [PartnerRole.Integration, PartnerRole.Reseller, PartnerRole.Referral, PartnerRole.Influence],
        PartnerType.SoftwareVendor => [PartnerRole.IsvComponent, PartnerRole.Marketplace, PartnerRole.Referral, PartnerRole.Influence],
        PartnerType.Influence => [PartnerRole.Influence, PartnerRole.Referral],
        PartnerType.Marketplace => [PartnerRole.Marketplace, PartnerRole.Referral, PartnerRole.Influence],
        PartnerType.Distributor => [PartnerRole.Reseller, PartnerRole.Referral, PartnerRole.Influence],
        _ => [],
    };

    /// <summary>The role a partner of this type most often registers in (pre-selected on the form).</summary>
    public static PartnerRole DefaultRole(PartnerType? type) => RolesFor(type) is { Count: > 0 } roles ? roles[0] : PartnerRole.Referral;
}
