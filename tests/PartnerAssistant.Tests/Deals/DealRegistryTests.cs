using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.Tests.Deals;

/// <summary>The registry against SQLite and a real PostgreSQL server: the same tests for both.</summary>
public sealed class DealRegistryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SeedDemo_FirstRun_NumbersFromDR1001AndDR1042IsBluewavesContosoRegistration(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var manager = await host.CallerAsync("maya-chen");

        var all = await host.Registry.ListAsync(manager, new RegistrationFilter { Limit = 1000 }, Ct);
        var dr1042 = await host.Registry.FindAsync(manager, 1042, Ct);

        Assert.InRange(all.Count, 40, 50);
        Assert.Equal(1001, all.Min(r => r.Number));
        Assert.Equal("bluewave", dr1042.PartnerId);
        Assert.Equal("Contoso", dr1042.Customer.Split(' ')[0]);
        Assert.Equal(RegistrationStatus.Approved, dr1042.Status);
        Assert.Contains(all, r => r.Status == RegistrationStatus.Won);
        Assert.Contains(all, r => r.Status == RegistrationStatus.Lost);
        Assert.Equal(RegistrationStatus.UnderReview, all.Single(r => r.Number == 1044).Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_NoConflict_GetsNextNumberAndIsSubmittedWithDecisionDueInTwoBusinessDays(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var priya = await host.CallerAsync("priya-patel");

        var result = await host.Registry.RegisterAsync(priya, DealsTestHost.Request("Graphic Design Institute"), Ct);

        Assert.Equal("DR-1045", result.Registration.NumberText);
        Assert.Equal(RegistrationStatus.Submitted, result.Registration.Status);
        Assert.False(result.Duplicate);
        // Tuesday 24 November + 2 business days = Thursday 26 November.
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), result.Registration.ReviewDueAt);
        var touch = Assert.Single(result.Registration.Touches);
        Assert.Equal(("bluewave", PartnerRole.Reseller), (touch.PartnerId, touch.Role));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_EveryField_ReadsBackAsSubmitted(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var priya = await host.CallerAsync("priya-patel");
        var manager = await host.CallerAsync("maya-chen");
        var close = DateOnly.FromDateTime(DealsTestHost.Start.UtcDateTime).AddDays(100);

        var result = await host.Registry.RegisterAsync(priya, new RegistrationRequest
        {
            Customer = "Humongous Insurance Group plc",
            CustomerDomain = "humongousinsurance.com",
            Opportunity = "Claims analytics – phase 2",
            Products = Products.AiStudio | Products.EdgeRuntime,
            Amount = 123_456.78m,
            Currency = "eur",
            ExpectedClose = close,
            Role = PartnerRole.Reseller,
            OtherPartners = [new InvolvedPartner("meridian", PartnerRole.Influence), new InvolvedPartner("vectorline", PartnerRole.IsvComponent)],
            SubmissionKey = "every-field",
        }, Ct);
        var stored = await host.Registry.FindAsync(manager, result.Registration.Number, Ct);
        var audit = await host.Registry.AuditAsync(manager, result.Registration.Number, Ct);
        var again = await host.Registry.IsRegisteredAsync(priya, "humongousinsurance.com", Ct);

        Assert.Equal(("bluewave", "priya-patel", "Humongous Insurance Group plc", "Claims analytics – phase 2"), (stored.PartnerId, stored.SubmittedBy, stored.Customer, stored.Opportunity));
        Assert.Equal((Products.AiStudio | Products.EdgeRuntime, 123_456.78m, "EUR", close, PartnerRole.Reseller), (stored.Products, stored.Amount, stored.Currency, stored.ExpectedClose, stored.Role));
        Assert.Equal((RegistrationStatus.Submitted, DealsTestHost.Start, (DateTimeOffset?)null, false), (stored.Status, stored.SubmittedAt, stored.ProtectedUntil, stored.Extended));
        Assert.Equal(
            [("bluewave", PartnerRole.Reseller, TouchSource.Registration), ("meridian", PartnerRole.Influence, TouchSource.Listed), ("vectorline", PartnerRole.IsvComponent, TouchSource.Listed)],
            stored.Touches.Select(t => (t.PartnerId, t.Role, t.Source)));
        Assert.All(stored.Touches, t => Assert.Equal(DateOnly.FromDateTime(DealsTestHost.Start.UtcDateTime), t.TouchedOn));
        var submitted = Assert.Single(audit);
        Assert.Equal(("submitted", "priya-patel", "partner-user", RegistrationStatus.Submitted), (submitted.Action, submitted.Actor, submitted.ActorRole, submitted.ToStatus!.Value));
        Assert.Contains("\"submissionKey\":\"every-field\"", submitted.Details);
        // The new customer is known by its domain from now on.
        Assert.Equal(result.Registration.Number, Assert.Single(again.Own).Number);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_KeystoneResellerOnContoso_GoesToReviewCitingRoE1WithoutNamingBluewave(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var lukas = await host.CallerAsync("lukas-meyer");

        var result = await host.Registry.RegisterAsync(lukas, DealsTestHost.Request("CONTOSO LIMITED", PartnerRole.Reseller, Products.CloudMigration), Ct);

        var view = result.Registration;
        Assert.Equal(RegistrationStatus.UnderReview, view.Status);
        Assert.Equal("RoE-1", view.ConflictRule);
        Assert.Contains("RoE-1 (First approved registration wins)", view.ConflictReason);
        Assert.DoesNotContain("Bluewave", view.ConflictReason);
        Assert.DoesNotContain("DR-1042", view.ConflictReason);
        Assert.Empty(view.ConflictsWith);

        // The channel manager gets the approval card with the evidence: the other registration and partner.
        var toManager = Assert.Single(await host.MessagesToAsync("maya-chen"));
        Assert.Contains("DR-1042", toManager.Text);
        var card = toManager.Cards.Single().ToJsonString();
        Assert.Contains("Bluewave Solutions", card);
        Assert.Contains("Deals.Approve", card);
        Assert.Contains("Deals.Reject", card);
        Assert.Contains("RoE-4", card);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_IntegrationRoleOnProtectedCustomer_CoexistsUnderRoE2(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var lukas = await host.CallerAsync("lukas-meyer");

        var result = await host.Registry.RegisterAsync(lukas, DealsTestHost.Request("contoso.com", PartnerRole.Integration, Products.DataFabric), Ct);

        Assert.Equal(RegistrationStatus.Submitted, result.Registration.Status);
        Assert.Contains("RoE-2", result.CoexistenceNote);
        Assert.DoesNotContain("Bluewave", result.CoexistenceNote);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_MarketplaceAgainstReseller_IsNoConflictUnderRoE5(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var skyway = await host.PartnerUserAsync("skyway");

        var result = await host.Registry.RegisterAsync(skyway, DealsTestHost.Request("Contoso", PartnerRole.Marketplace, Products.DataFabric), Ct);

        Assert.Equal(RegistrationStatus.Submitted, result.Registration.Status);
        Assert.Contains("RoE-5", result.CoexistenceNote);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_SpellingsOfOneCustomer_AreOneCustomer_ButContosoPharmaIsOnlyFlagged(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider, seedDemo: false);
        var priya = await host.CallerAsync("priya-patel");
        var lukas = await host.CallerAsync("lukas-meyer");
        var sam = await host.CallerAsync("sam-rivera");
        var manager = await host.CallerAsync("maya-chen");
        var first = await host.Registry.RegisterAsync(priya, DealsTestHost.Request("Contoso Ltd"), Ct);
        await host.Registry.DecideAsync(manager, first.Registration.Number, approve: true, null, null, Ct);

        var spellings = new List<RegistrationResult>();
        foreach (var name in new[] { "CONTOSO LIMITED", "Contoso", "contoso.com", "Contoso, Ltd." })
        {
            spellings.Add(await host.Registry.RegisterAsync(lukas, DealsTestHost.Request(name, PartnerRole.Integration), Ct));
        }

        var pharma = await host.Registry.RegisterAsync(lukas, DealsTestHost.Request("Contoso Pharma", PartnerRole.Reseller), Ct);

        var activity = await host.Registry.WhoIsWorkingOnAsync(sam, "contoso", Ct);
        Assert.Equal(["Contoso Ltd"], activity.Customers);
        Assert.Equal(5, activity.Registrations.Count);
        Assert.All(spellings, s => Assert.Equal("Contoso Ltd", s.Registration.Customer));
        Assert.Equal(["Contoso Pharma"], activity.PossibleMatches);
        Assert.Equal("Contoso Pharma", pharma.Registration.Customer);
        Assert.True(pharma.Registration.FlaggedPossibleMatch);
        // Same transacting role on a possible match of a protected customer: a person decides whether it is the same company.
        Assert.Equal(RegistrationStatus.UnderReview, pharma.Registration.Status);
        Assert.Contains("close to another customer", pharma.Registration.ConflictReason);
        Assert.Equal("Contoso Ltd", (await host.Registry.FindAsync(manager, pharma.Registration.Number, Ct)).PossibleMatch);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_SameSubmissionTwentyTimesAtOnce_CreatesExactlyOneRegistration(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var priya = await host.CallerAsync("priya-patel");
        var request = DealsTestHost.Request("Fourth Coffee Roasters", key: "card-submit-7f3a");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => host.Registry.RegisterAsync(priya, request, Ct), Ct)));

        Assert.Single(results.Select(r => r.Registration.Number).Distinct());
        Assert.Equal(19, results.Count(r => r.Duplicate));
        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        Assert.Equal(1, await db.Registrations.CountAsync(r => r.SubmissionKey == "card-submit-7f3a", Ct));
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "submitted" && a.RegistrationNumber == results[0].Registration.Number, Ct));
        Assert.Single(await host.MessagesToAsync("maya-chen"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_ManyDifferentSubmissionsAtOnce_GetDistinctConsecutiveNumbers(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var priya = await host.CallerAsync("priya-patel");
        var lukas = await host.CallerAsync("lukas-meyer");

        var results = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            host.Registry.RegisterAsync(i % 2 == 0 ? priya : lukas, DealsTestHost.Request($"Customer {i:00} Holdings", i % 2 == 0 ? PartnerRole.Reseller : PartnerRole.Integration), Ct), Ct)));

        var numbers = results.Select(r => r.Registration.Number).Order().ToList();
        Assert.Equal(Enumerable.Range(1045, 24).Select(n => (long)n), numbers);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SameKeyFromAnotherOrganisation_IsItsOwnSubmission(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var priya = await host.CallerAsync("priya-patel");
        var lukas = await host.CallerAsync("lukas-meyer");
        var mine = await host.Registry.RegisterAsync(priya, DealsTestHost.Request("Relecloud Labs", key: "shared-key"), Ct);

        // Reusing another organisation's key must neither reveal nor return its registration.
        var theirs = await host.Registry.RegisterAsync(lukas, DealsTestHost.Request("Wingtip Labs", PartnerRole.Integration, key: "shared-key"), Ct);

        Assert.False(theirs.Duplicate);
        Assert.NotEqual(mine.Registration.Number, theirs.Registration.Number);
        Assert.Equal("keystone", theirs.Registration.PartnerId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task PartnerCallers_NeverSeeAnotherOrganisationsRegistrations(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var lukas = await host.CallerAsync("lukas-meyer");

        var bluewavesNumber = await Assert.ThrowsAsync<DealNotFoundException>(() => host.Registry.FindAsync(lukas, 1042, Ct));
        var missingNumber = await Assert.ThrowsAsync<DealNotFoundException>(() => host.Registry.FindAsync(lukas, 9999, Ct));
        var filteredForBluewave = await host.Registry.ListAsync(lukas, new RegistrationFilter { PartnerId = "bluewave", Limit = 1000 }, Ct);
        var all = await host.Registry.ListAsync(lukas, new RegistrationFilter { Limit = 1000 }, Ct);
        var byCustomer = await host.Registry.ListAsync(lukas, new RegistrationFilter { Customer = "Contoso", Limit = 1000 }, Ct);

        Assert.Equal(bluewavesNumber.Message.Replace("1042", "N"), missingNumber.Message.Replace("9999", "N"));
        Assert.Empty(filteredForBluewave);
        Assert.NotEmpty(all);
        Assert.All(all, r => Assert.Equal("keystone", r.PartnerId));
        Assert.Empty(byCustomer);
        await Assert.ThrowsAsync<DealNotFoundException>(() => host.Registry.ExtendAsync(lukas, 1042, null, Ct));
        await Assert.ThrowsAsync<DealNotFoundException>(() => host.Registry.RecordOutcomeAsync(lukas, 1042, won: false, null, null, Ct));
        await Assert.ThrowsAsync<DealNotFoundException>(() => host.Registry.RecordTouchAsync(lukas, 1042, "keystone", PartnerRole.Integration, null, Ct));
        await Assert.ThrowsAsync<DealAccessDeniedException>(() => host.Registry.WhoIsWorkingOnAsync(lukas, "Contoso", Ct));
        await Assert.ThrowsAsync<DealAccessDeniedException>(() => host.Registry.AuditAsync(lukas, 1042, Ct));
        await Assert.ThrowsAsync<DealAccessDeniedException>(() => host.Registry.ExportCsvAsync(lukas, new StringWriter(), Ct));
        await Assert.ThrowsAsync<DealAccessDeniedException>(() => host.Attribution.RevenueAsync(lukas, AttributionModel.Linear, null, null, Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task IsRegisteredAsync_OtherPartnersRegistration_IsCountedButNotNamed(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var priya = await host.CallerAsync("priya-patel");

        var fabrikam = await host.Registry.IsRegisteredAsync(priya, "Fabrikam", Ct);
        var contoso = await host.Registry.IsRegisteredAsync(priya, "contoso.com", Ct);
        var unknown = await host.Registry.IsRegisteredAsync(priya, "Nobody Such Company", Ct);

        Assert.Empty(fabrikam.Own);
        Assert.Equal(3, fabrikam.ActiveByOthers);
        Assert.DoesNotContain("skyway", JsonSerializer.Serialize(fabrikam), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("harbor", JsonSerializer.Serialize(fabrikam), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("DR-1042", Assert.Single(contoso.Own).NumberText);
        Assert.Equal(0, unknown.ActiveByOthers);
        Assert.Null(unknown.Customer);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DecideAsync_ManagerApproves_ProtectsForNinetyDaysAndTellsBothPartnersWithoutNamingTheOther(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var lukas = await host.CallerAsync("lukas-meyer");
        var manager = await host.CallerAsync("maya-chen");
        var conflicting = await host.Registry.RegisterAsync(lukas, DealsTestHost.Request("Contoso", PartnerRole.Reseller), Ct);
        await host.ClearMessagesAsync();
        host.Time.Advance(TimeSpan.FromHours(5));

        var decided = await host.Registry.DecideAsync(manager, conflicting.Registration.Number, approve: true,
            "Keystone runs the customer's current estate and registered the expansion within the window.", "roe-4", Ct);

        Assert.Equal(RegistrationStatus.Approved, decided.Status);
        Assert.Equal(DealsTestHost.Start.AddHours(5).AddDays(90), decided.ProtectedUntil);
        var decision = Assert.Single(decided.Decisions);
        Assert.Equal(("RoE-4", DecisionKind.Approved, "maya-chen"), (decision.Rule, decision.Kind, decision.DecidedBy));
        var toKeystone = Assert.Single(await host.MessagesToAsync("lukas-meyer"));
        Assert.Contains("approved", toKeystone.Text);
        Assert.Contains("RoE-4", toKeystone.Text);
        var toBluewave = (await host.MessagesToAsync("priya-patel")).Concat(await host.MessagesToAsync("tom-becker")).ToList();
        Assert.Equal(2, toBluewave.Count);
        Assert.All(toBluewave, m => Assert.Contains("DR-1042", m.Text));
        Assert.All(toBluewave, m => Assert.DoesNotContain("Keystone", m.Text));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DecideAsync_ByPartnerOrWithoutReasonOnConflict_IsRefused(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var priya = await host.CallerAsync("priya-patel");
        var sam = await host.CallerAsync("sam-rivera");
        var manager = await host.CallerAsync("maya-chen");

        await Assert.ThrowsAsync<DealAccessDeniedException>(() => host.Registry.DecideAsync(priya, 1044, approve: true, "we are great", null, Ct));
        await Assert.ThrowsAsync<DealAccessDeniedException>(() => host.Registry.DecideAsync(sam, 1044, approve: true, "looks fine", null, Ct));
        var noReason = await Assert.ThrowsAsync<DealValidationException>(() => host.Registry.DecideAsync(manager, 1044, approve: false, "  ", null, Ct));
        var badRule = await Assert.ThrowsAsync<DealValidationException>(() => host.Registry.DecideAsync(manager, 1044, approve: false, "no", "RoE-9", Ct));

        Assert.Equal("Give a reason for the decision: both partners are told, and it is kept in the audit log.", noReason.Problems.Single());
        Assert.Equal("\"RoE-9\" is not a rule of engagement; cite RoE-1 to RoE-6.", badRule.Problems.Single());
        Assert.Equal(RegistrationStatus.UnderReview, (await host.Registry.FindAsync(manager, 1044, Ct)).Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Lifecycle_EveryIllegalMove_IsRefusedWithTheRule(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var priya = await host.CallerAsync("priya-patel");
        var manager = await host.CallerAsync("maya-chen");
        var submitted = (await host.Registry.RegisterAsync(priya, DealsTestHost.Request("Trey Research Labs"), Ct)).Registration.Number;

        var wonBeforeApproval = await Assert.ThrowsAsync<DealRuleException>(() => host.Registry.RecordOutcomeAsync(priya, submitted, won: true, 90_000, null, Ct));
        await host.Registry.DecideAsync(manager, submitted, approve: false, "The customer is a subsidiary already covered by DR-1014.", "RoE-1", Ct);
        var approveRejected = await Assert.ThrowsAsync<DealRuleException>(() => host.Registry.DecideAsync(manager, submitted, approve: true, "changed my mind", null, Ct));
        var extendRejected = await Assert.ThrowsAsync<DealRuleException>(() => host.Registry.ExtendAsync(priya, submitted, null, Ct));
        var won = await host.Registry.RecordOutcomeAsync(priya, 1042, won: true, 240_000, null, Ct);
        var lostAfterWon = await Assert.ThrowsAsync<DealRuleException>(() => host.Registry.RecordOutcomeAsync(priya, 1042, won: false, null, null, Ct));

        Assert.Equal($"DR-{submitted} is still waiting for the review decision; an outcome can be recorded once it is approved.", wonBeforeApproval.Message);
        Assert.Equal($"DR-{submitted} was rejected; a rejected registration cannot change. Correct the details and submit a new registration.", approveRejected.Message);
        Assert.Contains("only an approved registration", extendRejected.Message);
        Assert.Equal((RegistrationStatus.Won, 240_000m), (won.Status, won.ClosedAmount!.Value));
        Assert.Equal("DR-1042 is already closed as won; a closed deal cannot change.", lostAfterWon.Message);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ExtendAsync_OnceBeforeExpiry_AddsFortyFiveDays_ButNotTwiceNorAfterExpiry(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var priya = await host.CallerAsync("priya-patel");
        var before = (await host.Registry.FindAsync(priya, 1042, Ct)).ProtectedUntil!.Value;

        var extended = await host.Registry.ExtendAsync(priya, 1042, "Board approval moved to next quarter", Ct);
        var twice = await Assert.ThrowsAsync<DealRuleException>(() => host.Registry.ExtendAsync(priya, 1042, null, Ct));

        Assert.Equal(before.AddDays(45), extended.ProtectedUntil);
        Assert.True(extended.Extended);
        Assert.Contains("has already been extended once", twice.Message);

        // DR-1022 (Bluewave, approved 79 days ago) runs out; after that it is too late.
        host.Time.Advance(TimeSpan.FromDays(12));
        var late = await Assert.ThrowsAsync<DealRuleException>(() => host.Registry.ExtendAsync(priya, 1022, null, Ct));
        Assert.Contains("an extension has to be requested before expiry", late.Message);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RunMaintenanceAsync_RemindsAt14And3Days_ThenExpires_EachOnce(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider, seedDemo: false);
        var priya = await host.CallerAsync("priya-patel");
        var manager = await host.CallerAsync("maya-chen");
        var lukas = await host.CallerAsync("lukas-meyer");
        var number = (await host.Registry.RegisterAsync(priya, DealsTestHost.Request("Coho Winery"), Ct)).Registration.Number;
        await host.Registry.DecideAsync(manager, number, approve: true, null, null, Ct);
        await host.ClearMessagesAsync();

        host.Time.Advance(TimeSpan.FromDays(70));
        var nothingYet = await host.Registry.RunMaintenanceAsync(Ct);
        host.Time.Advance(TimeSpan.FromDays(7));
        var first = await host.Registry.RunMaintenanceAsync(Ct);
        var again = await host.Registry.RunMaintenanceAsync(Ct);
        host.Time.Advance(TimeSpan.FromDays(10));
        var second = await host.Registry.RunMaintenanceAsync(Ct);
        host.Time.Advance(TimeSpan.FromDays(4));
        var expiry = await host.Registry.RunMaintenanceAsync(Ct);

        Assert.Empty(nothingYet.Reminded);
        Assert.Equal([$"DR-{number}"], first.Reminded);
        Assert.Empty(again.Reminded);
        Assert.Equal([$"DR-{number}"], second.Reminded);
        Assert.Equal([$"DR-{number}"], expiry.Expired);
        var toPriya = await host.MessagesToAsync("priya-patel");
        Assert.Equal(3, toPriya.Count);
        Assert.Contains("loses protection in 13 days", toPriya[0].Text);
        Assert.Contains("loses protection in 3 days", toPriya[1].Text);
        Assert.Contains("has expired", toPriya[2].Text);
        Assert.Equal(3, (await host.MessagesToAsync("tom-becker")).Count);
        Assert.Equal(RegistrationStatus.Expired, (await host.Registry.FindAsync(priya, number, Ct)).Status);

        // Expired protects nobody: the same registration by another partner is no conflict now.
        var later = await host.Registry.RegisterAsync(lukas, DealsTestHost.Request("Coho Winery", PartnerRole.Reseller), Ct);
        Assert.Equal(RegistrationStatus.Submitted, later.Registration.Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RunMaintenanceAsync_ReviewPastTwoBusinessDays_TellsChannelManagersOnce(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider, seedDemo: false);
        var priya = await host.CallerAsync("priya-patel");
        var manager = await host.CallerAsync("maya-chen");
        var number = (await host.Registry.RegisterAsync(priya, DealsTestHost.Request("Lucerne Publishing"), Ct)).Registration.Number;
        await host.ClearMessagesAsync();

        host.Time.Advance(TimeSpan.FromDays(1));
        var notYet = await host.Registry.RunMaintenanceAsync(Ct);
        host.Time.Advance(TimeSpan.FromDays(1));
        var due = await host.Registry.RunMaintenanceAsync(Ct);
        var repeat = await host.Registry.RunMaintenanceAsync(Ct);
        var queue = await host.Registry.ReviewQueueAsync(manager, Ct);

        Assert.Empty(notYet.Overdue);
        Assert.Equal([$"DR-{number}"], due.Overdue);
        Assert.Empty(repeat.Overdue);
        var message = Assert.Single(await host.MessagesToAsync("maya-chen"));
        Assert.Contains("overdue", message.Text);
        Assert.True(Assert.Single(queue).IsOverdue);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AuditLog_RecordsEveryChange_AndRefusesUpdatesInTheDatabase(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider, seedDemo: false);
        var priya = await host.CallerAsync("priya-patel");
        var manager = await host.CallerAsync("maya-chen");
        var number = (await host.Registry.RegisterAsync(priya, DealsTestHost.Request("Wide World Importers"), Ct)).Registration.Number;
        await host.Registry.DecideAsync(manager, number, approve: true, "Clean registration", null, Ct);
        await host.Registry.RecordTouchAsync(manager, number, "meridian", PartnerRole.Influence, null, Ct);
        await host.Registry.ExtendAsync(priya, number, "Procurement delay", Ct);
        await host.Registry.RecordOutcomeAsync(priya, number, won: true, 99_000, null, Ct);

        var audit = await host.Registry.AuditAsync(manager, number, Ct);

        Assert.Equal(["submitted", "decision", "touch", "extended", "outcome"], audit.Select(a => a.Action));
        Assert.Equal(["priya-patel", "maya-chen", "maya-chen", "priya-patel", "priya-patel"], audit.Select(a => a.Actor));
        Assert.Equal((RegistrationStatus.Submitted, RegistrationStatus.Approved, "Clean registration"), (audit[1].FromStatus!.Value, audit[1].ToStatus!.Value, audit[1].Reason));
        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("UPDATE deal_audit SET reason = 'rewritten'", Ct));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM deal_audit", Ct));
        var entry = await db.Audit.FirstAsync(Ct);
        entry.Reason = "rewritten";
        Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
        Assert.Equal(5, (await host.Registry.AuditAsync(manager, number, Ct)).Count(a => a.Reason != "rewritten"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegisterAsync_InvalidInput_ListsEveryProblemInPlainWords(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider, seedDemo: false);
        var priya = await host.CallerAsync("priya-patel");
        var meridian = await host.PartnerUserAsync("meridian");
        var today = DateOnly.FromDateTime(DealsTestHost.Start.UtcDateTime);

        var many = await Assert.ThrowsAsync<DealValidationException>(() => host.Registry.RegisterAsync(priya, DealsTestHost.Request("  ") with
        {
            Currency = "XYZ", Amount = -5_000, ExpectedClose = today.AddDays(-1), Products = Products.None,
        }, Ct));
        var absurd = await Assert.ThrowsAsync<DealValidationException>(() => host.Registry.RegisterAsync(priya, DealsTestHost.Request("Fabrikam") with { Amount = 25_000_000_000m }, Ct));
        var influenceAsReseller = await Assert.ThrowsAsync<DealValidationException>(() => host.Registry.RegisterAsync(meridian, DealsTestHost.Request("Fabrikam", PartnerRole.Reseller), Ct));
        var listedWrongRole = await Assert.ThrowsAsync<DealValidationException>(() => host.Registry.RegisterAsync(priya, DealsTestHost.Request("Fabrikam") with
        {
            OtherPartners = [new InvolvedPartner("meridian", PartnerRole.Marketplace)],
        }, Ct));

        Assert.Contains("The customer is empty: tell me which customer the opportunity is with.", many.Problems);
        Assert.Contains(many.Problems, p => p.StartsWith("\"XYZ\" is not a currency I accept. Use a three-letter code: AUD, BRL, CAD", StringComparison.Ordinal));
        Assert.Contains("The amount must be more than zero (you entered -5,000).", many.Problems);
        Assert.Contains("The expected close date 23 Nov 2026 is in the past; a registration is for an opportunity that is still open.", many.Problems);
        Assert.Contains("Choose at least one Northbeam product: Data Fabric, AI Studio, Edge Runtime or Cloud Migration Services.", many.Problems);
        Assert.Equal("25,000,000,000 USD is more than one registration can carry (at most 50,000,000 USD); check the number of zeros.", absurd.Problems.Single());
        Assert.Equal("Meridian Advisory is an influence partner, which cannot register in the reseller role. Choose one of: influence, referral.", influenceAsReseller.Problems.Single());
        Assert.Equal("Meridian Advisory is an influence partner, which cannot take the marketplace role; it can be influence, referral.", listedWrongRole.Problems.Single());
        await Assert.ThrowsAsync<DealAccessDeniedException>(async () => await host.Registry.RegisterAsync(await host.CallerAsync("sam-rivera"), DealsTestHost.Request("Fabrikam"), Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RecordTouchAsync_SameTouchTwice_IsRecordedOnce(DatabaseProvider provider)
    {
        await using var host = await DealsTestHost.CreateAsync(provider);
        var sam = await host.CallerAsync("sam-rivera");
        var on = DateOnly.FromDateTime(DealsTestHost.Start.UtcDateTime).AddDays(-3);

        await host.Registry.RecordTouchAsync(sam, 1042, "vectorline", PartnerRole.IsvComponent, on, Ct);
        var view = await host.Registry.RecordTouchAsync(sam, 1042, "vectorline", PartnerRole.IsvComponent, on, Ct);
        var wrongRole = await Assert.ThrowsAsync<DealValidationException>(() => host.Registry.RecordTouchAsync(sam, 1042, "meridian", PartnerRole.Reseller, on, Ct));

        Assert.Single(view.Touches, t => t.PartnerId == "vectorline");
        Assert.Contains("cannot take the reseller role", wrongRole.Problems.Single());
    }
}
