using PartnerAssistant.Conversation.LanguageModel;

namespace PartnerAssistant.Tests.Conversation.LanguageModel;

public sealed class CitationsTests
{
    [Fact]
    public void Renumber_InventedMarker_IsDropped_AndRealOnesRenumberedInOrderOfUse()
    {
        var (text, kept) = Citations.Renumber("Gold needs ten certified people [3]. MDF is quarterly [9]. Claims close in 60 days [1][3].", new HashSet<int> { 1, 2, 3 });

        Assert.Equal("Gold needs ten certified people [1]. MDF is quarterly. Claims close in 60 days [2][1].", text);
        Assert.Equal([3, 1], kept);
    }

    [Fact]
    public void KeepKnown_UnknownMarker_IsDropped_KnownKeepTheirNumbers()
    {
        var text = Citations.KeepKnown("Protected for 90 days [2], renewable twice [5].", new HashSet<int> { 2 });

        Assert.Equal("Protected for 90 days [2], renewable twice.", text);
    }
}
