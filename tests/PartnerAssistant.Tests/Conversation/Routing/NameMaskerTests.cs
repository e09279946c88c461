using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.Tests.Conversation.Routing;

public sealed class NameMaskerTests
{
    private static readonly NameMasker Masker = new(["Gold", "Data", "Fabric", "RoE"]);

    [Theory]
    [InlineData("is Wingtip Toys registered already?", "is Contoso registered already?")]
    [InlineData("who's involved at Woodgrove Bank", "who's involved at Contoso")]
    [InlineData("approve DR-1036 under RoE-6", "approve DR-1042 under RoE-6")]
    [InlineData("what is Fabrikam's Data Fabric renewal worth", "what is Contoso's Data Fabric renewal worth")]
    public void Mask_NamesAndNumbers_BecomeOnePlaceholderEach(string utterance, string expected) =>
        Assert.Equal(expected, Masker.Mask(utterance));

    [Theory]
    [InlineData("what's MDF-1's status")]
    [InlineData("What does Gold tier require in EMEA?")]
    [InlineData("how do we handle GDPR for an EU customer")]
    [InlineData("Register a Data Fabric deal")]
    public void Mask_SentenceStartsAcronymsAndExampleWords_StayAsTyped(string utterance) =>
        Assert.Equal(utterance, Masker.Mask(utterance));
}
