namespace PartnerAssistant.People;

/// <summary>
/// The demo directory seeded on first run: partner organisations of different types and tiers,
/// and one person in each internal role. Their channel ids are stable and listed in the README.
/// </summary>
public static class DemoDirectory
{
    public const string VendorId = "northbeam";

    public static IEnumerable<Organisation> Organisations(DateTimeOffset joined) =>
    [
        new() { Id = VendorId, Name = "Northbeam Technologies", IsVendor = true, Region = "Global", Country = "United States", JoinedAt = joined },
        new() { Id = "bluewave", Name = "Bluewave Solutions", PartnerType = PartnerType.Reseller, Tier = Tier.Silver, Region = "NA", Country = "United States", JoinedAt = joined },
        new() { Id = "keystone", Name = "Keystone Integration Group", PartnerType = PartnerType.SystemsIntegrator, Tier = Tier.Gold, Region = "EMEA", Country = "Germany", JoinedAt = joined },
        new() { Id = "harbor", Name = "Harbor Managed Services", PartnerType = PartnerType.ManagedServiceProvider, Tier = Tier.Registered, Region = "NA", Country = "Canada", JoinedAt = joined },
        new() { Id = "vectorline", Name = "Vectorline Software", PartnerType = PartnerType.SoftwareVendor, Tier = Tier.Silver, Region = "APAC", Country = "Singapore", JoinedAt = joined },
        new() { Id = "meridian", Name = "Meridian Advisory", PartnerType = PartnerType.Influence, Tier = Tier.Registered, Region = "EMEA", Country = "United Kingdom", JoinedAt = joined },
        new() { Id = "skyway", Name = "Skyway Cloud Commerce", PartnerType = PartnerType.Marketplace, Tier = Tier.Gold, Region = "NA", Country = "United States", JoinedAt = joined },
    ];

    public static IEnumerable<Person> People() =>
    [
        new() { Id = "priya-patel", ChannelUserId = "demo-partner", DisplayName = "Priya Patel", Email = "priya.patel@bluewave.example", OrganisationId = "bluewave", Role = Role.PartnerUser },
        new() { Id = "tom-becker", ChannelUserId = "demo-partner-admin", DisplayName = "Tom Becker", Email = "tom.becker@bluewave.example", OrganisationId = "bluewave", Role = Role.PartnerAdmin },
        new() { Id = "lukas-meyer", ChannelUserId = "demo-partner-2", DisplayName = "Lukas Meyer", Email = "lukas.meyer@keystone.example", OrganisationId = "keystone", Role = Role.PartnerUser },
        new() { Id = "sam-rivera", ChannelUserId = "demo-sales", DisplayName = "Sam Rivera", Email = "sam.rivera@northbeam.example", OrganisationId = VendorId, Role = Role.SalesRep },
        new() { Id = "maya-chen", ChannelUserId = "demo-manager", DisplayName = "Maya Chen", Email = "maya.chen@northbeam.example", OrganisationId = VendorId, Role = Role.ChannelManager },
        new() { Id = "elena-novak", ChannelUserId = "demo-editor", DisplayName = "Elena Novak", Email = "elena.novak@northbeam.example", OrganisationId = VendorId, Role = Role.EnablementEditor },
    ];
}
