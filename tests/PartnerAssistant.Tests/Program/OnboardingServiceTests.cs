using System.Text;
using PartnerAssistant.Hosting;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;
using PartnerAssistant.Tests.Deals;

namespace PartnerAssistant.Tests.PartnerProgram;

/// <summary>Onboarding on SQLite and a real PostgreSQL server: invitation, the checklist in order, rights, reminders.</summary>
public sealed class OnboardingServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task InviteAsync_NewPartner_ChecklistHasOwnersAndDueDatesAndTheAdminIsWelcomed(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var maya = await host.CallerAsync("maya-chen");

        var view = await host.Onboarding.InviteAsync(maya, Invite("Fourth Coffee Systems"), Ct);
        var admin = await host.CallerAsync(view.PartnerAdminId!);
        var welcome = host.Messenger.To(view.PartnerAdminId!);

        var invited = DateOnly.FromDateTime(DealsTestHost.Start.UtcDateTime);
        Assert.Equal(
            [
                (OnboardingStepKind.Agreement, StepOwner.PartnerAdmin, invited.AddDays(7)),
                (OnboardingStepKind.Compliance, StepOwner.PartnerAdmin, invited.AddDays(14)),
                (OnboardingStepKind.Courses, StepOwner.PartnerUsers, invited.AddDays(30)),
                (OnboardingStepKind.Certification, StepOwner.PartnerUsers, invited.AddDays(45)),
                (OnboardingStepKind.FirstDeal, StepOwner.Partner, invited.AddDays(60)),
            ],
            view.Steps.Select(s => (s.Kind, s.Owner, s.DueOn)).ToList());
        Assert.All(view.Steps, s => Assert.False(s.Done));
        // Courses are assigned by partner type once compliance screening has passed.
        Assert.Empty(view.Courses);
        Assert.Equal((Role.PartnerAdmin, view.OrganisationId), (admin.Role, admin.OrganisationId));
        Assert.Contains("sign the partner agreement", Assert.Single(welcome).Text);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Checklist_AgreementAttestationsCoursesCertification_LeavesOnlyTheFirstDeal(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var maya = await host.CallerAsync("maya-chen");
        var view = await host.Onboarding.InviteAsync(maya, Invite("Fourth Coffee Systems"), Ct);
        var admin = await host.CallerAsync(view.PartnerAdminId!);
        var org = view.OrganisationId;

        await host.Onboarding.SignAgreementAsync(admin, org, null, Ct);
        foreach (var kind in Enum.GetValues<AttestationKind>())
        {
            var document = await host.Services.Get<ProgramDocuments>().StoreAsync(org, "attestation",
                new UploadedFile($"{kind}.pdf", "application/pdf", Encoding.UTF8.GetBytes("%PDF-1.4 signed " + kind)), admin.Person.Id, Ct);
            await host.Onboarding.RecordAttestationAsync(admin, org, kind, document.Id, null, Ct);
        }

        await host.Onboarding.CompleteCoursesAsync(admin, org, [], Ct);
        await host.Onboarding.RecordCertificationAsync(admin, org,
            new CertificationInput("Robin Lee", "robin.lee@fourthcoffee.example", "Data Fabric Associate", CertificationLevel.Associate, "NB-77881", DateOnly.FromDateTime(DealsTestHost.Start.UtcDateTime), null), Ct);
        var progress = await host.Onboarding.ProgressAsync(admin, org, Ct);

        Assert.Equal([true, true, true, true, false], progress.Steps.Select(s => s.Done).ToList());
        Assert.Equal(EnablementCatalog.For(PartnerType.SystemsIntegrator).Select(c => c.Code).Order(), progress.Courses.Select(c => c.Code).Order());
        Assert.All(progress.Courses, c => Assert.True(c.Done));
        Assert.Equal(OnboardingStepKind.FirstDeal, progress.Next!.Kind);
        Assert.All(progress.Attestations, a => Assert.True(a.Current));
        Assert.Equal(1, progress.CertifiedPeople);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Rights_AnotherPartnersAdminOrUser_CannotActOnOrReadTheOnboarding(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var maya = await host.CallerAsync("maya-chen");
        var view = await host.Onboarding.InviteAsync(maya, Invite("Fourth Coffee Systems"), Ct);
        var otherAdmin = await host.CallerAsync("tom-becker");
        var otherUser = await host.CallerAsync("priya-patel");

        await Assert.ThrowsAsync<ProgramAccessDeniedException>(() => host.Onboarding.SignAgreementAsync(otherAdmin, view.OrganisationId, null, Ct));
        await Assert.ThrowsAsync<ProgramAccessDeniedException>(() => host.Onboarding.ProgressAsync(otherUser, view.OrganisationId, Ct));
        await Assert.ThrowsAsync<ProgramAccessDeniedException>(() => host.Onboarding.InviteAsync(otherAdmin, Invite("Someone Else Ltd"), Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RecordAttestationAsync_BeforeTheAgreement_IsRefusedBecauseStepsRunInOrder(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var view = await host.Onboarding.InviteAsync(await host.CallerAsync("maya-chen"), Invite("Fourth Coffee Systems"), Ct);
        var admin = await host.CallerAsync(view.PartnerAdminId!);
        var document = await host.Services.Get<ProgramDocuments>().StoreAsync(view.OrganisationId, "attestation",
            new UploadedFile("esg.pdf", "application/pdf", Encoding.UTF8.GetBytes("%PDF-1.4 esg")), admin.Person.Id, Ct);

        var error = await Assert.ThrowsAsync<ProgramRuleException>(() => host.Onboarding.RecordAttestationAsync(admin, view.OrganisationId, AttestationKind.Esg, document.Id, null, Ct));

        Assert.Contains("sign the partner agreement first", error.Message);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RemindOverdueAsync_AgreementLate_RemindsThePartnerAdminOnceUntilTheRepeatInterval(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var view = await host.Onboarding.InviteAsync(await host.CallerAsync("maya-chen"), Invite("Fourth Coffee Systems"), Ct);
        host.Messenger.Clear();

        host.Time.Advance(TimeSpan.FromDays(8));
        var first = await host.Onboarding.RemindOverdueAsync(Ct);
        var again = await host.Onboarding.RemindOverdueAsync(Ct);
        var toAdmin = host.Messenger.To(view.PartnerAdminId!);

        Assert.Equal(1, first);
        Assert.Equal(0, again);
        var reminder = Assert.Single(toAdmin);
        Assert.Contains("**Partner agreement signed**", reminder.Text);
        Assert.Contains("1 day ago", reminder.Text);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RemindOverdueAsync_TwoPassesAtOnce_RemindEachOverdueStepOnce(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var view = await host.Onboarding.InviteAsync(await host.CallerAsync("maya-chen"), Invite("Fourth Coffee Systems"), Ct);
        host.Messenger.Clear();
        host.Time.Advance(TimeSpan.FromDays(8));

        // Two replicas' maintenance passes reaching the same overdue step together.
        var counts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => host.Onboarding.RemindOverdueAsync(Ct))));

        Assert.Equal(1, counts.Sum());
        Assert.Single(host.Messenger.To(view.PartnerAdminId!));
    }

    private static InviteRequest Invite(string name) => new()
    {
        Name = name, PartnerType = PartnerType.SystemsIntegrator, Region = "EMEA", AdminName = "Robin Lee", AdminEmail = "robin.lee@fourthcoffee.example",
    };
}
