using System.Globalization;
using System.Text.Json.Serialization;
using PartnerAssistant.People;

namespace PartnerAssistant.Prediction;

/// <summary>How the customer buys.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RouteToMarket>))]
public enum RouteToMarket
{
    /// <summary>A reseller (or distributor) transacts.</summary>
    Resale,

    /// <summary>A systems integrator leads the project; licences come through a reseller.</summary>
    SiLed,

    /// <summary>The customer buys through a cloud marketplace private offer, using committed cloud spend.</summary>
    MarketplacePrivateOffer,

    /// <summary>Northbeam's direct team transacts; partners co-sell.</summary>
    CoSellWithDirect,
}

[JsonConverter(typeof(JsonStringEnumConverter<CustomerSegment>))]
public enum CustomerSegment
{
    Enterprise,
    MidMarket,
    SmallBusiness,
    PublicSector,
}

/// <summary>Who else the customer is considering.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CompetitorKind>))]
public enum CompetitorKind
{
    None,
    Hyperscaler,
    LegacyIncumbent,
    OpenSource,
}

[Flags]
[JsonConverter(typeof(JsonStringEnumConverter<NorthbeamProducts>))]
public enum NorthbeamProducts
{
    None = 0,
    DataFabric = 1,
    AiStudio = 2,
    EdgeRuntime = 4,
    CloudMigration = 8,
}

/// <summary>
/// What is known about a deal when it is registered: the facts the deal model reads. Every fact
/// may be unknown (null); the model then treats it as missing. The deal registry fills these from
/// a registration (see <see cref="IDealFactsSource"/>); a described deal fills what the user said.
/// </summary>
public sealed record DealFacts
{
    public string? RegistrationNumber { get; init; }
    public string? Customer { get; init; }
    public PartnerType? PartnerType { get; init; }
    public Tier? PartnerTier { get; init; }
    public RouteToMarket? Route { get; init; }

    /// <summary>NA, EMEA, APAC or LATAM.</summary>
    public string? Region { get; init; }

    public CustomerSegment? Segment { get; init; }
    public decimal? AmountUsd { get; init; }
    public NorthbeamProducts? Products { get; init; }

    /// <summary>Partners involved in the deal, the registering partner included.</summary>
    public int? PartnersInvolved { get; init; }

    /// <summary>A systems integrator with Northbeam-certified staff works on the deal.</summary>
    public bool? CertifiedSi { get; init; }

    /// <summary>A Northbeam account executive and solution engineer co-sell (Gold and Platinum partners).</summary>
    public bool? CoSell { get; init; }

    /// <summary>An influence partner (consultant, analyst) shaped the customer's choice.</summary>
    public bool? InfluencePartner { get; init; }

    /// <summary>An ISV's software is part of the solution.</summary>
    public bool? IsvComponent { get; init; }

    /// <summary>Another partner or the direct team competes for the same opportunity.</summary>
    public bool? ChannelConflict { get; init; }

    public CompetitorKind? Competitor { get; init; }

    /// <summary>What the customer spent with Northbeam in the last two years; 0 for a new customer.</summary>
    public decimal? PriorCustomerRevenueUsd { get; init; }

    public DateOnly? RegisteredOn { get; init; }

    /// <summary>These facts with every fact the patch knows replacing this one's.</summary>
    public DealFacts Merge(DealFacts patch) => this with
    {
        RegistrationNumber = patch.RegistrationNumber ?? RegistrationNumber,
        Customer = patch.Customer ?? Customer,
        PartnerType = patch.PartnerType ?? PartnerType,
        PartnerTier = patch.PartnerTier ?? PartnerTier,
        Route = patch.Route ?? Route,
        Region = patch.Region ?? Region,
        Segment = patch.Segment ?? Segment,
        AmountUsd = patch.AmountUsd ?? AmountUsd,
        Products = patch.Products is { } products ? (Products ?? NorthbeamProducts.None) | products : Products,
        PartnersInvolved = patch.PartnersInvolved ?? PartnersInvolved,
        CertifiedSi = patch.CertifiedSi ?? CertifiedSi,
        CoSell = patch.CoSell ?? CoSell,
        InfluencePartner = patch.InfluencePartner ?? InfluencePartner,
        IsvComponent = patch.IsvComponent ?? IsvComponent,
        ChannelConflict = patch.ChannelConflict ?? ChannelConflict,
        Competitor = patch.Competitor ?? Competitor,
        PriorCustomerRevenueUsd = patch.PriorCustomerRevenueUsd ?? PriorCustomerRevenueUsd,
        RegisteredOn = patch.RegisteredOn ?? RegisteredOn,
    };

