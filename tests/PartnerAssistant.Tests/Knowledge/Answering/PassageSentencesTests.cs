using PartnerAssistant.Knowledge.Answering;

namespace PartnerAssistant.Tests.Knowledge.Answering;

public sealed class PassageSentencesTests
{
    private const string Passage = """
        Gold requires a documented customer reference. Gold benefits:
        - 4 % MDF accrual on prior-year attributed revenue.
        - 12 % deal-registration discount off list.
        | tier | accrual |
        |---|---|
        | Silver | 3 % |
        | Gold | 4 % |
        How long are we protected? 90 days from approval.
        """;

    [Fact]
    public void Split_ListItemsAndTableRows_KeepTheirLeadInAndColumnNames()
    {
        var units = PassageSentences.Split(Passage);

        var leadIn = Assert.Single(units, u => u.Kind == SentenceKind.LeadIn);
        Assert.Equal("Gold benefits:", leadIn.Text);
        Assert.All(units.Where(u => u.Kind == SentenceKind.ListItem), u => Assert.Equal(leadIn.Index, u.LeadIn));
        Assert.Equal(["tier Silver — accrual: 3 %", "tier Gold — accrual: 4 %"], units.Where(u => u.Kind == SentenceKind.TableRow).Select(u => u.Text));
        Assert.Equal("How long are we protected?", Assert.Single(units, u => u.Kind == SentenceKind.Question).Text);
        Assert.Equal("90 days from approval.", units[^1].Text);
    }

    [Fact]
    public void EmbeddingTexts_ListItem_IsEmbeddedWithItsSectionAndLeadIn_AndTheHeadingComesLast()
    {
        var cut = PassageCut.Of(Guid.NewGuid(), Passage, "Partner tiers › Gold tier", "Tiers");

        Assert.Equal(cut.Units.Count + 1, cut.Texts.Count);
        Assert.Equal("Tiers — Gold tier", cut.Texts[^1]);
        Assert.Contains("Tiers — Gold tier: Gold benefits: 4 % MDF accrual on prior-year attributed revenue.", cut.Texts);
    }

    [Fact]
    public void Fingerprint_ChangesWithTheText_AndStartsWithTheCutVersion()
    {
        var a = PassageCut.Of(Guid.NewGuid(), Passage, "Gold tier", "Tiers");
        var b = PassageCut.Of(Guid.NewGuid(), Passage.Replace("12 %", "13 %", StringComparison.Ordinal), "Gold tier", "Tiers");

        Assert.NotEqual(a.Fingerprint, b.Fingerprint);
        Assert.StartsWith(PassageSentences.Version + ":", a.Fingerprint, StringComparison.Ordinal);
    }
}
