using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.Tests.Conversation.Routing;

public sealed class QuestionFormTests
{
    /// <summary>Questions on action topics that issue 13 saw routed to actions (a form, a list, a scorecard).</summary>
    public static TheoryData<string> QuestionsOnActionTopics =>
    [
        "what info do I need to register a deal?",
        "how far ahead do I need to submit an MDF request?",
        "how long does the channel manager take to approve an MDF request?",
        "how many questions are in the PSAT survey and what scale",
        "when does protection start, on submission or approval?",
        "we're silver right now - what extra do we actually get if we make it to gold?",
    ];

    [Theory]
    [MemberData(nameof(QuestionsOnActionTopics))]
    [InlineData("can I sell directly to Fabrikam Logistics while it's protected?")]
    [InlineData("what is ROPI")]
    [InlineData("ok but like what even is mdf")]
    [InlineData("explain attribution models")]
    [InlineData("how many days do we have to sign the partner agreement")]
    [InlineData("who do we contact if compliance screening is stuck")]
    [InlineData("who approves registrations that are still pending?")]
    [InlineData("is there any certification training available to us at no cost?")]
    [InlineData("what is new partner onboarding?")]
    [InlineData("if no partner has registered the customer yet, can we still get protection backdated?")]
    public void Of_QuestionAboutHowTheProgramWorks_IsAPolicyQuestion(string text) =>
        Assert.True(QuestionForm.Of(text).IsPolicyQuestion, text);

    [Theory]
    [InlineData("does answering the survey actually affect our tier?")]
    [InlineData("how is partner revenue counted for tiering")]
    public void Of_HowQuestionNamingOwnThings_StillAsksHowItWorks(string text) =>
        Assert.True(QuestionForm.Of(text).AsksHowItWorks, text);

    [Theory]
    [InlineData("can I extend DR-1042 more than once?")]
    [InlineData("how often can a registration be extended")]
    public void Of_RuleInGeneral_AsksInGeneral(string text) =>
        Assert.True(QuestionForm.Of(text).AsksInGeneral, text);

    [Theory]
    [InlineData("write a haiku about deal registration")]
    [InlineData("can you tell me a joke about MDF")]
    [InlineData("translate the registration policy into French")]
    public void Of_WritingOrTranslationRequest_IsOutOfScope(string text) =>
        Assert.True(QuestionForm.Of(text).IsOutOfScope, text);

    [Theory]
    [InlineData("tell me about MDF")]
    [InlineData("register a deal for Contoso, 250k")]
    public void Of_OrdinaryRequest_IsNotOutOfScope(string text) =>
        Assert.False(QuestionForm.Of(text).IsOutOfScope, text);

    [Theory]
    [InlineData("show my open registrations")]
    [InlineData("register a deal for Contoso, 250k")]
    [InlineData("how much MDF do we have left")]
    [InlineData("is there any money left in our MDF")]
    [InlineData("how many registrations do we have")]
    [InlineData("how far are we from gold")]
    [InlineData("approve DR-1042 under RoE-2")]
    [InlineData("what does the sticker in this photo say")]
    [InlineData("we'd like some co-funding for a hackathon in September")]
    [InlineData("how is the program doing this quarter?")]
    [InlineData("do the tier review for all partners")]
    [InlineData("that 81% seemed high, what's it based on?")]
    [InlineData("if not, register it for us: Data Fabric, 90k EUR")]
    [InlineData("is there any mdf remaining for us")]
    [InlineData("how much co-marketing money have we still got?")]
    [InlineData("what's overdue")]
    [InlineData("what's pending")]
    public void Of_RequestAboutOwnDataOrImperative_IsNoPolicyQuestion(string text) =>
        Assert.False(QuestionForm.Of(text).IsPolicyQuestion, text);

    [Fact]
    public void Of_OwnDataAndAWhy_IsMixed()
    {
        var form = QuestionForm.Of("our registration got rejected, why would that happen");

        Assert.True(form.IsMixed);
        Assert.False(form.IsPolicyQuestion);
    }

    [Theory]
    [InlineData("which registrations lose protection in the next 10 days", true)]
    [InlineData("any registrations losing protection before the end of the month?", true)]
    [InlineData("are there any tier promotions or demotions waiting to be confirmed?", true)]
    [InlineData("how many registration decisions have I got outstanding", true)]
    [InlineData("yo, any of our registrations about to expire?", true)]
    [InlineData("got ten minutes before my next call, is there anything on registrations waiting for me to decide?", true)]
    [InlineData("what is Bluewave still short of for gold?", true)]
    [InlineData("what would it take for us to make Gold", true)]
    [InlineData("where does Harbor sit against the tier criteria right now", true)]
    [InlineData("what does it take to reach gold?", false)]
    [InlineData("before I go after Pinewood Logistics: does another partner already have it locked?", true)]
    [InlineData("before I call Woodgrove Bank I'd like to know if a partner already has it protected", true)]
    [InlineData("what happens if another partner already registered the customer?", false)]
    [InlineData("can a registration that is still open be extended twice?", false)]
    [InlineData("what happens to registrations pending review when a partner leaves the program?", false)]
    [InlineData("how long do registrations stay pending?", false)]
    [InlineData("what's the satisfaction trend among integrators?", true)]
    [InlineData("how did distributors rate us this year", true)]
    [InlineData("how does a falling PSAT trend affect a partner's tier?", false)]
    [InlineData("any of our deals about to lapse?", true)]
    [InlineData("what's the next step on our onboarding checklist?", true)]
    [InlineData("what is the next step after compliance screening?", false)]
    [InlineData("which registrations are lapsing this month", true)]
    public void Of_QuestionAboutRecordsInAState_AsksForThemUnlessItAsksForTheRule(string text, bool records)
    {
        var form = QuestionForm.Of(text);

        Assert.Equal(records, form.AsksForRecords);
        Assert.Equal(!records, form.IsPolicyQuestion);
    }
}
