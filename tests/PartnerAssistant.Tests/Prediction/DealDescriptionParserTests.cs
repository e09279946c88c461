using PartnerAssistant.People;
using PartnerAssistant.Prediction;

namespace PartnerAssistant.Tests.Prediction;

public sealed class DealDescriptionParserTests
{
    [Fact]
    public void Parse_TypicalDescription_ReadsEveryStatedFact()
    {
        var facts = DealDescriptionParser.Parse("what are the odds on a 300k SI-led deal in EMEA with co-sell and a certified SI, competing against AWS, 3 partners, AI Studio?").Facts;

        Assert.Equal(300_000m, facts.AmountUsd);
        Assert.Equal(RouteToMarket.SiLed, facts.Route);
        Assert.Equal("EMEA", facts.Region);
        Assert.True(facts.CoSell);
        Assert.True(facts.CertifiedSi);
        Assert.Equal(CompetitorKind.Hyperscaler, facts.Competitor);
        Assert.Equal(3, facts.PartnersInvolved);
        Assert.Equal(NorthbeamProducts.AiStudio, facts.Products);
        Assert.Null(facts.ChannelConflict);
        Assert.Null(facts.Segment);
    }

    [Theory]
    [InlineData("I have a 400k AI Studio deal in NA through a reseller, would co-sell help?")]
    [InlineData("a 400k AI Studio deal in NA, what if we add co-sell")]
    [InlineData("odds on a 400k AI Studio deal in NA with or without co-sell")]
    public void Parse_CoSellOnlyAskedAbout_IsAskedNotStated(string text)
    {
        var parsed = DealDescriptionParser.Parse(text);

        Assert.Null(parsed.Facts.CoSell);
        Assert.True(parsed.Asked.CoSell);
        Assert.Equal(400_000m, parsed.Facts.AmountUsd);
        Assert.Equal(NorthbeamProducts.AiStudio, parsed.Facts.Products);
    }

    [Theory]
    [InlineData("a $1.2m deal", 1_200_000)]
    [InlineData("worth 250,000 dollars", 250_000)]
    [InlineData("a 1.5 million deal", 1_500_000)]
    [InlineData("an 80k deal with 2 partners", 80_000)]
    public void Parse_Amounts_InCommonForms(string text, int expected) =>
        Assert.Equal(expected, DealDescriptionParser.Parse(text).Facts.AmountUsd);

    [Fact]
    public void Parse_Negations_SetFactsToFalse()
    {
        var facts = DealDescriptionParser.Parse("a deal without co-sell, no certified SI and no channel conflict").Facts;

        Assert.False(facts.CoSell);
        Assert.False(facts.CertifiedSi);
        Assert.False(facts.ChannelConflict);
    }

    [Fact]
    public void Parse_PriorSpendAndMarketplace_AreNotTakenForTheDealAmount()
    {
        var facts = DealDescriptionParser.Parse("a 400k marketplace private offer for an existing customer who spent 200k, gold reseller").Facts;

        Assert.Equal(400_000m, facts.AmountUsd);
        Assert.Equal(200_000m, facts.PriorCustomerRevenueUsd);
        Assert.Equal(RouteToMarket.MarketplacePrivateOffer, facts.Route);
        Assert.Null(facts.Competitor);
        Assert.Equal(Tier.Gold, facts.PartnerTier);
        Assert.Equal(PartnerType.Reseller, facts.PartnerType);
    }

    [Fact]
    public void Parse_LowerCaseUs_IsAPronounNotARegion()
    {
        Assert.Null(DealDescriptionParser.Parse("tell us the odds on a 100k deal").Facts.Region);
        Assert.Equal("NA", DealDescriptionParser.Parse("a 100k deal in the US").Facts.Region);
    }

    [Theory]
    [InlineData("what are the odds on DR-1042?", "DR-1042")]
    [InlineData("odds for dr 2210 please", "DR-2210")]
    [InlineData("how likely is the Contoso deal to close?", "Contoso")]
    [InlineData("what are our chances with Adventure Works", "Adventure Works")]
    [InlineData("predict the outcome of the Tailspin Toys deal", "Tailspin Toys")]
    [InlineData("is this deal likely to win", null)]
    public void RegistrationKey_NumberOrCustomer(string text, string? expected) =>
        Assert.Equal(expected, DealDescriptionParser.RegistrationKey(text));
}

public sealed class DealHistoryGeneratorTests
{
    private static readonly IReadOnlyList<GeneratedDeal> History = DealHistoryGenerator.Generate(8000, 7);

    [Fact]
    public void Generate_SameSeed_SameDeals_OtherSeed_OtherDeals()
    {
        var again = DealHistoryGenerator.Generate(200, 7);
        var other = DealHistoryGenerator.Generate(200, 8);

        Assert.Equal(DealHistoryGenerator.Generate(200, 7), again);
        Assert.NotEqual(again.Select(d => d.Facts.AmountUsd), other.Select(d => d.Facts.AmountUsd));
        Assert.Equal("DR-1001", again[0].Facts.RegistrationNumber);
    }

    [Fact]
    public void Generate_Effects_FollowTheSeedArticle()
    {
        Assert.True(WinRate(d => d.Facts.CertifiedSi == true) > WinRate(d => d.Facts.CertifiedSi == false) + 0.05, "certified SIs raise win rates");
        Assert.True(WinRate(d => d.Facts.CoSell == true) > WinRate(d => d.Facts.CoSell == false) + 0.05, "co-sell raises win rates");
        Assert.True(WinRate(d => d.Facts.ChannelConflict == true) < WinRate(d => d.Facts.ChannelConflict == false) - 0.05, "channel conflict lowers win rates");
        Assert.True(Rate(d => d.FurthestStage != "Registered", d => d.Facts.InfluencePartner == true)
            > Rate(d => d.FurthestStage != "Registered", d => d.Facts.InfluencePartner == false) + 0.05, "influence partners raise early-stage conversion");
        Assert.True(MedianDays(d => d.Facts.Route == RouteToMarket.MarketplacePrivateOffer) < 0.8 * MedianDays(d => d.Facts.Route != RouteToMarket.MarketplacePrivateOffer),
            "marketplace private offers shorten cycles");
    }

    [Fact]
    public void Generate_CoSell_MostlyForGoldAndPlatinumPartners()
    {
        var coSell = History.Where(d => d.Facts.CoSell == true && d.Facts.Route != RouteToMarket.CoSellWithDirect).ToList();

        Assert.True(coSell.Count(d => d.Facts.PartnerTier >= Tier.Gold) > 0.9 * coSell.Count);
    }

    [Fact]
    public void ToTable_WritesTheHistoryColumns()
    {
        var table = DealHistoryGenerator.ToTable(History.Take(10));

        Assert.Equal([.. DealColumns.EntryTime, DealColumns.FurthestStage, DealColumns.DaysToClose, DealColumns.ClosedOn, DealColumns.Outcome], table.Columns);
        Assert.All(table.Rows, r => Assert.Contains(r[^1], new[] { DealColumns.Won, DealColumns.Lost }));
    }

    private static double WinRate(Func<GeneratedDeal, bool> filter) => Rate(d => d.Won, filter);

    private static double Rate(Func<GeneratedDeal, bool> outcome, Func<GeneratedDeal, bool> filter)
    {
        var deals = History.Where(filter).ToList();
        return deals.Count(outcome) / (double)deals.Count;
    }

    private static double MedianDays(Func<GeneratedDeal, bool> filter)
    {
        var days = History.Where(filter).Select(d => d.DaysToClose).Order().ToList();
        return days[days.Count / 2];
    }
}
