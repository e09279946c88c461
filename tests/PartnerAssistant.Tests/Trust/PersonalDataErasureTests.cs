using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Conversation;
using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;
using PartnerAssistant.Tests.Deals;
using PartnerAssistant.Trust;

namespace PartnerAssistant.Tests.Trust;

/// <summary>Erasure on SQLite and on a real PostgreSQL server: what goes, what stays pseudonymised, and the bad requests.</summary>
public sealed class PersonalDataErasureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EraseAsync_DemoPartnerUser_DeletesTheirOwnRecordsAndPseudonymisesTheBusinessRecordsThatStay(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var lukas = await host.CallerAsync("lukas-meyer");
        var maya = await host.CallerAsync("maya-chen");
        var registered = await host.Registry.RegisterAsync(lukas, DealsTestHost.Request("Wingtip Toys"), Ct);
        await host.Registry.DecideAsync(maya, registered.Registration.Number, approve: true, "Checked with Lukas Meyer (lukas.meyer@keystone.example) by phone.", null, Ct);
        var question = await TrustTestData.AskAsync(host, "lukas-meyer", "Can Lukas Meyer claim MDF for a breakfast seminar?");
        await host.Services.Get<KnowledgeRegistry>().RecordFeedbackAsync(question, "lukas-meyer", false, "It missed the catering rule", Ct);
        await host.Services.Get<ConversationStore>().SaveUserAsync("lukas-meyer", new Dictionary<string, string> { ["greeted"] = "yes" }, Ct);

        var erased = await host.Services.Get<PersonalDataEraser>().EraseAsync(PrivacyRequester.Of(maya), "lukas-meyer", Ct);
        host.Time.Advance(TimeSpan.FromMinutes(3));
        await host.Services.Get<RetentionService>().RunAsync(Ct);
        var record = (await host.Services.Get<ErasureRegister>().GetAsync(erased.Number, Ct))!;

        // The user state just saved counts as activity: the maintenance pass runs the final pass two minutes later.
        Assert.Equal(ErasureRow.Erased, erased.State);
        Assert.Equal(DealsTestHost.Start.AddMinutes(2), erased.FinalPassDue);
        Assert.Contains("a final pass at 09:02:00 UTC", erased.Describe());
        Assert.Equal(ErasureRow.Completed, record.State);
        Assert.Equal("former partner user #" + record.Number, record.Pseudonym);
        Assert.Null(await host.Services.Get<DirectoryService>().FindByPersonIdAsync("lukas-meyer", Ct));
        await using var scope = host.Services.Services.CreateAsyncScope();
        var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var kept = await deals.Registrations.AsNoTracking().SingleAsync(r => r.Number == registered.Registration.Number, Ct);
        Assert.Equal(record.Pseudonym, kept.SubmittedBy);
        Assert.Equal("Wingtip Toys", kept.CustomerName);
        Assert.False(await deals.Registrations.AnyAsync(r => r.SubmittedBy == "lukas-meyer", Ct));
        var decision = await deals.Decisions.AsNoTracking().SingleAsync(d => d.RegistrationId == kept.Id, Ct);
        Assert.Equal($"Checked with {record.Pseudonym} ({record.Pseudonym}) by phone.", decision.Reason);
        Assert.Equal("maya-chen", decision.DecidedBy);
        Assert.Contains(await deals.Audit.AsNoTracking().Where(a => a.RegistrationNumber == kept.Number).ToListAsync(Ct), a => a.Actor == record.Pseudonym);
        Assert.False(await deals.Audit.AnyAsync(a => a.Actor == "lukas-meyer", Ct));

        var knowledge = scope.ServiceProvider.GetRequiredService<KnowledgeDbContext>();
        Assert.False(await knowledge.Questions.AnyAsync(q => q.PersonId == "lukas-meyer" || q.Id == question, Ct));
        Assert.False(await knowledge.Feedback.AnyAsync(f => f.QuestionId == question, Ct));

        var program = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var certification = await program.Certifications.AsNoTracking().SingleAsync(c => c.OrganisationId == "keystone" && c.HolderName == record.Pseudonym, Ct);
        Assert.Equal(record.Pseudonym, certification.HolderKey);
        Assert.False(await program.Certifications.AnyAsync(c => c.HolderName == "Lukas Meyer", Ct));
        var mdf = await program.MdfRequests.AsNoTracking().SingleAsync(r => r.Title == "Edge AI breakfast seminar", Ct);
        Assert.Equal(record.Pseudonym, mdf.RequestedBy);
        var psat = await program.PsatResponses.AsNoTracking().Where(r => r.OrganisationId == "keystone").ToListAsync(Ct);
        Assert.NotEmpty(psat);
        Assert.All(psat, r => Assert.Equal(record.Pseudonym, r.PersonId));
        Assert.All(psat, r => Assert.Null(r.Comment));
        Assert.All(psat, r => Assert.InRange(r.Overall, 1, 10));

        var conversation = scope.ServiceProvider.GetRequiredService<ConversationDbContext>();
        Assert.False(await conversation.States.AnyAsync(s => s.Key == "lukas-meyer", Ct));

        var summary = record.Summary!;
        Assert.Equal(1, summary["deleted"]!["people"]!.GetValue<int>());
        Assert.True(summary["deleted"]!["knowledge_questions"]!.GetValue<int>() >= 1);
        Assert.True(summary["pseudonymised"]!["deal_registrations.submitted_by"]!.GetValue<int>() >= 2);
        Assert.True(summary["mentionsReplaced"]!["deal_decisions.reason"]!.GetValue<int>() >= 2);
        Assert.DoesNotContain("lukas", record.ToJson().ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("meyer", record.ToJson().ToJsonString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EraseAsync_SecondRequestForTheSamePerson_SaysWhenItWasErasedWithoutNamingThem(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var eraser = host.Services.Get<PersonalDataEraser>();
        var first = await eraser.EraseAsync(PrivacyRequester.Of(await host.CallerAsync("maya-chen")), "lukas-meyer", Ct);

        var again = await Assert.ThrowsAsync<PrivacyException>(() => eraser.EraseAsync(PrivacyRequester.Operator("cli:ops"), "lukas-meyer", Ct));
        var export = await Assert.ThrowsAsync<PrivacyException>(() =>
            host.Services.Get<PersonalDataService>().ExportAsync(PrivacyRequester.Operator("cli:ops"), "lukas-meyer", false, Ct));

        Assert.Equal(PrivacyProblem.AlreadyErased, again.Problem);
        Assert.Contains($"\"{first.Pseudonym}\"", again.Message);
        Assert.Contains("at the request of maya-chen", again.Message);
        Assert.Equal(PrivacyProblem.AlreadyErased, export.Problem);
        Assert.Single(await host.Services.Get<ErasureRegister>().ListAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EraseAsync_TwoRequestsAtOnce_EraseOnceAndTheOtherHearsItWasErased(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var eraser = host.Services.Get<PersonalDataEraser>();
        var maya = PrivacyRequester.Of(await host.CallerAsync("maya-chen"));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Outcome(() => eraser.EraseAsync(maya, "lukas-meyer", Ct))));

        Assert.Single(attempts, a => a is ErasureRecord);
        Assert.Single(attempts, a => a is PrivacyException { Problem: PrivacyProblem.AlreadyErased });
        Assert.Single(await host.Services.Get<ErasureRegister>().ListAsync(Ct));
    }

    [Fact]
    public async Task EraseAsync_UnknownPerson_SaysThereIsNoOneWithThatIdAndWritesNothing()
    {
        await using var host = await DealsTestHost.CreateAsync();
        var maya = PrivacyRequester.Of(await host.CallerAsync("maya-chen"));

        var error = await Assert.ThrowsAsync<PrivacyException>(() => host.Services.Get<PersonalDataEraser>().EraseAsync(maya, "no-such-person", Ct));

        Assert.Equal(PrivacyProblem.UnknownPerson, error.Problem);
        Assert.Equal("There is no one with the id 'no-such-person' in the directory.", error.Message);
        Assert.Empty(await host.Services.Get<ErasureRegister>().ListAsync(Ct));
    }

    [Fact]
    public async Task EraseAsync_PartnerAdministrator_IsRefusedEvenForTheirOwnPeopleAndNothingChanges()
    {
        await using var host = await DealsTestHost.CreateAsync();
        var tom = PrivacyRequester.Of(await host.CallerAsync("tom-becker"));

        var own = await Assert.ThrowsAsync<PrivacyException>(() => host.Services.Get<PersonalDataEraser>().EraseAsync(tom, "priya-patel", Ct));
        var other = await Assert.ThrowsAsync<PrivacyException>(() => host.Services.Get<PersonalDataEraser>().EraseAsync(tom, "lukas-meyer", Ct));

        Assert.Equal(PrivacyProblem.NotAllowed, own.Problem);
        Assert.StartsWith("Only a Northbeam channel manager can erase someone's data", own.Message);
        Assert.Equal(own.Message, other.Message);
        Assert.NotNull(await host.Services.Get<DirectoryService>().FindByPersonIdAsync("priya-patel", Ct));
        Assert.Empty(await host.Services.Get<ErasureRegister>().ListAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EraseAsync_ACapabilityFailsHalfway_RollsEverythingBack(DatabaseProvider provider)
    {
        await using var services = await Infrastructure.AssistantServices.CreateAsync(provider, configure: s => s.AddSingleton<IPersonalDataSource, FailingSource>());
        var maya = (await services.Get<DirectoryService>().FindByPersonIdAsync("maya-chen", Ct))!;

        await Assert.ThrowsAsync<InvalidOperationException>(() => services.Get<PersonalDataEraser>().EraseAsync(PrivacyRequester.Of(maya), "lukas-meyer", Ct));

        Assert.NotNull(await services.Get<DirectoryService>().FindByPersonIdAsync("lukas-meyer", Ct));
        await using var scope = services.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<DealsDbContext>().Registrations.AnyAsync(r => r.SubmittedBy == "lukas-meyer", Ct));
        Assert.True(await scope.ServiceProvider.GetRequiredService<ProgramDbContext>().Certifications.AnyAsync(c => c.HolderName == "Lukas Meyer", Ct));
        Assert.Empty(await services.Get<ErasureRegister>().ListAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AuditLogs_OutsideAnErasure_StillRefuseEveryChangeAndDelete(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        await host.Registry.RegisterAsync(await host.CallerAsync("lukas-meyer"), DealsTestHost.Request("Wingtip Toys"), Ct);
        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>().Database;

        foreach (var statement in new[]
        {
            "UPDATE deal_audit SET actor = 'someone-else' WHERE actor = 'lukas-meyer'",
            "DELETE FROM deal_audit WHERE actor = 'lukas-meyer'",
            "UPDATE program_audit SET reason = 'rewritten'",
            "DELETE FROM program_audit",
        })
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => db.ExecuteSqlRawAsync(statement, Ct));
            Assert.Contains("append-only", error.Message);
        }
    }

    private static async Task<object> Outcome(Func<Task<ErasureRecord>> erase)
    {
        try
        {
            return await erase();
        }
        catch (PrivacyException ex)
        {
            return ex;
        }
    }

    /// <summary>A capability whose erasure fails after the others have done theirs.</summary>
    private sealed class FailingSource : IPersonalDataSource
    {
        public string Name => "failing";

        public IReadOnlyList<string> PersonColumns => [];

        public Task ExportAsync(PersonalDataExport export, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken) =>
            erasure.Deleted.Count > 0 ? throw new InvalidOperationException("The disk is full.") : Task.CompletedTask;
    }
}
