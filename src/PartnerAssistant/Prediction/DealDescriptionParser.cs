using System.Globalization;
using System.Text.RegularExpressions;
using PartnerAssistant.People;

namespace PartnerAssistant.Prediction;

/// <summary>The facts a sentence states about a deal, and what was assumed to fill gaps.</summary>
public sealed record ParsedDeal(DealFacts Facts, IReadOnlyList<string> Assumptions)
{
    /// <summary>What the sentence only asks about ("… would co-sell help?"): a what-if on the deal, not a fact of it.</summary>
    public DealFacts Asked { get; init; } = new();
}

/// <summary>
/// Reads deal facts from how people describe a deal: "a 300k SI-led deal in EMEA with co-sell,
/// competing against a hyperscaler". Only what the sentence says is set; everything else stays
/// unknown. Also finds what a question about a registration refers to (a <c>DR-1042</c> number or
/// a customer name).
/// </summary>
public static partial class DealDescriptionParser
{
    /// <summary>Typical two-year spend assumed for "an existing customer" when no amount is given.</summary>
    public const decimal AssumedPriorRevenue = 150_000m;

    public static ParsedDeal Parse(string text)
    {
        // "would co-sell help?", "what if we add a certified SI", "with or without co-sell": asked about, not stated.
        var asked = new DealFacts();
        foreach (Match question in Hypothetical().Matches(text))
        {
            asked = asked.Merge(ParseStated(question.Groups["lever"].Value).Facts);
        }

        var stated = ParseStated(Hypothetical().Replace(text, " "));
        return asked.IsEmpty ? stated : stated with { Asked = asked };
    }

    private static ParsedDeal ParseStated(string text)
    {
        var assumptions = new List<string>();
        var lower = " " + text.ToLowerInvariant().Replace('’', '\'') + " ";
        var stripped = RegistrationNumberPattern().Replace(lower, " ");

        var facts = new DealFacts
        {
            Route = ParseRoute(stripped),
            Region = ParseRegion(text, stripped),
            Segment = ParseSegment(stripped),
            Products = ParseProducts(stripped),
            PartnersInvolved = ParsePartners(stripped),
            CertifiedSi = Flag(stripped, @"certified (si|sis|systems? integrators?|integrators?|partner)"),
            InfluencePartner = Flag(stripped, @"(influence partner|influencer|analyst firm|analysts?|consultants?|advisory firm)"),
            IsvComponent = Flag(stripped, @"(isv|software vendor)('s)? (component|app|application|solution|software)|isv component|with an isv"),
            ChannelConflict = ParseConflict(stripped),
            Competitor = ParseCompetitor(stripped),
            PartnerTier = ParseTier(stripped),
            PartnerType = ParsePartnerType(stripped),
        };

        var coSell = Flag(stripped, @"co-?sell(ing|s)?|northbeam (account team|ae|rep)");
        if (facts.Route == RouteToMarket.CoSellWithDirect)
        {
            coSell = true;
        }

        var (amount, prior) = ParseAmounts(stripped);
        if (prior is null && Regex.IsMatch(stripped, @"\b(new customer|new logo|net[- ]new|greenfield)\b"))
        {
            prior = 0;
        }
        else if (prior is null && Regex.IsMatch(stripped, @"\b(existing customer|current customer|installed base|install base|expansion|upsell|renewal)\b"))
        {
            prior = AssumedPriorRevenue;
            assumptions.Add($"an existing customer spending about ${AssumedPriorRevenue:#,0} over two years");
        }

        return new ParsedDeal(facts with { CoSell = coSell, AmountUsd = amount, PriorCustomerRevenueUsd = prior }, assumptions);
    }

    /// <summary>A registration number (<c>DR-1042</c>, any case) in the text, normalised; null when there is none.</summary>
    public static string? RegistrationNumber(string text) =>
        RegistrationNumberPattern().Match(text) is { Success: true } match ? "DR-" + match.Groups[1].Value : null;

