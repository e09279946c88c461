using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.Tests.Conversation.Routing;

public sealed class QuestionSplitterTests
{
    [Theory]
    [InlineData("what's the status of DR-1028? and what happens when protection ends", "what's the status of DR-1028?", "what happens when protection ends")]
    [InlineData("show my registrations, and also how much MDF do we have left?", "show my registrations", "how much MDF do we have left?")]
    [InlineData("which gateways are up and which models are on store-12?", "which gateways are up", "which models are on store-12?")]
    [InlineData("review queue please; and how long do I have to decide?", "review queue please", "how long do I have to decide?")]
    [InlineData("approve DR-1043 and then show me what else is in the review queue", "approve DR-1043", "show me what else is in the review queue")]
    [InlineData("list the knowledge sources and reindex everything afterwards", "list the knowledge sources", "reindex everything afterwards")]
    [InlineData("please extend DR-1023, and remind me how long an extension lasts", "please extend DR-1023", "remind me how long an extension lasts")]
    [InlineData("register a deal for Pinewood Logistics, 90k, and check whether Pinecrest Dental is already taken", "register a deal for Pinewood Logistics, 90k", "check whether Pinecrest Dental is already taken")]
    [InlineData("is Pinewood Logistics registered by anyone? if not, register it for Edge Runtime, 55k", "is Pinewood Logistics registered by anyone?", "register it for Edge Runtime, 55k")]
    [InlineData("list our approved registrations and flag the ones expiring soon", "list our approved registrations", "flag the ones expiring soon")]
    public void Split_TwoQuestions_AreTwoParts(string message, string first, string second)
    {
        var split = QuestionSplitter.Split(message);

        Assert.Equal([first, second], split.Parts);
        Assert.Null(split.Lead);
    }

    [Theory]
    [InlineData("what do gold and platinum partners get")]
    [InlineData("register a deal for Contoso, Azure migration, about 250k, closing in March")]
    [InlineData("approve DR-1042 because roles co-exist and the customer confirmed")]
    [InlineData("tl;dr how's our tier looking")]
    [InlineData("which deals are active and open right now")]
    [InlineData("if the registration expires, then what can we do?")]
    [InlineData("how do I register and submit a deal?")]
    [InlineData("who can approve and reject MDF claims?")]
    public void Split_OneQuestion_StaysWhole(string message) =>
        Assert.Equal([message], QuestionSplitter.Split(message).Parts);

    [Fact]
    public void Split_ClausesSpellingOutTheQuestionBefore_ReplaceItAndKeepItAsTheLead()
    {
        var split = QuestionSplitter.Split("what are the rules for registering a deal? like how long is it protected and can it be extended");

        Assert.Equal(["how long is it protected", "can it be extended"], split.Parts);
        Assert.Equal("what are the rules for registering a deal?", split.Lead);
    }

    [Fact]
    public void Split_ThanksBetweenQuestions_IsDropped() =>
        Assert.Equal(["how long till protection kicks in after I submit?"], QuestionSplitter.Split("thx, and how long till protection kicks in after I submit?").Parts);

    [Fact]
    public void Split_MoreThanThreeQuestions_KeepsThreeParts() =>
        Assert.Equal(3, QuestionSplitter.Split("what is MDF? what is PSAT? what is ROPI? what is RoE-1?").Parts.Count);

    [Fact]
    public void Conjoined_TwoThingsWithOneVerb_GivesTheSecondTheVerb()
    {
        var reading = Assert.Single(QuestionSplitter.Conjoined("show the review queue and the pending tier proposals too"));

        Assert.Equal(new ConjoinedReading("show the review queue", "show the pending tier proposals", SharedVerb: true, Additive: false, AsksHowItWorks: false), reading);
    }

    [Fact]
    public void Conjoined_Plus_IsAdditiveWithoutAVerb()
    {
        var reading = Assert.Single(QuestionSplitter.Conjoined("PSAT for MSPs this quarter, plus the overall program overview"));

        Assert.Equal(("PSAT for MSPs this quarter", "the overall program overview", false, true), (reading.First, reading.Second, reading.SharedVerb, reading.Additive));
    }

    [Theory]
    [InlineData("show me registrations that are approved and expiring this month")]
    [InlineData("approve and pay MDF-2")]
    public void Conjoined_OneThingDescribedTwice_OffersNoReading(string part) =>
        Assert.Empty(QuestionSplitter.Conjoined(part));
}
