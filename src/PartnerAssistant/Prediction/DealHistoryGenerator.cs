using System.Globalization;
using PartnerAssistant.People;

namespace PartnerAssistant.Prediction;

/// <summary>A generated historical deal: its facts at registration and how it ended.</summary>
public sealed record GeneratedDeal(DealFacts Facts, bool Won, string FurthestStage, int DaysToClose, DateOnly ClosedOn);

/// <summary>
/// Generates a deal history for Northbeam Technologies, so a model can be trained on a fresh
/// machine before the vendor has closed deals of its own. The same seed gives the same deals.
/// <para>
/// Deals are registered between 2023-07-01 and 2026-06-30 by partners of every type and tier, in
/// NA, EMEA, APAC and LATAM. A deal first has to convert early (registered → qualified), then to
/// close (qualified → won); both steps share a hidden deal quality the facts do not show, so no
/// model can be perfect. The effects follow the partner-ecosystem article the product is built on:
/// </para>
/// <list type="bullet">
/// <item>Influence partners (consultants, analysts) work at the top of the funnel: they raise the
/// early-stage conversion strongly (+0.9 on the log-odds) and the close rate not at all.</item>
/// <item>A certified systems integrator raises the close rate (+0.75), more so on AI Studio and
/// Edge Runtime deals, which need specialised skills (+0.35 more).</item>
/// <item>Co-sell with Northbeam's account team raises the close rate (+0.65) and halves the damage
/// of channel conflict, as clear co-sell rules of engagement do.</item>
/// <item>Channel conflict lowers both steps (−0.5 early, −1.0 at close, −0.5 with co-sell) and
/// lengthens the cycle by 30 %.</item>
/// <item>Marketplace private offers let customers use committed cloud spend: deals are 30 % larger,
/// close 40 % faster, and size weighs less on the close rate.</item>
/// <item>An ISV component makes the solution stickier (+0.3). Higher tiers close more (Registered
/// −0.35, Gold +0.2, Platinum +0.35). Larger deals close less (−0.45 per tenfold size). More than
/// three partners add coordination risk (−0.2 each). Existing customers convert and close more.
/// No competitor helps (+0.5); a hyperscaler's own service hurts most (−0.45).</item>
/// </list>
/// <para>End-state columns (furthest stage, days to close, closed on) are written too, so the
/// trainer's leakage warnings can be seen on this history; they are excluded from training.</para>
/// </summary>
public static class DealHistoryGenerator
{
    public static readonly DateOnly FirstDay = new(2023, 7, 1);
    public const int Days = 1096;

    public static IReadOnlyList<GeneratedDeal> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var deals = new List<GeneratedDeal>(count);
        for (var i = 0; i < count; i++)
        {
            deals.Add(Next(random));
        }

