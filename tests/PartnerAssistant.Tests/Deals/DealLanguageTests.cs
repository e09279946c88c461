using PartnerAssistant.Deals;
using PartnerAssistant.People;

namespace PartnerAssistant.Tests.Deals;

public sealed class DealLanguageTests
{
    private static readonly DateOnly Today = new(2026, 11, 24);
    private static readonly IReadOnlyList<Organisation> Partners = DemoDirectory.Organisations(DateTimeOffset.UnixEpoch).ToList();
    private static readonly Organisation Bluewave = Partners.Single(p => p.Id == "bluewave");

    [Fact]
    public void ParseRegistration_TheIssueExample_PrefillsCustomerOpportunityProductAmountAndLastDayOfNextMarch()
    {
        var draft = DealLanguage.ParseRegistration("register a deal for Contoso, Azure migration, about 250k, closing in March", Today, Bluewave, Partners);

        Assert.Equal("Contoso", draft.Customer);
        Assert.Equal("Azure migration", draft.Opportunity);
        Assert.Equal(Products.CloudMigration, draft.Products);
        Assert.Equal(250_000m, draft.Amount);
        Assert.Null(draft.Currency);
        Assert.Equal(new DateOnly(2027, 3, 31), draft.ExpectedClose);
    }

    [Theory]
    [InlineData("register it for Edge Runtime, 55k", "")]
    [InlineData("register a deal for Northbeam AI Studio, 40k", "")]
    [InlineData("register a deal for 50k", "")]
    [InlineData("register Pinewood Logistics for Edge Runtime, 55k", "Pinewood Logistics")]
    [InlineData("register Pinewood Logistics for 55k", "Pinewood Logistics")]
    public void ParseRegistration_ProductPronounOrAmountAfterFor_IsNoCustomer(string utterance, string customer)
    {
        var draft = DealLanguage.ParseRegistration(utterance, Today, Bluewave, Partners);

        Assert.Equal(customer, draft.Customer);
    }

    [Fact]
    public void ParseRegistration_RoleAndOtherPartners_AreToldApart()
    {
        var draft = DealLanguage.ParseRegistration(
            "register a deal for Woodgrove Bank, risk models on AI Studio, €300,000, close 15 January, we are the reseller, with Meridian as influence and Vectorline",
            Today, Bluewave, Partners);

        Assert.Equal("Woodgrove Bank", draft.Customer);
        Assert.Equal(PartnerRole.Reseller, draft.Role);
        Assert.Equal((300_000m, "EUR"), (draft.Amount!.Value, draft.Currency));
        Assert.Equal(new DateOnly(2027, 1, 15), draft.ExpectedClose);
        Assert.Equal(Products.AiStudio, draft.Products);
        Assert.Equal([new InvolvedPartner("meridian", PartnerRole.Influence), new InvolvedPartner("vectorline", PartnerRole.IsvComponent)], draft.OtherPartners);
    }

    [Theory]
    [InlineData("about 250k", 250_000, null)]
    [InlineData("$1.2m", 1_200_000, "USD")]
    [InlineData("€300,000", 300_000, "EUR")]
    [InlineData("300000 EUR", 300_000, "EUR")]
    [InlineData("1.5 million dollars", 1_500_000, "USD")]
    [InlineData("£75k", 75_000, "GBP")]
    [InlineData("worth 120000 XYZ", 120_000, "XYZ")]
    [InlineData("minus 5000 USD", -5_000, "USD")]
    public void FindMoney_CommonWaysToWriteAmounts(string text, double amount, string? currency)
    {
        var money = DealLanguage.FindMoney(text);

        Assert.Equal((decimal)amount, money!.Amount);
        Assert.Equal(currency, money.Currency);
    }

    [Theory]
    [InlineData("closing in 2027")]
    [InlineData("DR-1042 status")]
    [InlineData("closing 15 March")]
    [InlineData("for 3 partners")]
    public void FindMoney_YearsDatesNumbersAndSmallCounts_AreNotMoney(string text) =>
        Assert.Null(DealLanguage.FindMoney(text));

    [Theory]
    [InlineData("closing in March", "2027-03-31")]
    [InlineData("closing in december", "2026-12-31")]
    [InlineData("close in November", "2026-11-30")]
    [InlineData("closing 2027-02-14", "2027-02-14")]
    [InlineData("by June 30 2027", "2027-06-30")]
    [InlineData("expected Q1", "2027-03-31")]
    [InlineData("Q4 2026", "2026-12-31")]
    [InlineData("next month", "2026-12-31")]
    public void FindCloseDate_MonthsQuartersAndDates(string text, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), DealLanguage.FindCloseDate(text, Today));

    [Theory]
    [InlineData("is Fabrikam registered?", "Fabrikam")]
    [InlineData("is anyone registered on Tailspin Toys?", "Tailspin Toys")]
    [InlineData("who is working on Contoso?", "Contoso")]
    [InlineData("who else touches the Woodgrove Bank account", "Woodgrove Bank")]
    [InlineData("are there registrations for contoso.com", "contoso.com")]
    [InlineData("Sable Freight: which partners are engaged there?", "Sable Freight")]
    [InlineData("Pinewood Logistics, anyone on it?", "Pinewood Logistics")]
    [InlineData("Pincrest Dental - do we or any other partner have a registration on them?", "Pincrest Dental")]
    [InlineData("has Sable Freight been registered by anyone?", "Sable Freight")]
    [InlineData("is Larkspur Veterinary already someone's customer in deal registration?", "Larkspur Veterinary")]
    [InlineData("before I go after Pinewood Logistics: does another partner already have it locked?", "Pinewood Logistics")]
    [InlineData("before pitching Kettle Point Foods, is anyone else on it?", "Kettle Point Foods")]
    [InlineData("who's on Blue Yonder rn", "Blue Yonder")]
    public void FindCustomerInQuestion_TheCustomerAskedAbout(string text, string expected) =>
        Assert.Equal(expected, DealLanguage.FindCustomerInQuestion(text));

    [Theory]
    [InlineData("Thanks, which partners are engaged there?")]
    [InlineData("Hi Sam, anyone on it?")]
    [InlineData("Question: who is working there?")]
    [InlineData("DR-1042: who else touched it?")]
    [InlineData("what happens after approval?")]
    [InlineData("should I call the channel manager first?")]
    public void FindCustomerInQuestion_AGreetingHeadingOrNumberFirst_IsNoCustomer(string text) =>
        Assert.Null(DealLanguage.FindCustomerInQuestion(text));

    [Theory]
    [InlineData("this quarter", "2026-10-01", "2026-12-31")]
    [InlineData("last quarter", "2026-07-01", "2026-09-30")]
    [InlineData("Q1 2026", "2026-01-01", "2026-03-31")]
    [InlineData("in 2025", "2025-01-01", "2025-12-31")]
    [InlineData("last 90 days", "2026-08-26", "2026-11-24")]
    public void FindPeriod_NamedPeriods(string text, string from, string to)
    {
        var period = DealLanguage.FindPeriod(text, Today);

        Assert.Equal((DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture)), period);
    }
}
