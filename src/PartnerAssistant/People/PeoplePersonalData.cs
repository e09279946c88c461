using PartnerAssistant.Trust;

namespace PartnerAssistant.People;

/// <summary>The directory entry: exported as the person's profile; the erasure deletes it first of all (its claim).
/// The directory's columns keep EF Core's default names (<c>"Id"</c>, <c>"DisplayName"</c>), which PostgreSQL only
/// finds quoted.</summary>
internal sealed class PeoplePersonalData : PersonTablesSource
{
    /// <summary>The person's id column, quoted for both providers.</summary>
    public const string IdColumn = "\"Id\"";

    public override string Name => "directory";

    public override IReadOnlyList<string> PersonColumns => ["people.Id", "people.ChannelUserId", "people.DisplayName", "people.Email"];

    protected override IReadOnlyList<PersonTable> Tables { get; } =
    [
        new("people", "Directory entry (name, e-mail, channel id, organisation, role)", [IdColumn], TableErasure.DeleteRows),
    ];
}
