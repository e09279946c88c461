using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.Tests.Conversation.Routing;

public sealed class SpellingCorrectorTests
{
    private static readonly AssistantVocabulary Vocabulary = new VocabularyBuilder()
        .AddText("show my open registrations; what is our MDF balance; register a deal for a customer; the deal is protected", 3)
        .AddText("train the team; feel free to ask; is it registered", 1)
        .AddKnown(["rain", "pizza"])
        .AddShorthand("regs", "registrations")
        .AddShorthand("pls", "please")
        .AddCustomer("Contoso Ltd")
        .Build();

    [Theory]
    [InlineData("shwo my opne registratons", "show my open registrations")]
    [InlineData("what is our mdf balence", "what is our mdf balance")]
    [InlineData("regster a deel for a customer", "register a deal for a customer")]
    [InlineData("the deal is protectd", "the deal is protected")]
    public void Correct_TyposOfTheAssistantsOwnWords_AreCorrected(string typed, string expected)
    {
        var corrected = SpellingCorrector.Correct(typed, Vocabulary);

        Assert.Equal(expected, corrected.Text);
        Assert.True(corrected.ChangedMeaning);
    }

    [Theory]
    [InlineData("will it rain tomorrow")]
    [InlineData("is Contosso registered")]
    [InlineData("what models run on plant-7")]
    [InlineData("is contoso.com registered")]
    [InlineData("I completed NB101")]
    [InlineData("is EMEA open")]
    public void Correct_KnownWordsNamesCodesAndAddresses_AreLeftAlone(string typed)
    {
        var corrected = SpellingCorrector.Correct(typed, Vocabulary);

        Assert.Equal(typed, corrected.Text);
        Assert.Empty(corrected.Corrections);
    }

    [Fact]
    public void Correct_TwoCandidatesOneEditAway_TakesTheMoreFrequent()
    {
        // "deel" is one edit from "deal" (weighted 6) and "feel" (weighted 1).
        Assert.Equal("a new deal", SpellingCorrector.Correct("a new deel", Vocabulary).Text);
    }

    [Fact]
    public void Correct_ALastLetterLeftOff_BeatsAMoreFrequentWordOneEditAway()
    {
        // "wher" is one edit from "when" (weighted 4) and "where" (weighted 2); the typist left a letter off "where".
        var vocabulary = new VocabularyBuilder().AddText("when when where", 2).Build();

        Assert.Equal("where are we with onboarding", SpellingCorrector.Correct("wher are we with onboarding", vocabulary).Text);
    }

    [Fact]
    public void Correct_Shorthand_IsSpeltOutWithoutCountingAsACorrection()
    {
        var corrected = SpellingCorrector.Correct("my regs pls", Vocabulary);

        Assert.Equal("my registrations please", corrected.Text);
        Assert.False(corrected.ChangedMeaning);
    }

    [Fact]
    public void Correct_OnlyASmallWordChanged_DoesNotCountAsChangedMeaning()
    {
        var vocabulary = new VocabularyBuilder().AddText("the deal the deal", 3).Build();

        var corrected = SpellingCorrector.Correct("teh deal", vocabulary);

        Assert.Equal("the deal", corrected.Text);
        Assert.False(corrected.ChangedMeaning);
    }

    [Fact]
    public async Task Correct_WithTheEnglishWordList_LeavesRealWordsAloneAndStillFixesShortTypos()
    {
        var builder = new VocabularyBuilder().AddText("a partial list; sooner or later; still waiting; register a deal", 3);
        await new PartnerAssistant.Knowledge.EnglishWordsVocabulary().ContributeAsync(builder, TestContext.Current.CancellationToken);
        var vocabulary = builder.Build();

        Assert.Equal("who is partway through, which run out soonest", SpellingCorrector.Correct("who is partway through, which run out soonest", vocabulary).Text);
        Assert.Equal("still waiting to register a deal", SpellingCorrector.Correct("stil waiting to regster a deal", vocabulary).Text);
    }
}
