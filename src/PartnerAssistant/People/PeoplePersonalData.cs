using PartnerAssistant.Trust;

namespace PartnerAssistant.People;

/// <summary>The directory entry: exported as the person's profile; the erasure deletes it first of all (its claim).</summary>
internal sealed class PeoplePersonalData : PersonTablesSource
{
    public override string Name => "directory";

    public override IReadOnlyList<string> PersonColumns => ["people.id", "people.channel_user_id", "people.display_name", "people.email"];

    protected override IReadOnlyList<PersonTable> Tables { get; } =
    [
        new("people", "Directory entry (name, e-mail, channel id, organisation, role)", ["id"], TableErasure.DeleteRows),
    ];
}
