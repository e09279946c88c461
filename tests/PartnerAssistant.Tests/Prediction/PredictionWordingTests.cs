using System.Text.Json.Nodes;
using PartnerAssistant.Prediction;

namespace PartnerAssistant.Tests.Prediction;

/// <summary>The odds explained in a sales rep's words: no column names from the training file in the
/// factors, the unknown facts, the what-ifs or the line about the model.</summary>
public sealed partial class PredictionPluginTests
{
    /// <summary>Column names lower-cased, as the explanations used to list them ("certified si", "prior customer
    /// revenue usd"); those that are also plain words ("influence partner", product names) are left out.</summary>
    private static readonly string[] RawNames =
    [
        .. new[] { DealColumns.PartnerType, DealColumns.PartnerTier, DealColumns.Route, DealColumns.Segment, DealColumns.Amount, DealColumns.SizeBand,
            DealColumns.PartnersInvolved, DealColumns.CertifiedSi, DealColumns.IsvComponent, DealColumns.PriorRevenue }.Select(c => c.ToLowerInvariant()),
        "roc auc", "fasttree", "lightgbm",
    ];

    private static void AssertInPeoplesWords(string text)
    {
        foreach (var raw in RawNames)
        {
            // Case matters: "certified SI" is how a rep writes it, "certified si" is a column name lower-cased.
            Assert.DoesNotContain(raw, raw is "roc auc" or "fasttree" or "lightgbm" ? text.ToLowerInvariant() : text);
        }
    }

    [Fact]
    public void ScoreDescribedDeal_WithFewFacts_SaysWhatItDoesNotKnowInWords_AndTheWhatIfsAsSentences()
    {
        var (kernel, _) = Turn(SalesRep(), "");
        var plugin = new PredictionPlugin(model.Advisor());

        var reply = plugin.ScoreDescribedDeal(kernel, "a 300k resale deal in NA");

        Assert.Contains("I don't know ", reply.Text);
        Assert.Contains("whether a certified SI is on the deal", reply.Text);
        Assert.DoesNotContain("Not known to me", reply.Text);
        Assert.Contains("yet, among other things: tell me", reply.Text);
        AssertInPeoplesWords(reply.Text);
        var card = reply.Cards.Single().ToJsonString();
        AssertInPeoplesWords(JsonNode.Parse(card)!["body"]!.ToJsonString());
        Assert.Contains("ranked a won deal above a lost one", card);
        Assert.Contains("past deals", card);
    }

    [Fact]
    public void ScoreDescribedDeal_TheWhatIfsReadAsSentences_InTheTextAndOnTheCard()
    {
        var (kernel, _) = Turn(SalesRep(), "");
        var plugin = new PredictionPlugin(model.Advisor());

        var reply = plugin.ScoreDescribedDeal(kernel, "a 300k resale deal in NA for an enterprise customer against a legacy incumbent, Gold reseller, no co-sell");

        var sentence = new System.Text.RegularExpressions.Regex(@"[A-Z][a-z]+ [^.]* would (take|bring) it to \d{1,3} % \(from \d{1,3} %\)");
        Assert.True(sentence.IsMatch(reply.Text), reply.Text);
        Assert.DoesNotContain("→", reply.Text);
        Assert.DoesNotContain("What if:", reply.Text);
        Assert.True(sentence.IsMatch(reply.Cards.Single().ToJsonString()), reply.Cards.Single().ToJsonString());
        AssertInPeoplesWords(reply.Text);
    }

    [Fact]
    public void WhatIf_InTheUsersWords_ReadsAsWhatWouldBeDone()
    {
        var (kernel, _) = Turn(SalesRep(), "");
        var plugin = new PredictionPlugin(model.Advisor());
        plugin.ScoreDescribedDeal(kernel, "a 300k resale deal in NA for an enterprise customer against a legacy incumbent, Gold reseller, no co-sell");

        var reply = plugin.WhatIf(kernel, "what if we co-sell and it were 500k?");

        Assert.StartsWith("Co-selling with Northbeam and making it a $500,000 deal would move", reply.Text);
    }

    [Fact]
    public void EveryFactor_KnownOrNot_ReadsAsWords()
    {
        foreach (var column in DealColumns.EntryTime.Where(c => c is not (DealColumns.RegistrationNumber or DealColumns.RegisteredOn)))
        {
            var unknown = DealColumns.Describe(column, null);
            Assert.EndsWith(" is not known", unknown);
            if (RawNames.Contains(column.ToLowerInvariant()))
            {
                Assert.DoesNotContain(column.ToLowerInvariant(), unknown);
            }
        }

        Assert.Equal("it is a $85,000 deal", DealColumns.Describe(DealColumns.Amount, "85000"));
        Assert.Equal("it is a deal of 50k to 250k", DealColumns.Describe(DealColumns.SizeBand, "50k-250k"));
        Assert.Equal("the lead source is webinar", DealColumns.Describe("LeadSource", "webinar"));
        Assert.Equal("the CRM stage", DealColumns.Unknown("CRM_Stage"));
    }
}
