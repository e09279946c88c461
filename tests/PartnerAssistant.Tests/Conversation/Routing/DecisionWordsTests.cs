using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.Tests.Conversation.Routing;

public sealed class DecisionWordsTests
{
    [Theory]
    [InlineData("decline DR-1041 under RoE-1, Bluewave was approved first")]
    [InlineData("DR-1044 clashes with an approved marketplace registration, decline it under RoE-1")]
    [InlineData("reject the claim on MDF-1, costs don't match the plan")]
    [InlineData("turn it down, the activity is next week")]
    [InlineData("DR-1044 is a no, another partner holds it")]
    [InlineData("send it back, invoices missing")]
    [InlineData("keep Bluewave at silver for now")]
    [InlineData("do not approve MDF-2, the plan is missing")]
    [InlineData("don't approve DR-1044, decline it under RoE-1")]
    public void Of_RefusingWords_Refuse(string text) => Assert.Equal(DecisionPolarity.Refuse, DecisionWords.Of(text));

    [Theory]
    [InlineData("MDF-2 approved at 9000")]
    [InlineData("the claim on MDF-4 checks out")]
    [InlineData("no conflict, approve DR-1042")]
    [InlineData("go ahead with Keystone's promotion")]
    [InlineData("I want DR-1044 approved, the customer isn't registered with anyone else")]
    [InlineData("mark MDF-2 approved, the other one is on hold")]
    public void Of_ApprovingWords_Approve(string text) => Assert.Equal(DecisionPolarity.Approve, DecisionWords.Of(text));

    [Theory]
    [InlineData("show my open registrations")]
    [InlineData("how long is a registration protected?")]
    public void Of_NoDecisionWord_IsNone(string text) => Assert.Equal(DecisionPolarity.None, DecisionWords.Of(text));
}
