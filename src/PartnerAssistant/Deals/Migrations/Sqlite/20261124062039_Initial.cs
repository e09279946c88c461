using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerAssistant.Deals.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "deal_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    actor_role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    registration_number = table.Column<long>(type: "INTEGER", nullable: true),
                    from_status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    to_status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    rule = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    details = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deal_audit", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "deal_counters",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    next_value = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deal_counters", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "deal_customers",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    normalized_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    blocking_key = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    domain = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deal_customers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "deal_program_investments",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    partner_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    period_start = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    period_end = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    mdf = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    rebates = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    enablement = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    updated_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deal_program_investments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "deal_registrations",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    number = table.Column<long>(type: "INTEGER", nullable: false),
                    organisation_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    submitted_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    customer_id = table.Column<long>(type: "INTEGER", nullable: false),
                    customer_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    possible_match_customer_id = table.Column<long>(type: "INTEGER", nullable: true),
                    opportunity = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    products = table.Column<int>(type: "INTEGER", nullable: false),
                    amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    expected_close = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    submission_key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    submitted_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    review_due_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    decided_at_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    approved_at_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    protected_until_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    protection_days = table.Column<int>(type: "INTEGER", nullable: true),
                    extended = table.Column<bool>(type: "INTEGER", nullable: false),
                    conflict_rule = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    conflict_reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    conflicts_with = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    last_reminder_days = table.Column<int>(type: "INTEGER", nullable: true),
                    overdue_notified = table.Column<bool>(type: "INTEGER", nullable: false),
                    closed_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    closed_amount = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deal_registrations", x => x.id);
                    table.ForeignKey(
                        name: "FK_deal_registrations_deal_customers_customer_id",
                        column: x => x.customer_id,
                        principalTable: "deal_customers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_deal_registrations_deal_customers_possible_match_customer_id",
                        column: x => x.possible_match_customer_id,
                        principalTable: "deal_customers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "deal_decisions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    registration_id = table.Column<long>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    rule = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    decided_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    decided_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deal_decisions", x => x.id);
                    table.ForeignKey(
                        name: "FK_deal_decisions_deal_registrations_registration_id",
                        column: x => x.registration_id,
                        principalTable: "deal_registrations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "deal_touches",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    registration_id = table.Column<long>(type: "INTEGER", nullable: false),
                    partner_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    touched_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    recorded_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    recorded_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deal_touches", x => x.id);
                    table.ForeignKey(
                        name: "FK_deal_touches_deal_registrations_registration_id",
                        column: x => x.registration_id,
                        principalTable: "deal_registrations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "deal_counters",
                columns: new[] { "name", "next_value" },
                values: new object[] { "registration", 1001L });

            migrationBuilder.CreateIndex(
                name: "IX_deal_audit_at_ms",
                table: "deal_audit",
                column: "at_ms");

            migrationBuilder.CreateIndex(
                name: "IX_deal_audit_registration_number",
                table: "deal_audit",
                column: "registration_number");

            migrationBuilder.CreateIndex(
                name: "IX_deal_customers_blocking_key",
                table: "deal_customers",
                column: "blocking_key");

            migrationBuilder.CreateIndex(
                name: "IX_deal_customers_domain",
                table: "deal_customers",
                column: "domain");

            migrationBuilder.CreateIndex(
                name: "IX_deal_customers_normalized_name",
                table: "deal_customers",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_deal_decisions_registration_id",
                table: "deal_decisions",
                column: "registration_id");

            migrationBuilder.CreateIndex(
                name: "IX_deal_program_investments_partner_id_period_start_period_end",
                table: "deal_program_investments",
                columns: new[] { "partner_id", "period_start", "period_end" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_deal_registrations_customer_id_status",
                table: "deal_registrations",
                columns: new[] { "customer_id", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_deal_registrations_number",
                table: "deal_registrations",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_deal_registrations_organisation_id_status",
                table: "deal_registrations",
                columns: new[] { "organisation_id", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_deal_registrations_organisation_id_submission_key",
                table: "deal_registrations",
                columns: new[] { "organisation_id", "submission_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_deal_registrations_possible_match_customer_id",
                table: "deal_registrations",
                column: "possible_match_customer_id");

            migrationBuilder.CreateIndex(
                name: "IX_deal_registrations_status",
                table: "deal_registrations",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "IX_deal_touches_partner_id",
                table: "deal_touches",
                column: "partner_id");

            migrationBuilder.CreateIndex(
                name: "IX_deal_touches_registration_id",
                table: "deal_touches",
                column: "registration_id");

            // The audit log is append-only in the database too, not only in the DbContext.
            migrationBuilder.Sql("CREATE TRIGGER deal_audit_no_update BEFORE UPDATE ON deal_audit BEGIN SELECT RAISE(ABORT, 'deal_audit is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER deal_audit_no_delete BEFORE DELETE ON deal_audit BEGIN SELECT RAISE(ABORT, 'deal_audit is append-only'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS deal_audit_no_update;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS deal_audit_no_delete;");

            migrationBuilder.DropTable(
                name: "deal_audit");

            migrationBuilder.DropTable(
                name: "deal_counters");

            migrationBuilder.DropTable(
                name: "deal_decisions");

            migrationBuilder.DropTable(
                name: "deal_program_investments");

            migrationBuilder.DropTable(
                name: "deal_touches");

            migrationBuilder.DropTable(
                name: "deal_registrations");

            migrationBuilder.DropTable(
                name: "deal_customers");
        }
    }
}
