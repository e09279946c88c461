using PartnerAssistant.Hosting;
using PartnerAssistant.Tests.Deals;
using PartnerAssistant.Trust;

namespace PartnerAssistant.Tests.Trust;

/// <summary>Access and portability: what the export holds, and who may ask for whose.</summary>
public sealed class PersonalDataExportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ExportAsync_DemoPartnerUser_HoldsTheirRegistrationsMdfRequestCertificationsAndQuestions(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        await TrustTestData.AskAsync(host, "lukas-meyer", "how do I claim MDF for a breakfast seminar?");

        var document = await host.Services.Get<PersonalDataService>().ExportAsync(PrivacyRequester.Of(await host.CallerAsync("maya-chen")), "lukas-meyer", true, Ct);
        var json = document.ToJson();

        Assert.Equal("Lukas Meyer", json["about"]!["displayName"]!.GetValue<string>());
        Assert.Equal("lukas.meyer@keystone.example", json["about"]!["email"]!.GetValue<string>());
        Assert.Equal("Keystone Integration Group", json["about"]!["organisation"]!["name"]!.GetValue<string>());
        Assert.Equal("maya-chen", json["requestedBy"]!.GetValue<string>());
        var sections = document.Sections.ToDictionary(s => s.Key);
        Assert.All(sections["deal_registrations"].Labels, label => Assert.Matches(@"^DR-\d{4}$", label));
        Assert.All(sections["deal_registrations"].Rows, row => Assert.Equal("lukas-meyer", row!["submitted_by"]!.GetValue<string>()));
        Assert.Contains("Edge AI breakfast seminar", sections["program_mdf_requests"].Rows.Select(r => r!["title"]!.GetValue<string>()));
        Assert.Contains("Data Fabric Professional", sections["program_certifications.holder"].Labels);
        Assert.Contains(sections["program_psat_responses"].Rows, r => r!["comment"]?.GetValue<string>() == "The new Edge Runtime courses helped our engineers.");
        Assert.Equal("how do I claim MDF for a breakfast seminar?", sections["knowledge_questions"].Rows.Single()!["question"]!.GetValue<string>());
        Assert.Equal("Lukas Meyer", sections["people"].Rows.Single()!["DisplayName"]!.GetValue<string>());
        Assert.Equal("30.00:00:00", json["retention"]!["transcripts"]!.GetValue<string>());
        Assert.DoesNotContain(document.Sections, s => s.Rows.Any(r => r!.ToJsonString().Contains("priya-patel", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ToCard_LukasMeyer_SummarisesEachKindWithItsCountAndLabels()
    {
        await using var host = await DealsTestHost.CreateAsync();

        var document = await host.Services.Get<PersonalDataService>().ExportAsync(PrivacyRequester.Of(await host.CallerAsync("lukas-meyer")), "lukas-meyer", false, Ct);
        var card = document.ToCard().ToJsonString();

        Assert.Contains("What Partner Assistant holds about Lukas Meyer", card);
        Assert.Matches(@"Deal registrations you submitted"",""value"":""\d+ \(DR-\d{4}", card);
        Assert.Contains("MDF-", card);
        Assert.Contains("Kept: conversations 30 days after their last message", card);
    }

    [Theory]
    [InlineData("lukas-meyer", "lukas-meyer", null)]
    [InlineData("maya-chen", "priya-patel", null)]
    [InlineData("tom-becker", "priya-patel", null)]
    [InlineData("tom-becker", "lukas-meyer", "There is no one with the id 'lukas-meyer' in Bluewave Solutions. Partner administrators can ask for the data of their own organisation's people only.")]
    [InlineData("tom-becker", "nobody-at-all", "There is no one with the id 'nobody-at-all' in Bluewave Solutions. Partner administrators can ask for the data of their own organisation's people only.")]
    [InlineData("priya-patel", "tom-becker", "You can ask for your own data only. A Northbeam channel manager can help with anyone else's.")]
    [InlineData("sam-rivera", "lukas-meyer", "You can ask for your own data only. A Northbeam channel manager can help with anyone else's.")]
    [InlineData("maya-chen", "nobody-at-all", "There is no one with the id 'nobody-at-all' in the directory.")]
    public async Task ExportAsync_Rights_SelfOwnOrganisationForPartnerAdminsAnyoneForChannelManagers(string requester, string subject, string? refusal)
    {
        await using var host = await DealsTestHost.CreateAsync();
        var service = host.Services.Get<PersonalDataService>();
        var asking = PrivacyRequester.Of(await host.CallerAsync(requester));

        var outcome = await Record.ExceptionAsync(() => service.ExportAsync(asking, subject, false, Ct));

        Assert.Equal(refusal, (outcome as PrivacyException)?.Message);
        Assert.True(outcome is null or PrivacyException);
    }
}
