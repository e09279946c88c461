namespace PartnerAssistant.Trust;

/// <summary>The erasure register names who asked for each erasure: someone later erased becomes the pseudonym there
/// too. The provenance log names nobody and is only kept for its retention period.</summary>
internal sealed class TrustPersonalData : PersonTablesSource, IRetentionPolicy
{
    public override string Name => "trust";

    protected override IReadOnlyList<PersonTable> Tables { get; } =
    [
        new(ErasureRow.Table, "Erasures you asked for", ["requested_by"]) { Label = "pseudonym", Omit = ["fingerprint", "salt", "pending_subject_json", "pending_files_json"] },
    ];

    public Task ApplyAsync(RetentionPass pass, CancellationToken cancellationToken) =>
        pass.DeleteOlderAsync(RetentionKind.Provenance, "answer_provenance", "at_ms", cancellationToken);
}
