using PartnerAssistant.Conversation;
using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.Tests.Conversation.Routing;

public sealed class FollowUpsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly AssistantVocabulary Vocabulary = new VocabularyBuilder()
        .AddPartner("Keystone Integration Group").AddPartner("Harbor Managed Services")
        .AddCustomer("Contoso Ltd").AddCustomer("Woodgrove Bank")
        .Build();

    [Theory]
    [InlineData("what do Silver partners get?", "what about Gold?", "what do Gold partners get?")]
    [InlineData("show the tier scorecard for Keystone", "and for Harbor?", "show the tier scorecard for Harbor")]
    [InlineData("who is working on Contoso?", "what about Woodgrove Bank?", "who is working on Woodgrove Bank?")]
    [InlineData("PSAT results for MSPs", "and for resellers?", "PSAT results for resellers")]
    [InlineData("status of DR-1042", "extend it please", "extend DR-1042 please")]
    [InlineData("what's the status of DR-1022?", "how likely is it to close?", "how likely is DR-1022 to close?")]
    [InlineData("status of DR-1042", "what are its odds?", "what are DR-1042's odds?")]
    [InlineData("how long is a deal registration protected?", "and can it be extended?", "can the deal registration protection be extended?")]
    [InlineData("how far ahead do we have to request MDF?", "and the claim deadline?", "the claim deadline (MDF)")]
    [InlineData("show the tier scorecard for Keystone", "now Harbor", "show the tier scorecard for Harbor")]
    [InlineData("how likely is DR-1029 to close?", "same for 1040", "how likely is DR-1040 to close?")]
    [InlineData("status of MDF-1", "and 2?", "status of MDF-2")]
    [InlineData("status of MDF-1", "2?", "status of MDF-2")]
    public void Resolve_FollowUp_IsReadAgainstThePreviousQuestion(string previous, string followUp, string expected)
    {
        var resolved = FollowUps.Resolve(followUp, new TurnContext(previous, "Knowledge.Ask", Now), Vocabulary);

        Assert.Equal(expected, resolved?.Text);
    }

    [Theory]
    [InlineData("how much MDF do we have left?")]
    [InlineData("what is the status of DR-1028")]
    [InlineData("who is working on Woodgrove Bank?")]
    [InlineData("now show me the review queue")]
    [InlineData("NOW APPROVE MDF-3")]
    public void Resolve_QuestionThatStandsOnItsOwn_IsLeftAlone(string text) =>
        Assert.Null(FollowUps.Resolve(text, new TurnContext("what do Silver partners get?", "Knowledge.Ask", Now), Vocabulary));

    [Fact]
    public void Previous_OlderThanTheWindow_IsForgotten()
    {
        var state = new ConversationState();
        FollowUps.Remember(state, new TurnContext("what do Silver partners get?", "Knowledge.Ask", Now));

        Assert.NotNull(FollowUps.Previous(state, Now.AddMinutes(29), TimeSpan.FromMinutes(30)));
        Assert.Null(FollowUps.Previous(state, Now.AddMinutes(31), TimeSpan.FromMinutes(30)));
    }

    [Theory]
    [InlineData("is Pinewood Logistics registered by anyone?", "Deals.IsCustomerRegistered", "register Pinewood Logistics for Edge Runtime, 55k")]
    [InlineData("who's working on Pinewood Logistics?", "Deals.WhoIsWorkingOn", "register Pinewood Logistics for Edge Runtime, 55k")]
    [InlineData("is Pinewood Logistics registered by anyone?", "Knowledge.Ask", null)]
    public void Resolve_PronounAfterAskingAboutACustomerNobodyRegistered_IsThatCustomer(string previous, string intent, string? expected) =>
        Assert.Equal(expected, FollowUps.Resolve("register it for Edge Runtime, 55k", new TurnContext(previous, intent, Now), Vocabulary, continues: true)?.Text);

    [Theory]
    [InlineData("how long does it take to get a registration approved?")]
    [InlineData("what does that mean for us?")]
    public void Resolve_OtherPronounAfterAskingAboutACustomer_IsNotThatCustomer(string text) =>
        Assert.DoesNotContain("Pinewood", FollowUps.Resolve(text, new TurnContext("is Pinewood Logistics registered by anyone?", "Deals.IsCustomerRegistered", Now), Vocabulary)?.Text ?? "", StringComparison.Ordinal);

    [Fact]
    public void Resolve_SecondPartNamingItsOwnTopic_KeepsItsOwnTopic() =>
        Assert.Null(FollowUps.Resolve("what's the next step on our checklist?", new TurnContext("we've signed the partner agreement", "Onboarding.SignAgreement", Now), Vocabulary, continues: true));

    [Fact]
    public void Resolve_NumberOfAnotherLength_DoesNotReplaceTheRegistration() =>
        Assert.DoesNotContain("DR-30", FollowUps.Resolve("and 30?", new TurnContext("extend DR-1042 by 14 days", "Deals.ExtendRegistration", Now), Vocabulary)?.Text ?? "");
}
