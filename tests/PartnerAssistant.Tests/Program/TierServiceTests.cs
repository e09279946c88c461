using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerAssistant.Hosting;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;
using PartnerAssistant.Tests.Deals;

namespace PartnerAssistant.Tests.PartnerProgram;

/// <summary>Tier evaluation over the demo program on SQLite and PostgreSQL: explained gaps, proposals a channel manager confirms, audit.</summary>
public sealed class TierServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<DatabaseProvider> Providers => DealsTestHost.Providers;

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ScorecardAsync_SilverPartner_ExplainsWhatGoldStillNeedsInWords(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedProgram: true);
        var priya = await host.CallerAsync("priya-patel");

        var scorecard = await host.Tiers.ScorecardAsync(priya, "bluewave", Ct);
        var explained = scorecard.Explain(forPartner: true);

        Assert.Equal(Tier.Silver, scorecard.CurrentTier);
        Assert.Equal(3, scorecard.Figures.CertifiedIndividuals);
        var gold = scorecard.Check(Tier.Gold);
        Assert.False(gold.Met);
        Assert.Contains(gold.Missing, m => m.Contains("2 more certified", StringComparison.Ordinal));
        Assert.StartsWith("You are **Silver**", explained);
        Assert.Contains("Gold needs", explained);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ScorecardAsync_AnotherPartnersScorecard_IsDenied(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedProgram: true);
        var priya = await host.CallerAsync("priya-patel");

        await Assert.ThrowsAsync<ProgramAccessDeniedException>(() => host.Tiers.ScorecardAsync(priya, "keystone", Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EvaluateThenConfirm_ProposedChange_ChangesTheTierOnlyWhenAManagerConfirmsAndIsAudited(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedProgram: true);
        var maya = await host.CallerAsync("maya-chen");
        var tom = await host.CallerAsync("tom-becker");
        var directory = host.Services.Get<DirectoryService>();

        var scorecards = await host.Tiers.EvaluateAsync(maya, [], "test", Ct);
        var proposals = await host.Tiers.ProposalsAsync(maya, pendingOnly: true, Ct);
        var proposal = proposals.First();
        var before = (await directory.FindOrganisationAsync(proposal.OrganisationId, Ct))!.Tier;
        await Assert.ThrowsAsync<ProgramAccessDeniedException>(() => host.Tiers.DecideAsync(tom, proposal.Id, true, null, Ct));
        var confirmed = await host.Tiers.DecideAsync(maya, proposal.Id, true, "Figures checked with finance.", Ct);
        var after = (await directory.FindOrganisationAsync(proposal.OrganisationId, Ct))!.Tier;
        var audit = await host.Tiers.AuditAsync(maya, proposal.OrganisationId, Ct);

        Assert.Equal(scorecards.Count(s => s.EligibleTier != s.CurrentTier), proposals.Count);
        Assert.Equal(proposal.FromTier, before);
        Assert.Equal(ProposalStatus.Confirmed, confirmed.Status);
        Assert.Equal(proposal.ToTier, after);
        Assert.Contains(audit, a => a.Action == "tier-proposed" && a.Subject == $"{proposal.FromTier}->{proposal.ToTier}");
        Assert.Contains(audit, a => a.Action == "tier-confirmed" && a.Actor == "maya-chen" && a.Reason == "Figures checked with finance.");
        await Assert.ThrowsAsync<ProgramRuleException>(() => host.Tiers.DecideAsync(maya, proposal.Id, true, null, Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task EvaluateAsync_HarborWithLapsedDataProtectionTerms_ProposesNoPromotionAndSaysWhy(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedProgram: true);
        var maya = await host.CallerAsync("maya-chen");

        var harbor = (await host.Tiers.EvaluateAsync(maya, ["harbor"], "test", Ct)).Single();

        Assert.False(harbor.Figures.ComplianceCurrent);
        Assert.False(harbor.Check(Tier.Silver).Met);
        Assert.Contains(harbor.Check(Tier.Silver).Missing, m => m.Contains("data", StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task DecideAsync_HoldWithoutReason_IsRefused(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedProgram: true);
        var maya = await host.CallerAsync("maya-chen");
        await host.Tiers.EvaluateAsync(maya, [], "test", Ct);
        var proposal = (await host.Tiers.ProposalsAsync(maya, pendingOnly: true, Ct)).First();

        await Assert.ThrowsAsync<ProgramValidationException>(() => host.Tiers.DecideAsync(maya, proposal.Id, false, " ", Ct));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AuditLog_UpdateOrDeleteInTheDatabase_IsRejectedByTheDatabase(DatabaseProvider provider)
    {
        await using var host = await ProgramTestHost.CreateAsync(provider, seedProgram: true);
        await using var scope = host.Services.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();

        var update = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("UPDATE program_audit SET reason = 'rewritten'", Ct));
        var delete = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("DELETE FROM program_audit", Ct));

        Assert.NotNull(update);
        Assert.Contains("append-only", update.Message);
        Assert.NotNull(delete);
        Assert.True(await db.Audit.AnyAsync(Ct));
    }
}