        // Registration numbers follow registration order, as a registry issues them.
        return deals
            .OrderBy(d => d.Facts.RegisteredOn)
            .Select((d, i) => d with { Facts = d.Facts with { RegistrationNumber = $"DR-{1001 + i}" } })
            .ToList();
    }

    /// <summary>The history as a CSV table with the <see cref="DealColumns"/> header and an Outcome column.</summary>
    public static CsvTable ToTable(IEnumerable<GeneratedDeal> deals)
    {
        var columns = DealColumns.EntryTime.Concat([DealColumns.FurthestStage, DealColumns.DaysToClose, DealColumns.ClosedOn, DealColumns.Outcome]).ToList();
        var rows = new List<string?[]>();
        foreach (var deal in deals)
        {
            var record = deal.Facts.ToRecord();
            var row = new string?[columns.Count];
            for (var c = 0; c < DealColumns.EntryTime.Count; c++)
            {
                row[c] = record[columns[c]];
            }

            row[^4] = deal.FurthestStage;
            row[^3] = deal.DaysToClose.ToString(CultureInfo.InvariantCulture);
            row[^2] = deal.ClosedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            row[^1] = deal.Won ? DealColumns.Won : DealColumns.Lost;
            rows.Add(row);
        }

        return new CsvTable(columns, rows);
    }

    /// <summary>The settings to train on a deal history: outcome Won, end-state columns excluded,
    /// split by registration date, bias checked per partner type, route, region and size band.</summary>
    public static TrainingSettings TrainingSettings(string source, int seed = 1, int threads = 0) => new()
    {
        Label = DealColumns.Outcome,
        Positive = DealColumns.Won,
        Exclude = DealColumns.EndState,
        SplitBy = DealColumns.RegisteredOn,
        Segments = DealColumns.BiasSegments,
        Seed = seed,
        Threads = threads,
        Source = source,
        Trees = 200,
    };

    private static GeneratedDeal Next(Random random)
    {
        var registered = FirstDay.AddDays(random.Next(Days));
        var type = Pick(random, (PartnerType.Reseller, 0.30), (PartnerType.SystemsIntegrator, 0.22), (PartnerType.ManagedServiceProvider, 0.12),
            (PartnerType.SoftwareVendor, 0.08), (PartnerType.Marketplace, 0.12), (PartnerType.Distributor, 0.08), (PartnerType.Influence, 0.08));
        var tier = Pick(random, (Tier.Registered, 0.25), (Tier.Silver, 0.35), (Tier.Gold, 0.28), (Tier.Platinum, 0.12));
        var region = Pick(random, ("NA", 0.42), ("EMEA", 0.30), ("APAC", 0.18), ("LATAM", 0.10));
        var segment = Pick(random, (CustomerSegment.Enterprise, 0.35), (CustomerSegment.MidMarket, 0.35), (CustomerSegment.SmallBusiness, 0.18), (CustomerSegment.PublicSector, 0.12));
        var route = type switch
        {
            PartnerType.Marketplace => Pick(random, (RouteToMarket.MarketplacePrivateOffer, 0.8), (RouteToMarket.Resale, 0.2)),
            PartnerType.SystemsIntegrator => Pick(random, (RouteToMarket.SiLed, 0.7), (RouteToMarket.Resale, 0.15), (RouteToMarket.MarketplacePrivateOffer, 0.05), (RouteToMarket.CoSellWithDirect, 0.1)),
            PartnerType.ManagedServiceProvider => Pick(random, (RouteToMarket.Resale, 0.5), (RouteToMarket.SiLed, 0.2), (RouteToMarket.MarketplacePrivateOffer, 0.2), (RouteToMarket.CoSellWithDirect, 0.1)),
            PartnerType.SoftwareVendor => Pick(random, (RouteToMarket.MarketplacePrivateOffer, 0.35), (RouteToMarket.Resale, 0.45), (RouteToMarket.CoSellWithDirect, 0.2)),
            PartnerType.Influence => Pick(random, (RouteToMarket.CoSellWithDirect, 0.7), (RouteToMarket.SiLed, 0.3)),
            _ => Pick(random, (RouteToMarket.Resale, 0.8), (RouteToMarket.MarketplacePrivateOffer, 0.12), (RouteToMarket.CoSellWithDirect, 0.08)),
        };
        var marketplace = route == RouteToMarket.MarketplacePrivateOffer;

        var median = segment switch
        {
            CustomerSegment.Enterprise => 400_000.0,
            CustomerSegment.PublicSector => 250_000.0,
            CustomerSegment.MidMarket => 120_000.0,
            _ => 35_000.0,
        };
        var amount = Math.Round(median * Math.Exp(0.9 * Gaussian(random)) * (marketplace ? 1.3 : 1.0) / 1000) * 1000;
        amount = Math.Max(5_000, amount);

        var products = NorthbeamProducts.None;
        if (random.NextDouble() < 0.6)
        {
            products |= NorthbeamProducts.DataFabric;
        }

        if (random.NextDouble() < 0.4)
        {
            products |= NorthbeamProducts.AiStudio;
        }

        if (random.NextDouble() < 0.2)
        {
            products |= NorthbeamProducts.EdgeRuntime;
        }

        if (random.NextDouble() < 0.3)
        {
            products |= NorthbeamProducts.CloudMigration;
        }

        if (products == NorthbeamProducts.None)
        {
            products = NorthbeamProducts.DataFabric;
        }

        var certifiedSi = random.NextDouble() < (type == PartnerType.SystemsIntegrator ? 0.6 : route == RouteToMarket.SiLed ? 0.7 : 0.15);
        var influence = type == PartnerType.Influence || random.NextDouble() < 0.3;
        var isv = random.NextDouble() < (type == PartnerType.SoftwareVendor ? 0.9 : 0.2);
        var extra = random.NextDouble() switch { < 0.10 => 2, < 0.35 => 1, _ => 0 };
        var partners = 1 + (certifiedSi && type != PartnerType.SystemsIntegrator ? 1 : 0) + (influence && type != PartnerType.Influence ? 1 : 0)
            + (isv && type != PartnerType.SoftwareVendor ? 1 : 0) + (marketplace && type != PartnerType.Marketplace ? 1 : 0) + extra;
        var coSell = route == RouteToMarket.CoSellWithDirect || random.NextDouble() < (tier >= Tier.Gold ? 0.45 : 0.03);
        var conflict = random.NextDouble() < Math.Min(0.4, 0.08 + 0.05 * (partners - 1)) * (coSell ? 0.5 : 1.0);
        var competitor = Pick(random, (CompetitorKind.None, 0.25), (CompetitorKind.Hyperscaler, 0.30), (CompetitorKind.LegacyIncumbent, 0.30), (CompetitorKind.OpenSource, 0.15));
        var existing = random.NextDouble() < (segment == CustomerSegment.Enterprise ? 0.6 : 0.4);
        var prior = existing ? Math.Round(150_000 * Math.Exp(0.8 * Gaussian(random)) / 1000) * 1000 : 0;
        var quality = Gaussian(random);

        var early = 1.0 + 1.2 * B(influence) + 0.4 * B(existing) - 0.6 * B(conflict) + 0.2 * B(segment == CustomerSegment.SmallBusiness)
            - 0.1 * B(competitor == CompetitorKind.Hyperscaler) - 0.2 * B(region == "LATAM") + 0.3 * quality;
        var size = Math.Log10(amount / 100_000);
        var close = -0.7
            + 1.0 * B(certifiedSi) + 0.4 * B(certifiedSi && (products & (NorthbeamProducts.AiStudio | NorthbeamProducts.EdgeRuntime)) != 0)
            + 0.9 * B(coSell) - (coSell ? 0.65 : 1.3) * B(conflict) + 0.35 * B(isv)
            + tier switch { Tier.Registered => -0.5, Tier.Gold => 0.3, Tier.Platinum => 0.5, _ => 0 }
            - (marketplace ? 0.3 : 0.6) * size + 0.15 * B(marketplace) - 0.25 * Math.Max(0, partners - 3)
            + competitor switch { CompetitorKind.None => 0.7, CompetitorKind.Hyperscaler => -0.6, CompetitorKind.LegacyIncumbent => -0.2, _ => -0.3 }
            + 0.4 * B(existing) + type switch { PartnerType.Distributor => -0.2, PartnerType.ManagedServiceProvider => 0.15, _ => 0 }
            + 0.4 * quality;
        var qualified = random.NextDouble() < Sigmoid(early);
        var won = qualified && random.NextDouble() < Sigmoid(close);

        var cycle = 100 * Math.Exp(0.35 * Gaussian(random)) * Math.Clamp(1 + 0.25 * size, 0.6, 1.8)
            * (marketplace ? 0.6 : 1) * (coSell ? 0.85 : 1) * (conflict ? 1.3 : 1) * (qualified ? 1 : 0.4);
        var days = Math.Max(3, (int)Math.Round(cycle));
        var stage = won ? "Closed" : !qualified ? "Registered" : random.NextDouble() < 0.5 ? "Proposal" : "Negotiation";

        var facts = new DealFacts
        {
            RegisteredOn = registered,
            PartnerType = type,
            PartnerTier = tier,
            Route = route,
            Region = region,
            Segment = segment,
            AmountUsd = (decimal)amount,
            Products = products,
            PartnersInvolved = partners,
            CertifiedSi = certifiedSi,
            CoSell = coSell,
            InfluencePartner = influence,
            IsvComponent = isv,
            ChannelConflict = conflict,
            Competitor = competitor,
            PriorCustomerRevenueUsd = (decimal)prior,
        };
        return new GeneratedDeal(facts, won, stage, days, registered.AddDays(days));
    }

    private static double B(bool value) => value ? 1 : 0;

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Gaussian(Random random)
    {
        // Box–Muller; 1 - NextDouble() avoids log(0).
        var u1 = 1 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static T Pick<T>(Random random, params (T Value, double Weight)[] choices)
    {
        var roll = random.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (value, weight) in choices)
        {
            roll -= weight;
            if (roll < 0)
            {
                return value;
            }
        }

        return choices[^1].Value;
    }
}