    /// <summary>What a question about a registration refers to: its number, else a customer name
    /// ("the Contoso deal", "deal with Fabrikam", "odds on Tailspin Toys"); null when neither is there.</summary>
    public static string? RegistrationKey(string text)
    {
        if (RegistrationNumber(text) is { } number)
        {
            return number;
        }

        foreach (var pattern in new[] { CustomerBeforeDeal(), CustomerAfterDeal(), CustomerAfterVerb() })
        {
            var match = pattern.Match(text);
            if (match.Success && !Stopwords.Contains(match.Groups["name"].Value.Split(' ')[0]))
            {
                return match.Groups["name"].Value.Trim();
            }
        }

        return null;
    }

    private static readonly HashSet<string> Stopwords = new(StringComparer.OrdinalIgnoreCase)
    {
        "this", "that", "the", "my", "our", "a", "an", "it", "its", "what", "how", "which", "odds", "chance", "chances", "win", "deal", "registration", "I", "we", "SI", "EMEA", "APAC", "LATAM", "NA",
    };

    private static RouteToMarket? ParseRoute(string text)
    {
        if (Regex.IsMatch(text, @"\b(si[- ]led|integrator[- ]led|led by (an? |the )?(certified )?(si|systems integrator|integrator))\b"))
        {
            return RouteToMarket.SiLed;
        }

        if (Regex.IsMatch(text, @"\b(marketplace|private offer)\b") && !Regex.IsMatch(text, @"\b(not|no|without) (through |via |a )?(the )?(marketplace|private offer)"))
        {
            return RouteToMarket.MarketplacePrivateOffer;
        }

        if (Regex.IsMatch(text, @"\b(co-?sell with direct|through direct|via direct|direct sale|direct deal|northbeam transacts|sold direct)\b"))
        {
            return RouteToMarket.CoSellWithDirect;
        }

        if (Regex.IsMatch(text, @"\b(resale|resold|through (a |the )?(reseller|var|distributor)|via (a |the )?(reseller|var|distributor)|reseller deal)\b"))
        {
            return RouteToMarket.Resale;
        }

        return null;
    }

    private static string? ParseRegion(string original, string text)
    {
        if (Regex.IsMatch(text, @"\b(emea|europe|european|uk|germany|france|spain|italy|nordics|middle east|africa|benelux|dach)\b"))
        {
            return "EMEA";
        }

        if (Regex.IsMatch(text, @"\b(apac|asia|japan|australia|india|singapore|china|korea|anz)\b"))
        {
            return "APAC";
        }

        if (Regex.IsMatch(text, @"\b(latam|latin america|brazil|mexico|argentina|chile|colombia)\b"))
        {
            return "LATAM";
        }

        // "US" only in capitals: the lower-case word is a pronoun.
        if (Regex.IsMatch(text, @"\b(north america|united states|usa|canada|n\.a\.)\b") || Regex.IsMatch(original, @"\b(US|NA|NAM|NORAM)\b"))
        {
            return "NA";
        }

        return null;
    }

    private static CustomerSegment? ParseSegment(string text) =>
        Regex.IsMatch(text, @"\b(public[- ]sector|government|ministry|municipal|federal|state agency|city of)\b") ? CustomerSegment.PublicSector
        : Regex.IsMatch(text, @"\b(mid[- ]?market|medium[- ]sized|mid[- ]sized)\b") ? CustomerSegment.MidMarket
        : Regex.IsMatch(text, @"\b(smb|small business|small company|startup|start-up)\b") ? CustomerSegment.SmallBusiness
        : Regex.IsMatch(text, @"\b(enterprise|large company|corporate|fortune \d+|global \d+)\b") ? CustomerSegment.Enterprise
        : null;

    private static NorthbeamProducts? ParseProducts(string text)
    {
        var products = NorthbeamProducts.None;
        if (Regex.IsMatch(text, @"\bdata fabric\b"))
        {
            products |= NorthbeamProducts.DataFabric;
        }

        if (Regex.IsMatch(text, @"\bai studio\b"))
        {
            products |= NorthbeamProducts.AiStudio;
        }

        if (Regex.IsMatch(text, @"\bedge( runtime)?\b"))
        {
            products |= NorthbeamProducts.EdgeRuntime;
        }

        if (Regex.IsMatch(text, @"\b(cloud )?migration( services)?\b"))
        {
            products |= NorthbeamProducts.CloudMigration;
        }

        return products == NorthbeamProducts.None ? null : products;
    }

