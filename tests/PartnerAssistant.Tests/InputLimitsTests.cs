using PartnerAssistant.Deals;
using PartnerAssistant.People;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.Tests.Infrastructure;

namespace PartnerAssistant.Tests;

/// <summary>Issue 14: a partner admin stored <c>role: 99</c>; text longer than its column went through. Request objects are checked first.</summary>
public sealed class InputLimitsTests
{
    [Fact]
    public void Problems_UndefinedEnumTooLongTextAndNestedRecords_AreEachNamed()
    {
        var person = new Person { Id = "p", ChannelUserId = "c", DisplayName = new string('a', 201), OrganisationId = "bluewave", Role = (Role)99 };
        var invite = new InviteRequest { Name = "Fabrikam Partners", PartnerType = (PartnerType)7, Region = "EMEA-and-more-than-sixteen" };

        Assert.Equal(["'displayName' is longer than 200 characters.", "'role' must be one of PartnerUser, PartnerAdmin, SalesRep, ChannelManager, EnablementEditor; 99 is not."], InputLimits.Problems(person));
        Assert.Equal(2, InputLimits.Problems(invite).Count);
        Assert.Empty(InputLimits.Problems(new Person { Id = "p", ChannelUserId = "c", DisplayName = "Ana", OrganisationId = "bluewave", Role = Role.PartnerUser }));
    }

    [Fact]
    public void Problems_FlagsEnum_TakesCombinationsOfDefinedBitsOnly()
    {
        Assert.Empty(InputLimits.Problems(new RegistrationRequest { Products = Products.DataFabric | Products.AiStudio }));
        Assert.Single(InputLimits.Problems(new RegistrationRequest { Products = (Products)1024 }));
    }

    [Fact]
    public async Task SavePersonAsync_UndefinedRole_IsRefusedAndNotStored()
    {
        await using var services = await AssistantServices.CreateAsync();
        var directory = services.Get<DirectoryService>();

        var error = await Assert.ThrowsAsync<DirectoryValidationException>(() => directory.SavePersonAsync(
            new Person { Id = "odd", ChannelUserId = "odd-role", DisplayName = "Odd Role", OrganisationId = "bluewave", Role = (Role)99 }, TestContext.Current.CancellationToken));

        Assert.StartsWith("'role' must be one of", error.Message);
        Assert.Null(await directory.FindByPersonIdAsync("odd", TestContext.Current.CancellationToken));
    }
}
