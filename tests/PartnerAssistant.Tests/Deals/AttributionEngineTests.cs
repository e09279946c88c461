using PartnerAssistant.Deals;

namespace PartnerAssistant.Tests.Deals;

public sealed class AttributionEngineTests
{
    private static readonly DateOnly Close = new(2026, 6, 30);

    private static AttributionDeal Deal(decimal revenue, params (string Partner, PartnerRole Role, int DaysBefore, bool Registration)[] touches) =>
        new(1, revenue, Close, touches.Select((t, i) => new AttributionTouch(t.Partner, t.Role, Close.AddDays(-t.DaysBefore), t.Registration, i)).ToList());

    // influence (first) → SI → ISV → reseller (last), as in the program's U-shaped example.
    private static readonly AttributionDeal FourTouches = Deal(500_000,
        ("meridian", PartnerRole.Influence, 60, false),
        ("keystone", PartnerRole.Integration, 40, true),
        ("vectorline", PartnerRole.IsvComponent, 20, false),
        ("bluewave", PartnerRole.Reseller, 7, false));

    [Fact]
    public void Credit_PositionBased_GivesFortyTwentyFortyAsInTheProgramExample()
    {
        var credit = new AttributionEngine().Credit(FourTouches, AttributionModel.PositionBased);

        Assert.Equal(200_000m, credit["meridian"]);
        Assert.Equal(50_000m, credit["keystone"]);
        Assert.Equal(50_000m, credit["vectorline"]);
        Assert.Equal(200_000m, credit["bluewave"]);
    }

    [Fact]
    public void Credit_FirstLastLinear_FollowTheTouchOrder()
    {
        var engine = new AttributionEngine();

        Assert.Equal(500_000m, engine.Credit(FourTouches, AttributionModel.FirstTouch)["meridian"]);
        Assert.Equal(500_000m, engine.Credit(FourTouches, AttributionModel.LastTouch)["bluewave"]);
        Assert.All(engine.Credit(FourTouches, AttributionModel.Linear).Values, v => Assert.Equal(125_000m, v));
    }

    [Fact]
    public void Credit_TimeDecay_HalvesTheWeightEverySevenDays()
    {
        var deal = Deal(700_000, ("a", PartnerRole.Influence, 14, false), ("b", PartnerRole.Integration, 7, true), ("c", PartnerRole.Reseller, 0, false));

        var credit = new AttributionEngine(halfLifeDays: 7).Credit(deal, AttributionModel.TimeDecay);

        // weights 0.25, 0.5, 1 → 1/7, 2/7, 4/7
        Assert.Equal(100_000m, credit["a"]);
        Assert.Equal(200_000m, credit["b"]);
        Assert.Equal(400_000m, credit["c"]);
    }

    [Fact]
    public void Credit_TimeDecay_HalfLifeIsConfigurable()
    {
        var deal = Deal(300_000, ("a", PartnerRole.Influence, 14, false), ("c", PartnerRole.Reseller, 0, false));

        var credit = new AttributionEngine(halfLifeDays: 14).Credit(deal, AttributionModel.TimeDecay);

        Assert.Equal(100_000m, credit["a"]);
        Assert.Equal(200_000m, credit["c"]);
    }

    [Fact]
    public void Credit_WShaped_ThirtyToFirstRegistrationAndLast_TenToTheRest()
    {
        var credit = new AttributionEngine().Credit(FourTouches, AttributionModel.WShaped);

        Assert.Equal(150_000m, credit["meridian"]);
        Assert.Equal(150_000m, credit["keystone"]);
        Assert.Equal(50_000m, credit["vectorline"]);
        Assert.Equal(150_000m, credit["bluewave"]);
    }

    [Fact]
    public void Credit_SamePartnerTwice_CollectsBothShares_AndTouchesAfterTheCloseDoNotCount()
    {
        var deal = Deal(300_000,
            ("meridian", PartnerRole.Influence, 30, false),
            ("bluewave", PartnerRole.Reseller, 20, true),
            ("meridian", PartnerRole.Referral, 10, false),
            ("skyway", PartnerRole.Marketplace, -5, false));

        var credit = new AttributionEngine().Credit(deal, AttributionModel.Linear);

        Assert.Equal(200_000m, credit["meridian"]);
        Assert.Equal(100_000m, credit["bluewave"]);
        Assert.False(credit.ContainsKey("skyway"));
    }

