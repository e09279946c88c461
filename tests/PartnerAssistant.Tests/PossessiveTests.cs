namespace PartnerAssistant.Tests;

public sealed class PossessiveTests
{
    [Theory]
    [InlineData("Keystone Integration Group", "Keystone Integration Group's")]
    [InlineData("Bluewave Solutions", "Bluewave Solutions'")]
    [InlineData("Harbor Managed Services", "Harbor Managed Services'")]
    [InlineData("ACME SYSTEMS", "ACME SYSTEMS'")]
    public void Of_Name_TakesTheApostropheAloneAfterAnS(string name, string expected) =>
        Assert.Equal(expected, Possessive.Of(name));
}
