using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.Tests.Deals;
using PartnerAssistant.Tests.PartnerProgram;

namespace PartnerAssistant.Tests.Conversation;

/// <summary>
/// Every confirm-then-write flow and every approval, answered many times at once — typed yeses with their own activity
/// ids, presses of the card's Yes, presses of Action.Execute confirmation cards — on SQLite and PostgreSQL: each write
/// happens once. Before confirmations were taken in the database, 20 yeses wrote 9 touches and two yeses on a won deal
/// doubled an attribution share.
/// </summary>
public sealed class ConfirmationConcurrencyTests
{
    private const int Racers = 20;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DealsWrites_ManyConcurrentYeses_EachWriteHappensOnce(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var priya = new AssistantChat(host.Services, "demo-partner", "19:deals-" + provider);

        // A touch: the 20 yeses with different activity ids.
        var touch = await priya.SendAsync("add Meridian as influence on DR-1042", Action("Deals.RecordTouch"));
        var touchAnswers = await RaceAsync(priya, touch);
        // A touch on a won deal, before it closed: a second one would double the partner's attribution share.
        var wonTouch = await priya.SendAsync("add Harbor as integration on DR-1001, touched 2026-03-02", Action("Deals.RecordTouch"));
        var wonAnswers = await RaceAsync(priya, wonTouch);
        var extend = await priya.SendAsync("extend DR-1022 because the customer's board meets in January", Action("Deals.ExtendRegistration"));
        await RaceAsync(priya, extend);
        var outcome = await priya.SendAsync("DR-1042 was won for 240k", Action("Deals.RecordOutcome"));
        await RaceAsync(priya, outcome);

        var maya = await host.CallerAsync("maya-chen");
        var credits = await host.Services.Get<AttributionService>().ForDealAsync(maya, 1001, AttributionModel.Linear, Ct);
        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        Assert.Contains("Please confirm: record Meridian Advisory as influence on DR-1042", AssistantChat.Shown(touch));
        Assert.Equal(1, await RecordedTouchesAsync(db, 1042, "meridian"));
        Assert.Single(touchAnswers, r => AssistantChat.Shown(r).Contains("Recorded Meridian Advisory as influence on **DR-1042**", StringComparison.Ordinal));
        Assert.Equal(1, await RecordedTouchesAsync(db, 1001, "harbor"));
        Assert.Single(wonAnswers, r => AssistantChat.Shown(r).Contains("Recorded Harbor Managed Services", StringComparison.Ordinal));
        var harbor = Assert.Single(credits.Credits, c => c.PartnerId == "harbor");
        Assert.Equal(credits.Credits.Single(c => c.PartnerId == "bluewave").Credit, harbor.Credit);
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "extended" && a.RegistrationNumber == 1022, Ct));
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "outcome" && a.RegistrationNumber == 1042, Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RegistrationFormWithoutKey_SubmittedAndConfirmedConcurrently_RegistersOnce(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var priya = new AssistantChat(host.Services, "demo-partner", "19:register-" + provider);
        var form = new JsonObject
        {
            ["action"] = "Deals.SubmitRegistration", ["customer"] = "Fourth Coffee Roasters", ["opportunity"] = "Roastery analytics",
            ["products"] = "data-fabric", ["amount"] = "90000", ["currency"] = "USD", ["expectedClose"] = "2027-03-31", ["role"] = "reseller",
        };

        // Three presses of the same form without a submission key, then every card answered many times at once.
        var previews = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => priya.SendAsync("", form))));
        var answers = await Task.WhenAll(previews.SelectMany(preview => Enumerable.Range(0, 5).Select(i => Task.Run(() => i % 2 == 0 ? priya.AnswerCardAsync(preview) : priya.SendAsync("yes")))));

        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        var registered = await db.Registrations.Where(r => r.OrganisationId == "bluewave" && r.CustomerName == "Fourth Coffee Roasters").ToListAsync(Ct);
        var registration = Assert.Single(registered);
        Assert.StartsWith("form-", registration.SubmissionKey);
        Assert.All(previews, p => Assert.Contains("Customer: Fourth Coffee Roasters", AssistantChat.Shown(p).Replace("\n", ": ", StringComparison.Ordinal)));
        Assert.Contains(answers, r => AssistantChat.Shown(r).Contains($"Registered as **{registration.DisplayNumber}**", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DealDecisions_ConcurrentYesesAndCardPresses_DecideOnce(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider);
        var maya = new AssistantChat(host.Services, "demo-manager", "19:decide-" + provider);

        var approve = await maya.SendAsync("approve DR-1041", Action("Deals.Approve"));
        await RaceAsync(maya, approve);
        var reject = await maya.SendAsync("reject DR-1044 because the customer confirmed Bluewave's earlier proposal", Action("Deals.Reject"));
        await RaceAsync(maya, reject);
        // The approval card's own confirmation (Action.Execute with confirmed = true), pressed many times at once.
        var presses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => Task.Run(() =>
            maya.PressAsync("Deals.Reject", new JsonObject { ["number"] = "DR-1043", ["reason"] = "Duplicate of DR-1042 for the same customer.", ["confirmed"] = "true" }))));

        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
        Assert.Equal(1, await DecisionsAsync(db, 1041));
        Assert.Equal(1, await DecisionsAsync(db, 1044));
        Assert.Equal(1, await DecisionsAsync(db, 1043));
        Assert.Equal(RegistrationStatus.Rejected, (await db.Registrations.SingleAsync(r => r.Number == 1043, Ct)).Status);
        Assert.Single(presses, p => p!.Body!.ToJsonString().Contains("rejected under", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task MdfRequestsAndClaims_ConcurrentYesesAndCardPresses_EachHappensOnce(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedProgram: true);
        var tomChat = new AssistantChat(host.Services, "demo-partner-admin", "19:mdf-partner-" + provider);
        var mayaChat = new AssistantChat(host.Services, "demo-manager", "19:mdf-manager-" + provider);
        var maya = await host.CallerAsync("maya-chen");
        var tom = await host.CallerAsync("tom-becker");
        var activity = DateOnly.FromDateTime(DealsTestHost.Start.UtcDateTime).AddDays(34);

        // A request form without a key, confirmed many times at once.
        var form = new JsonObject
        {
            ["action"] = "Mdf.SubmitRequest", ["activityType"] = "webinar", ["title"] = "Edge AI for retailers", ["activityDate"] = activity.ToString("yyyy-MM-dd"),
            ["plan"] = "A webinar for retail customers.", ["expectedOutcomes"] = "20 attendees", ["eligibleCost"] = "4000", ["requestedAmount"] = "2000",
        };
        await RaceAsync(tomChat, await tomChat.SendAsync("", form));
        // MDF-2 (Keystone, waiting): approved for less, confirmed many times at once.
        var approve = await mayaChat.SendAsync("approve MDF-2 for 4000", Action("Mdf.ApproveRequest"));
        await RaceAsync(mayaChat, approve);
        // Another request declined by the decision card's confirmation, pressed many times at once.
        var (declinable, _) = await host.Mdf.RequestAsync(tom, "bluewave", Input("Partner breakfast", activity, "decline-me"), Ct);
        await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => Task.Run(() =>
            mayaChat.PressAsync("Mdf.DeclineRequest", new JsonObject { ["number"] = declinable.Number, ["reason"] = "No measurable outcome.", ["confirmed"] = "true" }))));
        // Claims: MDF-1 (the demo's claimable webinar) approved and marked paid by typed yeses; a second claim rejected by card presses.
        var (second, _) = await host.Mdf.RequestAsync(tom, "bluewave", Input("Retail roundtable", activity, "claim-me"), Ct);
        await host.Mdf.ApproveAsync(maya, MdfNumber.Parse(second.Number)!.Value, null, null, null, Ct);
        host.Time.Advance(TimeSpan.FromDays(35));
        foreach (var number in new[] { 1L, MdfNumber.Parse(second.Number)!.Value })
        {
            var proof = await host.Services.Get<ProgramDocuments>().StoreAsync("bluewave", "proof",
                new UploadedFile("invoices.pdf", "application/pdf", Encoding.UTF8.GetBytes("%PDF-1.4 invoices")), tom.Person.Id, Ct);
            await host.Mdf.ClaimAsync(tom, number, 5_000m, [proof.Id], Ct);
        }

        var claim = await mayaChat.SendAsync("approve the claim on MDF-1", Action("Mdf.ApproveClaim"));
        await RaceAsync(mayaChat, claim);
        var paid = await mayaChat.SendAsync("mark MDF-1 paid, reference PAY-2291", Action("Mdf.MarkPaid"));
        await RaceAsync(mayaChat, paid);
        await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => Task.Run(() =>
            mayaChat.PressAsync("Mdf.RejectClaim", new JsonObject { ["number"] = second.Number, ["reason"] = "The attendee list is missing.", ["confirmed"] = "true" }))));

        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        Assert.Contains("Approved amount: 4,000 USD (requested 9,000 USD)", AssistantChat.Shown(approve).Replace("\n", ": ", StringComparison.Ordinal));
        Assert.Equal(1, await db.MdfRequests.CountAsync(r => r.Title == "Edge AI for retailers", Ct));
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "mdf-approved" && a.Subject == "MDF-2", Ct));
        Assert.Equal(1, await db.MdfLedger.CountAsync(l => l.RequestNumber == 2 && l.Kind == LedgerKind.Reserve, Ct));
        Assert.Equal(400_000, (await db.MdfRequests.SingleAsync(r => r.Number == 2, Ct)).ApprovedCents);
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "mdf-declined" && a.Subject == declinable.Number, Ct));
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "mdf-claim-approved" && a.Subject == "MDF-1", Ct));
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "mdf-claim-rejected" && a.Subject == second.Number, Ct));
        Assert.Equal(1, await db.MdfLedger.CountAsync(l => l.RequestNumber == 1 && l.Kind == LedgerKind.Pay, Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TierChanges_ConcurrentYesesAndCardPresses_DecideOnce(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedProgram: true);
        var maya = await host.CallerAsync("maya-chen");
        var mayaChat = new AssistantChat(host.Services, "demo-manager", "19:tiers-" + provider);
        await host.Tiers.EvaluateAsync(maya, [], "test", Ct);
        var proposals = await host.Tiers.ProposalsAsync(maya, pendingOnly: true, Ct);
        Assert.True(proposals.Count >= 2, $"{proposals.Count} tier proposals; the test needs two");

        var confirm = await mayaChat.SendAsync($"confirm {proposals[0].OrganisationName}'s tier change", Action("Tiers.ConfirmTierChange", new() { ["proposalId"] = proposals[0].Id }));
        await RaceAsync(mayaChat, confirm);
        await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => Task.Run(() =>
            mayaChat.PressAsync("Tiers.HoldTierChange", new JsonObject { ["proposalId"] = proposals[1].Id, ["reason"] = "An attribution correction is pending.", ["confirmed"] = "true" }))));

        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "tier-confirmed" && a.OrganisationId == proposals[0].OrganisationId, Ct));
        Assert.Equal(1, await db.Audit.CountAsync(a => a.Action == "tier-held" && a.OrganisationId == proposals[1].OrganisationId, Ct));
        Assert.Equal(proposals[0].ToTier, (await host.Services.Get<PartnerAssistant.People.DirectoryService>().FindOrganisationAsync(proposals[0].OrganisationId, Ct))!.Tier);
    }

    /// <summary>Answers the confirmation card of <paramref name="asked"/> many times at once: typed yeses and presses of its Yes.</summary>
    private static async Task<IReadOnlyList<IReadOnlyList<BotFramework.Schema.Activity>>> RaceAsync(AssistantChat chat, IReadOnlyList<BotFramework.Schema.Activity> asked)
    {
        _ = AssistantChat.ConfirmationId(asked);
        return await Task.WhenAll(Enumerable.Range(0, Racers).Select(i => Task.Run(() => i % 2 == 0 ? chat.SendAsync("yes") : chat.AnswerCardAsync(asked))));
    }

    private static JsonObject Action(string intent, JsonObject? data = null)
    {
        var value = data ?? [];
        value["action"] = intent;
        return value;
    }

    private static MdfRequestInput Input(string title, DateOnly activity, string key) => new()
    {
        ActivityType = "webinar", Title = title, ActivityDate = activity, Plan = "A session for retail customers.", ExpectedOutcomes = "Pipeline",
        EligibleCost = 4_000m, RequestedAmount = 2_000m, SubmissionKey = key,
    };

    private static Task<int> RecordedTouchesAsync(DealsDbContext db, long number, string partner) =>
        db.Touches.CountAsync(t => t.PartnerId == partner && t.Source == TouchSource.Recorded && db.Registrations.Any(r => r.Id == t.RegistrationId && r.Number == number), Ct);

    private static Task<int> DecisionsAsync(DealsDbContext db, long number) =>
        db.Decisions.CountAsync(d => d.Kind != DecisionKind.Extended && db.Registrations.Any(r => r.Id == d.RegistrationId && r.Number == number), Ct);
}