    [Fact]
    public void Allocate_RoundingRemainder_KeepsTheTotalExact()
    {
        var parts = AttributionEngine.Allocate(100m, new Dictionary<string, double> { ["a"] = 1, ["b"] = 1, ["c"] = 1 });

        Assert.Equal(100m, parts.Values.Sum());
        Assert.Equal(33.34m, parts.Values.Max());
    }

    [Fact]
    public void Shapley_TwoPartnersNeedingEachOther_SplitEvenly_AndANullPartnerGetsNothing()
    {
        // v({a,b}) = 1, any other coalition 0; c adds nothing anywhere.
        var values = Shapley.Exact(3, mask => (mask & 0b011) == 0b011 ? 1 : 0);

        Assert.Equal(0.5, values[0], 9);
        Assert.Equal(0.5, values[1], 9);
        Assert.Equal(0, values[2], 9);
    }

    [Fact]
    public void Shapley_GloveGame_MatchesTheTextbookValues()
    {
        // One left glove (player 0), two right gloves (1, 2): a pair is worth 1. Shapley: 2/3, 1/6, 1/6.
        var values = Shapley.Exact(3, mask => (mask & 1) != 0 && (mask & 0b110) != 0 ? 1 : 0);

        Assert.Equal(2.0 / 3, values[0], 9);
        Assert.Equal(1.0 / 6, values[1], 9);
        Assert.Equal(1.0 / 6, values[2], 9);
    }

    [Fact]
    public void Shapley_SampledBeyondTheExactLimit_StaysCloseToTheExactValues()
    {
        var weights = Enumerable.Range(1, 13).Select(i => (double)i).ToArray();
        // Superadditive: a coalition is worth the square of its total weight.
        double Value(int mask)
        {
            var sum = 0.0;
            for (var i = 0; i < weights.Length; i++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    sum += weights[i];
                }
            }

            return sum * sum;
        }

        var exact = Shapley.Compute(13, Value, exactLimit: 13);
        var sampled = Shapley.Compute(13, Value, exactLimit: 12, samples: 20_000, seed: 3);
        var total = Value((1 << 13) - 1);

        Assert.Equal(total, exact.Sum(), 6);
        Assert.Equal(total, sampled.Sum(), 6);
        for (var i = 0; i < 13; i++)
        {
            Assert.InRange(sampled[i], exact[i] - 0.01 * total, exact[i] + 0.01 * total);
        }
    }

    [Fact]
    public void Credit_Shapley_FavoursTheRoleThatHistoricallyWinsDeals()
    {
        var influence = WinRateHistory.MaskOf([PartnerRole.Influence]);
        var reseller = WinRateHistory.MaskOf([PartnerRole.Reseller]);
        // Deals with an influence partner were won far more often than deals without one.
        var history = new WinRateHistory(
            Enumerable.Repeat((influence | reseller, true), 30)
                .Concat(Enumerable.Repeat((influence | reseller, false), 5))
                .Concat(Enumerable.Repeat((reseller, true), 10))
                .Concat(Enumerable.Repeat((reseller, false), 30)));
        var deal = Deal(100_000, ("meridian", PartnerRole.Influence, 20, false), ("bluewave", PartnerRole.Reseller, 5, true));

        var credit = new AttributionEngine().Credit(deal, AttributionModel.Shapley, history);

        Assert.Equal(100_000m, credit.Values.Sum());
        Assert.True(credit["meridian"] > credit["bluewave"], $"meridian {credit["meridian"]}, bluewave {credit["bluewave"]}");
    }

    [Fact]
    public void Credit_ShapleyWithoutHistory_SplitsEvenlyBetweenPartners()
    {
        var credit = new AttributionEngine().Credit(FourTouches, AttributionModel.Shapley, WinRateHistory.Empty);

        Assert.All(credit.Values, v => Assert.Equal(125_000m, v));
    }

    [Theory]
    [InlineData("u-shaped", AttributionModel.PositionBased)]
    [InlineData("time decay", AttributionModel.TimeDecay)]
    [InlineData("W-Shaped", AttributionModel.WShaped)]
    [InlineData("first", AttributionModel.FirstTouch)]
    [InlineData("shapley", AttributionModel.Shapley)]
    public void Parse_ModelNamesAsPeopleWriteThem(string text, AttributionModel expected) =>
        Assert.Equal(expected, AttributionModels.Parse(text));
}