    private static int? ParsePartners(string text)
    {
        var match = Regex.Match(text, @"\b(\d+|one|two|three|four|five|six|seven)\s+(other\s+)?partners?\b");
        if (!match.Success)
        {
            return null;
        }

        var word = match.Groups[1].Value;
        var count = int.TryParse(word, out var n) ? n : Array.IndexOf(["zero", "one", "two", "three", "four", "five", "six", "seven"], word);
        return match.Groups[2].Success ? count + 1 : count;
    }

    private static bool? ParseConflict(string text)
    {
        if (Regex.IsMatch(text, @"\b(no|without|resolved?|resolving|settled|removed?) (the |any )?(channel )?conflict"))
        {
            return false;
        }

        return Regex.IsMatch(text, @"\b(channel )?conflict|\bcompeting registration|\banother partner (also )?registered") ? true : null;
    }

    private static CompetitorKind? ParseCompetitor(string text)
    {
        if (Regex.IsMatch(text, @"\b(no competitor|no competition|uncontested|sole[- ]source|without competition|no competing vendor)\b"))
        {
            return CompetitorKind.None;
        }

        var context = Regex.Match(text, @"\b(against|versus|vs\.?|competing with|competition from|competitor is|competitors are|up against|compete with|competes with)\s+(?<what>[^,.;]{1,40})");
        var target = context.Success ? context.Groups["what"].Value : null;
        if (target is null)
        {
            return null;
        }

        return Regex.IsMatch(target, @"\b(aws|amazon|azure|microsoft|gcp|google|hyperscaler|cloud provider|cloud vendor|native)\b") ? CompetitorKind.Hyperscaler
            : Regex.IsMatch(target, @"\b(open[- ]source|oss|diy|in-house|homegrown|home-grown)\b") ? CompetitorKind.OpenSource
            : Regex.IsMatch(target, @"\b(legacy|incumbent|oracle|ibm|teradata|informatica|sap|mainframe)\b") ? CompetitorKind.LegacyIncumbent
            : null;
    }

    private static Tier? ParseTier(string text)
    {
        var match = Regex.Match(text, @"\b(registered|silver|gold|platinum)([- ]tier)?\s+(partner|reseller|var|si|systems integrator|integrator|msp|isv|distributor)\b|\b(registered|silver|gold|platinum)[- ]tier\b");
        if (!match.Success)
        {
            return null;
        }

        var word = match.Groups[1].Success && match.Groups[1].Value.Length > 0 ? match.Groups[1].Value : match.Groups[4].Value;
        return Enum.Parse<Tier>(word, ignoreCase: true);
    }

    private static PartnerType? ParsePartnerType(string text)
    {
        var match = Regex.Match(text, @"\b(registered by|from|partner is|via|by)\s+(a|an|the|our)?\s*((registered|silver|gold|platinum)([- ]tier)?\s+)?(?<type>reseller|var|systems integrator|integrator|si|msp|managed service provider|isv|software vendor|distributor|marketplace partner|influence partner)\b");
        var type = match.Success ? match.Groups["type"].Value : null;
        if (type is null)
        {
            var tiered = Regex.Match(text, @"\b(silver|gold|platinum|registered)([- ]tier)?\s+(?<type>reseller|var|systems integrator|si|msp|isv|distributor)\b");
            type = tiered.Success ? tiered.Groups["type"].Value : null;
        }

        return type switch
        {
            "reseller" or "var" => People.PartnerType.Reseller,
            "systems integrator" or "integrator" or "si" => People.PartnerType.SystemsIntegrator,
            "msp" or "managed service provider" => People.PartnerType.ManagedServiceProvider,
            "isv" or "software vendor" => People.PartnerType.SoftwareVendor,
            "distributor" => People.PartnerType.Distributor,
            "marketplace partner" => People.PartnerType.Marketplace,
            "influence partner" => People.PartnerType.Influence,
            _ => null,
        };
    }

