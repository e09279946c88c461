using PartnerAssistant.Deals;

namespace PartnerAssistant.Tests.Deals;

public sealed class CustomerNamesTests
{
    [Theory]
    [InlineData("Contoso Ltd", "contoso")]
    [InlineData("CONTOSO LIMITED", "contoso")]
    [InlineData("Contoso", "contoso")]
    [InlineData("contoso.com", "contoso")]
    [InlineData("https://www.contoso.com/about", "contoso")]
    [InlineData("buyer@contoso.co.uk", "contoso")]
    [InlineData("Contoso, Ltd.", "contoso")]
    [InlineData("  The Contoso Corporation ", "contoso")]
    [InlineData("Fabrikam GmbH & Co. KG", "fabrikam")]
    [InlineData("Société Générale S.A.", "societe generale")]
    [InlineData("A. Datum Corporation", "a datum")]
    [InlineData("Margie's Travel", "margies travel")]
    [InlineData("Contoso Pharma", "contoso pharma")]
    [InlineData("Limited", "limited")]
    public void Normalize_SpellingsOfOneName_GiveOneKey(string name, string expected) =>
        Assert.Equal(expected, CustomerNames.Normalize(name));

    [Theory]
    [InlineData("contoso.com", "contoso.com")]
    [InlineData("http://contoso.com/x", "contoso.com")]
    [InlineData("ana@fabrikam.de", "fabrikam.de")]
    [InlineData("Contoso Ltd.", null)]
    [InlineData("S.A.", null)]
    [InlineData("A.Datum", null)]
    public void DomainOf_OnlyRealDomains_AreDomains(string text, string? expected) =>
        Assert.Equal(expected, CustomerNames.DomainOf(text));

    [Fact]
    public void Similarity_ContosoPharma_IsAPossibleMatchOfContoso_ButOtherCompaniesAreNot()
    {
        var pharma = CustomerNames.Similarity(CustomerNames.Normalize("Contoso Pharma"), CustomerNames.Normalize("Contoso Ltd"));
        var typo = CustomerNames.Similarity("contosso", "contoso");
        var unrelated = CustomerNames.Similarity("fabrikam", "contoso");
        var sisterCompany = CustomerNames.Similarity("contoso pharma", "contoso bank");
        var otherWord = CustomerNames.Similarity("alton foods", "alton farms");

        Assert.InRange(pharma, 0.85, 0.99);
        Assert.InRange(typo, 0.9, 0.999);
        Assert.InRange(unrelated, 0, 0.6);
        Assert.InRange(sisterCompany, 0, 0.8);
        Assert.InRange(otherWord, 0, 0.8);
        Assert.Equal(1, CustomerNames.Similarity("contoso", "contoso"));
    }

    [Fact]
    public void DisplayName_DomainOnly_BecomesTheNameLabel() =>
        Assert.Equal("Fabrikam", CustomerNames.DisplayName("fabrikam.com"));
}
