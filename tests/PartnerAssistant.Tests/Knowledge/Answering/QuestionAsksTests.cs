using PartnerAssistant.Knowledge.Answering;

namespace PartnerAssistant.Tests.Knowledge.Answering;

public sealed class QuestionAsksTests
{
    [Fact]
    public void Parse_TwoAsksInOneSentence_GivesADurationAndAYesNo()
    {
        var asks = QuestionAsks.Parse("what are the rules for registering a deal? like how long is it protected and can it be extended");

        Assert.Equal(3, asks.Count);
        Assert.True(asks[1].Kind.HasFlag(AnswerKind.Duration));
        Assert.Contains("protect", asks[1].Stems);
        Assert.Equal(AnswerKind.YesNo, asks[2].Kind);
        Assert.Contains("extend", asks[2].Stems);
    }

    [Theory]
    [InlineData("how far ahead do I need to submit an MDF request?", AnswerKind.Duration)]
    [InlineData("what's the discount on registered deals at gold level", AnswerKind.Amount)]
    [InlineData("when does the psat survey get sent", AnswerKind.Time)]
    [InlineData("where in the portal is our tier scorecard", AnswerKind.Place)]
    [InlineData("who decides when two registrations conflict", AnswerKind.Person)]
    [InlineData("how many certified people does silver need", AnswerKind.Count)]
    [InlineData("how often is the tier evaluated", AnswerKind.Frequency)]
    [InlineData("can a silver partner ask for co-sell", AnswerKind.YesNo)]
    [InlineData("what info do I need to register a deal?", AnswerKind.List)]
    [InlineData("what is a touch", AnswerKind.Definition)]
    [InlineData("how is ROPI calculated", AnswerKind.Formula)]
    public void KindOf_Question_IsWhatItAsksFor(string question, AnswerKind kind) =>
        Assert.True(QuestionAsks.KindOf(question).HasFlag(kind), $"{QuestionAsks.KindOf(question)} lacks {kind}");

    [Fact]
    public void Parse_ContextBeforeTheQuestion_CountsForLessAndAsksForNothing()
    {
        var asks = QuestionAsks.Parse("we're silver right now - what extra do we actually get if we make it to gold?");

        var ask = Assert.Single(asks);
        Assert.Contains("gold", ask.Stems);
        Assert.DoesNotContain("silv", ask.Stems);
        Assert.Contains("silv", ask.Context);
    }

    [Theory]
    [InlineData("Protection runs 90 days from approval.", AnswerKind.Duration)]
    [InlineData("Gold partners get 12 % off list price.", AnswerKind.Amount)]
    [InlineData("Your named channel manager assigns an AE.", AnswerKind.Person)]
    [InlineData("Open the portal under Performance → Tier scorecard.", AnswerKind.Place)]
    [InlineData("Each attestation is renewed every 12 months.", AnswerKind.Frequency)]
    public void Carries_Sentence_HasTheFactKind(string sentence, AnswerKind kind) =>
        Assert.True(QuestionAsks.Carries(sentence).HasFlag(kind), $"{QuestionAsks.Carries(sentence)} lacks {kind}");

    [Fact]
    public void Stems_CodesAndNumbers_AreKept_AndWordsTheStemmerSplitStillMeet()
    {
        var stems = QuestionAsks.Stems("what is RoE-5 about, and the 45 day extension?");

        Assert.Contains("roe5", stems);
        Assert.Contains("45", stems);
        Assert.True(QuestionAsks.Contains(QuestionAsks.Stems("can it be extended"), "extension"));
        Assert.False(QuestionAsks.Contains(QuestionAsks.Stems("a discount on the deal"), "discover"));
    }

    [Theory]
    [InlineData("ROPI = attributed revenue ÷ program investment.")]
    [InlineData("Reimbursement is the eligible cost multiplied by the approved share.")]
    public void Carries_Calculation_IsAFormula(string sentence) =>
        Assert.True(QuestionAsks.Carries(sentence).HasFlag(AnswerKind.Formula));

    [Fact]
    public void Carries_PlainStatement_IsNoFormula() =>
        Assert.False(QuestionAsks.Carries("ROPI is reported per partner every quarter.").HasFlag(AnswerKind.Formula));

    [Fact]
    public void Stems_PronounOne_IsNoWordAskedAbout() =>
        Assert.DoesNotContain("one", QuestionAsks.Stems("how long is the extension if I ask for one"));

    [Theory]
    [InlineData("VAR stands for?", "VAR")]
    [InlineData("what do MSPs stand for?", "MSP")]
    [InlineData("what does isv mean", "ISV")]
    [InlineData("what does it mean?", null)]
    [InlineData("what does an approved registration give us?", null)]
    public void AbbreviationAsked_ShortTermNotAWord_IsTheAbbreviation(string question, string? abbreviation) =>
        Assert.Equal(abbreviation, QuestionAsks.AbbreviationAsked(question));

    [Theory]
    [InlineData("whats RoE-4 about", "RoE-4")]
    [InlineData("is DR-1042 still protected under RoE-1?", "RoE-1")]
    [InlineData("status of DR-1042 and MDF-2", null)]
    public void RuleCodes_CodeOfARule_NotARecordNumber(string question, string? code) =>
        Assert.Equal(code is null ? [] : [code], QuestionAsks.RuleCodes(question));
}
