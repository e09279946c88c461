using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerAssistant.Trust.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TrustedData : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "answer_provenance",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    reference = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    details_json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_answer_provenance", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "privacy_erasures",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    state = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    pseudonym = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    subject_role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    subject_organisation_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    salt = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    requested_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    requested_by_role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    requested_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    erased_at_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    final_pass_due_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    completed_at_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    summary_json = table.Column<string>(type: "TEXT", nullable: true),
                    pending_subject_json = table.Column<string>(type: "TEXT", nullable: true),
                    pending_files_json = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_privacy_erasures", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_answer_provenance_at_ms",
                table: "answer_provenance",
                column: "at_ms");

            migrationBuilder.CreateIndex(
                name: "IX_privacy_erasures_state",
                table: "privacy_erasures",
                column: "state");

            // The deal and program audit logs stay append-only, with one exception: while an erasure's own transaction
            // runs (its register row is "erasing", which no other transaction can see), the columns that can name a
            // person may be rewritten with the pseudonym. Deletes stay refused always; so do changes to the facts.
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS deal_audit_no_update;");
            migrationBuilder.Sql("""
                CREATE TRIGGER deal_audit_no_update BEFORE UPDATE ON deal_audit
                WHEN NOT EXISTS (SELECT 1 FROM privacy_erasures WHERE state = 'erasing')
                    OR NEW.id IS NOT OLD.id OR NEW.at_ms IS NOT OLD.at_ms OR NEW.action IS NOT OLD.action OR NEW.actor_role IS NOT OLD.actor_role
                    OR NEW.registration_number IS NOT OLD.registration_number OR NEW.from_status IS NOT OLD.from_status
                    OR NEW.to_status IS NOT OLD.to_status OR NEW.rule IS NOT OLD.rule
                BEGIN SELECT RAISE(ABORT, 'deal_audit is append-only'); END;
                """);
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS program_audit_no_update;");
            migrationBuilder.Sql("""
                CREATE TRIGGER program_audit_no_update BEFORE UPDATE ON program_audit
                WHEN NOT EXISTS (SELECT 1 FROM privacy_erasures WHERE state = 'erasing')
                    OR NEW.id IS NOT OLD.id OR NEW.at_ms IS NOT OLD.at_ms OR NEW.action IS NOT OLD.action OR NEW.actor_role IS NOT OLD.actor_role
                    OR NEW.organisation_id IS NOT OLD.organisation_id
                BEGIN SELECT RAISE(ABORT, 'program_audit is append-only'); END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS deal_audit_no_update;");
            migrationBuilder.Sql("CREATE TRIGGER deal_audit_no_update BEFORE UPDATE ON deal_audit BEGIN SELECT RAISE(ABORT, 'deal_audit is append-only'); END;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS program_audit_no_update;");
            migrationBuilder.Sql("CREATE TRIGGER program_audit_no_update BEFORE UPDATE ON program_audit BEGIN SELECT RAISE(ABORT, 'program_audit is append-only'); END;");
            migrationBuilder.DropTable(
                name: "answer_provenance");

            migrationBuilder.DropTable(
                name: "privacy_erasures");
        }
    }
}
