using Microsoft.Extensions.Options;
using PartnerAssistant.Hosting;
using PartnerAssistant.Trust;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// Onboarding, certifications, attestations, evidence documents, tier decisions, MDF, PSAT, cost inputs and the
/// program audit log. All are business records: they stay, with the pseudonym where the person was. A PSAT
/// answer keeps its scores (they count in the program's figures) but loses its comment, the person's own words.
/// Certifications name their holder by name and e-mail rather than by person id, so they are matched within the
/// person's organisation. Evidence documents stay as well (an MDF payment or an attestation rests on them).
/// </summary>
internal sealed class ProgramPersonalData(IOptions<DataOptions> data) : PersonTablesSource
{
    public override string Name => "program";

    public override IReadOnlyList<string> PersonColumns =>
        [.. base.PersonColumns, "program_certifications.holder_name", "program_certifications.holder_key"];

    protected override IReadOnlyList<PersonTable> Tables { get; } =
    [
        new("program_onboardings", "Onboardings you invited a partner to or lead as partner administrator", ["invited_by", "partner_admin_id"]) { Label = "organisation_id" },
        new("program_onboarding_steps", "Onboarding steps you completed", ["completed_by"]) { Label = "kind" },
        new("program_course_assignments", "Enablement courses you completed", ["completed_by"]) { Label = "course_code" },
        new("program_attestations", "Compliance attestations you recorded", ["recorded_by"]) { Label = "kind" },
        new("program_documents", "Evidence documents you uploaded", ["uploaded_by"]) { Label = "file_name" },
        new("program_certifications", "Certifications you recorded", ["recorded_by"]) { Label = "certificate_id" },
        new("program_tier_evaluations", "Tier evaluations you asked for", ["trigger"]) { Omit = ["scorecard_json"] },
        new("program_tier_proposals", "Tier changes you decided", ["decided_by"]),
        new("program_mdf_budgets", "MDF budgets you set", ["updated_by"]),
        new("program_mdf_requests", "MDF requests you submitted, decided or paid", ["requested_by", "decided_by", "paid_by"]) { Label = "number", LabelFormat = "MDF-{0}" },
        new("program_mdf_claims", "MDF claims you made or decided", ["claimed_by", "decided_by"]),
        new("program_mdf_ledger", "MDF ledger entries of your actions", ["actor"]),
        new("program_psat_responses", "Your partner satisfaction (PSAT) answers", ["person_id"]) { Label = "quarter", Clear = ["comment"] },
        new("program_cost_inputs", "Cost figures you recorded", ["recorded_by"]),
        new("program_audit", "Program audit entries of what you did", ["actor"]) { Label = "action" },
    ];

    public override async Task ExportAsync(PersonalDataExport export, CancellationToken cancellationToken)
    {
        await base.ExportAsync(export, cancellationToken);
        var subject = export.Subject;
        var held = await export.Sql.QueryAsync(
            $"SELECT * FROM program_certifications WHERE organisation_id = @p0 AND ({HolderIs}) ORDER BY 1", cancellationToken, HolderArgs(subject));
        export.Add(Name, "program_certifications.holder", "Certifications you hold", held.Select(r => PersonalDataJson.Row(r)), held.Select(r => (string)r["name"]!));

        var documents = await export.Sql.QueryAsync("SELECT file_name, content_type, stored_path, uploaded_at_ms FROM program_documents WHERE uploaded_by = @p0 ORDER BY id",
            cancellationToken, subject.PersonId);
        foreach (var document in documents)
        {
            var path = Path.Combine(data.Value.FullPath, (string)document["stored_path"]!);
            if (File.Exists(path))
            {
                export.AddFile(Name, "Evidence document you uploaded", (string)document["file_name"]!, (string)document["content_type"]!,
                    await File.ReadAllBytesAsync(path, cancellationToken), Convert.ToInt64(document["uploaded_at_ms"], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    public override async Task EraseAsync(PersonalDataErasure erasure, CancellationToken cancellationToken)
    {
        await base.EraseAsync(erasure, cancellationToken);
        var held = await erasure.Sql.ExecuteAsync(
            $"UPDATE program_certifications SET holder_name = @p4, holder_key = @p4 WHERE organisation_id = @p0 AND ({HolderIs})",
            [.. HolderArgs(erasure.Subject), erasure.Pseudonym.Label], cancellationToken);
        PersonalDataErasure.Count(erasure.Pseudonymised, "program_certifications.holder_name", held);
    }

    // A certification is the person's when it carries their name, or the key the program made from their e-mail or name.
    private const string HolderIs = "holder_name = @p3 OR holder_key = @p1 OR holder_key = @p2";

    private static object?[] HolderArgs(PersonalDataSubject subject) =>
        [subject.OrganisationId, subject.Email.Trim().ToLowerInvariant(), subject.DisplayName.Trim().ToLowerInvariant(), subject.DisplayName.Trim()];
}