    /// <summary>True when the patch knows nothing.</summary>
    public bool IsEmpty => this == new DealFacts();

    /// <summary>The facts as a record of the deal history's columns (see <see cref="DealColumns"/>).</summary>
    public IReadOnlyDictionary<string, string?> ToRecord() => DealColumns.ToRecord(this);
}

/// <summary>Finds the facts of a registered deal for a caller. Implemented by the deal registry.</summary>
public interface IDealFactsSource
{
    /// <summary>The facts of the registration with this number (<c>DR-1042</c>) or, failing that, the
    /// caller's most recent open registration for a customer of this name; null when there is none
    /// the caller may see. Partner callers only ever see their own organisation's registrations.</summary>
    Task<DealFacts?> FindAsync(Caller caller, string registrationNumberOrCustomer, CancellationToken cancellationToken);
}

/// <summary>A registration that closed: its facts at registration and how it ended.</summary>
public sealed record ClosedDeal(DealFacts Facts, bool Won, DateOnly ClosedOn);

/// <summary>The deal registry's closed registrations, to retrain the model on the vendor's own outcomes.
/// Implemented by the deal registry.</summary>
public interface IClosedDealsSource
{
    Task<IReadOnlyList<ClosedDeal>> ListClosedDealsAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The columns of the deal history (generated or exported from the registry) and their plain-words
/// reading, shared by the history generator, the registry retraining and the explanations.
/// </summary>
public static class DealColumns
{
    public const string RegistrationNumber = "Registration Number";
    public const string RegisteredOn = "Registered On";
    public const string PartnerType = "Partner Type";
    public const string PartnerTier = "Partner Tier";
    public const string Route = "Route To Market";
    public const string Region = "Region";
    public const string Segment = "Customer Segment";
    public const string Amount = "Amount USD";
    public const string SizeBand = "Deal Size Band";
    public const string DataFabric = "Data Fabric";
    public const string AiStudio = "AI Studio";
    public const string EdgeRuntime = "Edge Runtime";
    public const string CloudMigration = "Cloud Migration";
    public const string PartnersInvolved = "Partners Involved";
    public const string CertifiedSi = "Certified SI";
    public const string CoSell = "Co-sell";
    public const string InfluencePartner = "Influence Partner";
    public const string IsvComponent = "ISV Component";
    public const string ChannelConflict = "Channel Conflict";
    public const string Competitor = "Competitor";
    public const string PriorRevenue = "Prior Customer Revenue USD";

    /// <summary>Known only once the deal has progressed or closed: never features.</summary>
    public const string FurthestStage = "Furthest Stage";
    public const string DaysToClose = "Days To Close";
    public const string ClosedOn = "Closed On";
    public const string Outcome = "Outcome";
    public const string Won = "Won";
    public const string Lost = "Lost";

    /// <summary>The end-state columns to exclude when training on a deal history.</summary>
    public static readonly IReadOnlyList<string> EndState = [FurthestStage, DaysToClose, ClosedOn];

    /// <summary>The segments the model card checks for bias.</summary>
    public static readonly IReadOnlyList<string> BiasSegments = [PartnerType, Route, Region, SizeBand];

