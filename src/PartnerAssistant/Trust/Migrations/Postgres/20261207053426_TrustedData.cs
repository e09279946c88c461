using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PartnerAssistant.Trust.Migrations.Postgres
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
                    id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    at_ms = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reference = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    details_json = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_answer_provenance", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "privacy_erasures",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    pseudonym = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    subject_role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    subject_organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    salt = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    requested_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    requested_by_role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    requested_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    erased_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    final_pass_due_ms = table.Column<long>(type: "bigint", nullable: true),
                    completed_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    summary_json = table.Column<string>(type: "text", nullable: true),
                    pending_subject_json = table.Column<string>(type: "text", nullable: true),
                    pending_files_json = table.Column<string>(type: "text", nullable: true)
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
            // person may be rewritten with the pseudonym. Deletes and truncation stay refused always; so do changes to the facts.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION deal_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM privacy_erasures WHERE state = 'erasing')
                        AND NEW.id = OLD.id AND NEW.at_ms = OLD.at_ms AND NEW.action = OLD.action AND NEW.actor_role = OLD.actor_role
                        AND NEW.registration_number IS NOT DISTINCT FROM OLD.registration_number AND NEW.from_status IS NOT DISTINCT FROM OLD.from_status
                        AND NEW.to_status IS NOT DISTINCT FROM OLD.to_status AND NEW.rule IS NOT DISTINCT FROM OLD.rule THEN
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION 'deal_audit is append-only';
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION program_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM privacy_erasures WHERE state = 'erasing')
                        AND NEW.id = OLD.id AND NEW.at_ms = OLD.at_ms AND NEW.action = OLD.action AND NEW.actor_role = OLD.actor_role
                        AND NEW.organisation_id IS NOT DISTINCT FROM OLD.organisation_id THEN
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION 'program_audit is append-only';
                END
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION deal_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'deal_audit is append-only';
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION program_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'program_audit is append-only';
                END
                $$;
                """);
            migrationBuilder.DropTable(
                name: "answer_provenance");

            migrationBuilder.DropTable(
                name: "privacy_erasures");
        }
    }
}