    /// <summary>The deal amount and the customer's prior spend: amounts with a currency sign, a k/m
    /// suffix or at least four digits; one after "spent", "spends" or "revenue of" is prior spend.</summary>
    private static (decimal? Amount, decimal? Prior) ParseAmounts(string text)
    {
        decimal? amount = null;
        decimal? prior = null;
        foreach (Match match in AmountPattern().Matches(text))
        {
            var number = decimal.Parse(match.Groups["n"].Value.Replace(",", ""), CultureInfo.InvariantCulture);
            var unit = match.Groups["unit"].Value;
            var value = unit switch
            {
                "k" or "thousand" => number * 1_000m,
                "m" or "mn" or "mm" or "million" => number * 1_000_000m,
                "bn" or "billion" => number * 1_000_000_000m,
                _ => number,
            };
            var marked = match.Groups["cur"].Success || unit.Length > 0;
            if (!marked && value < 1000)
            {
                continue;
            }

            var before = text[..match.Index];
            if (Regex.IsMatch(before, @"(spent|spends|spending|revenue of|bought|buys|purchased)\s*(about|around|roughly)?\s*$"))
            {
                prior ??= value;
            }
            else
            {
                amount ??= value;
            }
        }

        return (amount, prior);
    }

    private static bool? Flag(string text, string pattern)
    {
        if (Regex.IsMatch(text, $@"\b(no|without|not|lose|losing|drop|dropping|remove|removing)\s+(a |an |the |any )?({pattern})"))
        {
            return false;
        }

        return Regex.IsMatch(text, $@"\b({pattern})") ? true : null;
    }

    [GeneratedRegex(@"\b(?:would|could|does|do|will|might)\s+(?:adding\s+|having\s+|bringing in\s+|getting\s+)?(?<lever>(?:a |an |the )?[\w -]{2,40}?)\s+(?:help|change anything|change|improve (?:it|things|the (?:odds|chances))|matter|make a difference|raise (?:it|the odds))\b[^?.;]*\??"
        + @"|\bwhat if (?:we |they |you )?(?:add|added|bring in|brought in|get|got|use|used|had|have)\s+(?<lever>[^?.;,]+)\??|\b(?:with or without|without or with)\s+(?<lever>[^?.;,]+)\??|\bshould we (?<lever>co-?sell)\b[^?.;]*\??", RegexOptions.IgnoreCase)]
    private static partial Regex Hypothetical();

    [GeneratedRegex(@"\bdr[- ]?(\d{3,})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex RegistrationNumberPattern();

    [GeneratedRegex(@"(?<cur>\$|usd\s?|us\$)?(?<n>\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?)\s?(?<unit>k|m|mm|mn|million|thousand|bn|billion)?\b(?!\s*(other\s+)?partners?\b|\s*(days?|months?|weeks?|years?|%|percent)\b)", RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();

    [GeneratedRegex(@"\b(?:the|on|for|about)\s+(?<name>[A-Z][\w&.\-]*(?:\s+[A-Z][\w&.\-]*){0,3})\s+(?:deal|opportunity|registration|account)\b", RegexOptions.CultureInvariant)]
    private static partial Regex CustomerBeforeDeal();

    [GeneratedRegex(@"\b(?:deal|opportunity|registration)\s+(?:with|for|at|on)\s+(?<name>[A-Z][\w&.\-]*(?:\s+[A-Z][\w&.\-]*){0,3})", RegexOptions.CultureInvariant)]
    private static partial Regex CustomerAfterDeal();

    [GeneratedRegex(@"\b(?:close|win|winning|closing|odds on|chances? (?:on|with|at|for)|score)\s+(?<name>[A-Z][\w&.\-]*(?:\s+[A-Z][\w&.\-]*){0,3})", RegexOptions.CultureInvariant)]
    private static partial Regex CustomerAfterVerb();
}
