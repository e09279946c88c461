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
    public void Of_QuestionAboutHowTheProgramWorks_IsAPolicyQuestion(string text) =>
        Assert.True(QuestionForm.Of(text).IsPolicyQuestion, text);

    [Theory]
    [InlineData("show my open registrations")]
    [InlineData("register a deal for Contoso, 250k")]
    [InlineData("how much MDF do we have left")]
    [InlineData("how far are we from gold")]
    [InlineData("approve DR-1042 under RoE-2")]
    [InlineData("what does the sticker in this photo say")]
    [InlineData("we'd like some co-funding for a hackathon in September")]
    [InlineData("how is the program doing this quarter?")]
    [InlineData("do the tier review for all partners")]
    public void Of_RequestAboutOwnDataOrImperative_IsNoPolicyQuestion(string text) =>
        Assert.False(QuestionForm.Of(text).IsPolicyQuestion, text);

    [Fact]
    public void Of_OwnDataAndAWhy_IsMixed()
    {
        var form = QuestionForm.Of("our registration got rejected, why would that happen");

        Assert.True(form.IsMixed);
        Assert.False(form.IsPolicyQuestion);
    }
}