    public static readonly IReadOnlyList<string> EntryTime =
    [
        RegistrationNumber, RegisteredOn, PartnerType, PartnerTier, Route, Region, Segment, Amount, SizeBand,
        DataFabric, AiStudio, EdgeRuntime, CloudMigration, PartnersInvolved, CertifiedSi, CoSell, InfluencePartner,
        IsvComponent, ChannelConflict, Competitor, PriorRevenue,
    ];

    public static IReadOnlyDictionary<string, string?> ToRecord(DealFacts facts)
    {
        var products = facts.Products;
        return new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [RegistrationNumber] = facts.RegistrationNumber,
            [RegisteredOn] = facts.RegisteredOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            [PartnerType] = facts.PartnerType is { } type ? Cell(type) : null,
            [PartnerTier] = facts.PartnerTier?.ToString(),
            [Route] = facts.Route is { } route ? Cell(route) : null,
            [Region] = facts.Region,
            [Segment] = facts.Segment is { } segment ? Cell(segment) : null,
            [Amount] = facts.AmountUsd?.ToString("0", CultureInfo.InvariantCulture),
            [SizeBand] = facts.AmountUsd is { } amount ? Band(amount) : null,
            [DataFabric] = Flag(products, NorthbeamProducts.DataFabric),
            [AiStudio] = Flag(products, NorthbeamProducts.AiStudio),
            [EdgeRuntime] = Flag(products, NorthbeamProducts.EdgeRuntime),
            [CloudMigration] = Flag(products, NorthbeamProducts.CloudMigration),
            [PartnersInvolved] = facts.PartnersInvolved?.ToString(CultureInfo.InvariantCulture),
            [CertifiedSi] = YesNo(facts.CertifiedSi),
            [CoSell] = YesNo(facts.CoSell),
            [InfluencePartner] = YesNo(facts.InfluencePartner),
            [IsvComponent] = YesNo(facts.IsvComponent),
            [ChannelConflict] = YesNo(facts.ChannelConflict),
            [Competitor] = facts.Competitor is { } competitor ? Cell(competitor) : null,
            [PriorRevenue] = facts.PriorCustomerRevenueUsd?.ToString("0", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Deal size bands, as sales operations usually report them.</summary>
    public static string Band(decimal amount) => amount switch
    {
        < 50_000m => "under 50k",
        < 250_000m => "50k-250k",
        < 1_000_000m => "250k-1M",
        _ => "1M and more",
    };

    public static string Cell(People.PartnerType type) => type switch
    {
        People.PartnerType.SystemsIntegrator => "Systems Integrator",
        People.PartnerType.ManagedServiceProvider => "Managed Service Provider",
        People.PartnerType.SoftwareVendor => "Software Vendor",
        _ => type.ToString(),
    };

    public static string Cell(RouteToMarket route) => route switch
    {
        RouteToMarket.SiLed => "SI-led",
        RouteToMarket.MarketplacePrivateOffer => "Marketplace private offer",
        RouteToMarket.CoSellWithDirect => "Co-sell with direct",
        _ => "Resale",
    };

    public static string Cell(CustomerSegment segment) => segment switch
    {
        CustomerSegment.MidMarket => "Mid-market",
        CustomerSegment.SmallBusiness => "Small business",
        CustomerSegment.PublicSector => "Public sector",
        _ => "Enterprise",
    };

    public static string Cell(CompetitorKind competitor) => competitor switch
    {
        CompetitorKind.Hyperscaler => "Hyperscaler",
        CompetitorKind.LegacyIncumbent => "Legacy incumbent",
        CompetitorKind.OpenSource => "Open source",
        _ => "None",
    };

    /// <summary>A factor in plain words, as a sales rep would say it: "a certified SI is on the deal",
    /// "competing against a hyperscaler's own service". A column this class does not know (a model trained
    /// on another file) reads as its name in words: "the lead source is webinar".</summary>
    public static string Describe(string column, string? value)
    {
        var yes = string.Equals(value, "yes", StringComparison.OrdinalIgnoreCase);
        if (value is null)
        {
            return $"{Unknown(column)} is not known";
        }

        return column switch
        {
            PartnerType => $"the registering partner is {Article(value)} {value.ToLowerInvariant()}",
            PartnerTier => $"the partner is {value}-tier",
            Route => value switch
            {
                "SI-led" => "the project is SI-led",
                "Marketplace private offer" => "the customer buys through a marketplace private offer",
                "Co-sell with direct" => "Northbeam direct transacts with partners co-selling",
                _ => "a reseller transacts",
            },
            Region => $"the deal is in {value}",
            Segment => $"the customer is {Article(value)} {value.ToLowerInvariant()} customer",
            Amount => $"it is a ${Number(value)} deal",
            SizeBand => $"it is a deal of {value.Replace("-", " to ", StringComparison.Ordinal)}",
            DataFabric or AiStudio or EdgeRuntime or CloudMigration => yes ? $"it includes {column}" : $"it does not include {column}",
            PartnersInvolved => value == "1" ? "one partner works the deal" : $"{value} partners are involved",
            CertifiedSi => yes ? "a certified SI is on the deal" : "no certified SI is on the deal",
            CoSell => yes ? "Northbeam co-sells" : "Northbeam does not co-sell",
            InfluencePartner => yes ? "an influence partner is engaged" : "no influence partner is engaged",
            IsvComponent => yes ? "an ISV component is part of the solution" : "no ISV component is part of the solution",
            ChannelConflict => yes ? "there is channel conflict" : "there is no channel conflict",
            Competitor => value switch
            {
                "None" => "no competitor is in the deal",
                "Hyperscaler" => "competing against a hyperscaler's own service",
                "Legacy incumbent" => "competing against a legacy incumbent",
                "Open source" => "competing against an open-source option",
                _ => $"the competitor is {value}",
            },
            PriorRevenue => value == "0" ? "it is a new customer (no revenue in the last two years)" : $"it is an existing customer (${Number(value)} in the last two years)",
            _ => $"the {Words(column)} is {value}",
        };
    }

    /// <summary>What a fact is, for saying it is not known: "whether a certified SI is on the deal",
    /// "the customer's revenue with Northbeam in the last two years".</summary>
    public static string Unknown(string column) => column switch
    {
        PartnerType => "which kind of partner registers it",
        PartnerTier => "the partner's tier",
        Route => "how the customer buys (resale, SI-led, marketplace private offer or co-sell with direct)",
        Region => "the region",
        Segment => "the kind of customer (enterprise, mid-market, small business or public sector)",
        Amount or SizeBand => "the deal size",
        DataFabric or AiStudio or EdgeRuntime or CloudMigration => "which Northbeam products are in it",
        PartnersInvolved => "how many partners work the deal",
        CertifiedSi => "whether a certified SI is on the deal",
        CoSell => "whether Northbeam co-sells",
        InfluencePartner => "whether an influence partner is engaged",
        IsvComponent => "whether an ISV component is part of the solution",
        ChannelConflict => "whether there is channel conflict",
        Competitor => "who you are up against",
        PriorRevenue => "whether the customer already buys from Northbeam",
        _ => "the " + Words(column),
    };

    /// <summary>A column name as words: "LeadSource" or "lead_source" → "lead source"; acronyms stay as they are.</summary>
    private static string Words(string column) =>
        string.Join(' ', System.Text.RegularExpressions.Regex.Replace(column, "([a-z])([A-Z])", "$1 $2").Split([' ', '_', '-'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Length > 1 && w.All(char.IsUpper) ? w : w.ToLowerInvariant()));

    private static string Number(string value) =>
        decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number.ToString("#,0", CultureInfo.InvariantCulture) : value;

    private static string Article(string noun) => "aeiouAEIOU".Contains(noun[0]) ? "an" : "a";

    private static string? Flag(NorthbeamProducts? products, NorthbeamProducts product) =>
        products is { } set ? (set.HasFlag(product) ? "yes" : "no") : null;

    private static string? YesNo(bool? value) => value is { } flag ? (flag ? "yes" : "no") : null;
}
