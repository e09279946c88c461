using PartnerAssistant.Conversation.Routing;

namespace PartnerAssistant.Tests.Conversation.Routing;

public sealed class MessageEntitiesTests
{
    [Fact]
    public void Find_RegistryOfTenThousandCustomers_FindsTheOneNamedHoweverItIsWritten()
    {
        var builder = new VocabularyBuilder().AddPartner("Keystone Integration Group");
        for (var i = 0; i < 10_000; i++)
        {
            builder.AddCustomer($"Customer {i:D5} Holdings");
        }

        var vocabulary = builder.AddCustomer("Litware Inc.").AddCustomer("Wingtip Toys").Build();

        var found = MessageEntities.Find("is wingtip toys taken, and what about litware or DR-1042 for keystone's team in EMEA?", vocabulary);

        Assert.Equal(
            [(EntityClass.Customer, "Wingtip Toys"), (EntityClass.Customer, "Litware Inc."), (EntityClass.Registration, "DR-1042"), (EntityClass.Partner, "Keystone Integration Group"), (EntityClass.Region, "EMEA")],
            found.Select(e => (e.Class, e.Value)));
    }
}
