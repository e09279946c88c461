using PartnerAssistant.Trust;

namespace PartnerAssistant.Deals;

/// <summary>
/// Registrations, touches, review decisions, program investments and the audit log are business records:
/// exported, and on erasure they stay with the pseudonym where the person was. The audit log is append-only;
/// its database trigger lets exactly this through while an erasure's own transaction runs (docs/privacy.md).
/// </summary>
internal sealed class DealsPersonalData : PersonTablesSource
{
    public override string Name => "deals";

    protected override IReadOnlyList<PersonTable> Tables { get; } =
    [
        new("deal_registrations", "Deal registrations you submitted", ["submitted_by"]) { Label = "number", LabelFormat = "DR-{0}" },
        new("deal_touches", "Partner touches you recorded on deals", ["recorded_by"]),
        new("deal_decisions", "Review decisions you made", ["decided_by"]),
        new("deal_program_investments", "Program investments you entered", ["updated_by"]),
        new("deal_audit", "Deal audit entries of what you did", ["actor"]) { Label = "action" },
    ];
}
