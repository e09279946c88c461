using PartnerAssistant.People;
using PartnerAssistant.Hosting;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests.People;

public sealed class DirectoryServiceTests
{
    public static TheoryData<DatabaseProvider> Providers => [DatabaseProvider.Sqlite, DatabaseProvider.Postgres];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ResolveAsync_DemoPeople_AreKnownByTheirStableChannelIds(DatabaseProvider provider)
    {
        await using var services = await AssistantServices.CreateAsync(provider);
        var directory = services.Get<DirectoryService>();

        var partner = await directory.ResolveAsync(null, "demo-partner", TestContext.Current.CancellationToken);
        var otherPartner = await directory.ResolveAsync(null, "demo-partner-2", TestContext.Current.CancellationToken);
        var manager = await directory.ResolveAsync(null, "demo-manager", TestContext.Current.CancellationToken);

        Assert.Equal(Role.PartnerUser, partner!.Role);
        Assert.Equal(PartnerType.Reseller, partner.Organisation.PartnerType);
        Assert.Equal(PartnerType.SystemsIntegrator, otherPartner!.Organisation.PartnerType);
        Assert.NotEqual(partner.OrganisationId, otherPartner.OrganisationId);
        Assert.True(manager!.IsInternal);
        Assert.Null(await directory.ResolveAsync(null, "someone-else", TestContext.Current.CancellationToken));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task ResolveAsync_AadObjectIdWins_OverChannelId(DatabaseProvider provider)
    {
        await using var services = await AssistantServices.CreateAsync(provider);
        var directory = services.Get<DirectoryService>();
        await directory.SavePersonAsync(new Person { Id = "ana", ChannelUserId = "6f1c0d1e-aad", DisplayName = "Ana Lima", OrganisationId = "keystone", Role = Role.PartnerAdmin }, TestContext.Current.CancellationToken);

        var caller = await directory.ResolveAsync("6f1c0d1e-aad", "demo-partner", TestContext.Current.CancellationToken);

        Assert.Equal("ana", caller!.Person.Id);
    }

    [Fact]
    public async Task SavePersonAsync_InternalRoleAtPartner_IsRefusedWithReason()
    {
        await using var services = await AssistantServices.CreateAsync();
        var directory = services.Get<DirectoryService>();

        var error = await Assert.ThrowsAsync<DirectoryValidationException>(() => directory.SavePersonAsync(
            new Person { Id = "x", ChannelUserId = "x", DisplayName = "X Y", OrganisationId = "bluewave", Role = Role.ChannelManager }, TestContext.Current.CancellationToken));

        Assert.Equal("'channel manager' is an internal role; Bluewave Solutions is a partner organisation.", error.Message);
    }

    [Fact]
    public async Task SavePersonAsync_ChannelIdTaken_IsRefused()
    {
        await using var services = await AssistantServices.CreateAsync();
        var directory = services.Get<DirectoryService>();

        var error = await Assert.ThrowsAsync<DirectoryValidationException>(() => directory.SavePersonAsync(
            new Person { Id = "new", ChannelUserId = "demo-partner", DisplayName = "New Person", OrganisationId = "bluewave", Role = Role.PartnerUser }, TestContext.Current.CancellationToken));

        Assert.Contains("already belongs to someone else", error.Message);
    }

    [Fact]
    public async Task RemovePersonAsync_RemovedPerson_IsNoLongerResolved()
    {
        await using var services = await AssistantServices.CreateAsync();
        var directory = services.Get<DirectoryService>();
        Assert.NotNull(await directory.ResolveAsync(null, "demo-partner-2", TestContext.Current.CancellationToken));

        await directory.RemovePersonAsync("lukas-meyer", TestContext.Current.CancellationToken);

        Assert.Null(await directory.ResolveAsync(null, "demo-partner-2", TestContext.Current.CancellationToken));
    }
}
