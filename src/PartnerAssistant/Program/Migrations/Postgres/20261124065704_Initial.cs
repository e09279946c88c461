using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace PartnerAssistant.PartnerProgram.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "program_attestations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    signed_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    valid_until_ms = table.Column<long>(type: "bigint", nullable: false),
                    recorded_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    document_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_attestations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at_ms = table.Column<long>(type: "bigint", nullable: false),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    actor_role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    subject = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    details = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_audit", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_certifications",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    holder_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    holder_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    level = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    certificate_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    earned_on = table.Column<DateOnly>(type: "date", nullable: false),
                    expires_on = table.Column<DateOnly>(type: "date", nullable: false),
                    recorded_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    recorded_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_certifications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_cost_inputs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    period_start = table.Column<DateOnly>(type: "date", nullable: false),
                    period_end = table.Column<DateOnly>(type: "date", nullable: false),
                    category = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    new_customers = table.Column<int>(type: "integer", nullable: true),
                    note = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    recorded_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    recorded_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_cost_inputs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_counters",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    next_value = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_counters", x => x.name);
                });

            migrationBuilder.CreateTable(
                name: "program_course_assignments",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    course_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    assigned_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    completed_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    completed_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_course_assignments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_customer_revenue",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    deal_customer_id = table.Column<long>(type: "bigint", nullable: true),
                    customer_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    customer_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    month = table.Column<int>(type: "integer", nullable: false),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_customer_revenue", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_deal_credits",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    registration_id = table.Column<long>(type: "bigint", nullable: false),
                    partner_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    closed_day = table.Column<int>(type: "integer", nullable: false),
                    closed_month = table.Column<int>(type: "integer", nullable: false),
                    credit_cents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_deal_credits", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_documents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    purpose = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    file_name = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    size_bytes = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    stored_path = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    uploaded_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    uploaded_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_documents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_mdf_budgets",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    period_start = table.Column<DateOnly>(type: "date", nullable: false),
                    period_end = table.Column<DateOnly>(type: "date", nullable: false),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    committed_cents = table.Column<long>(type: "bigint", nullable: false),
                    paid_cents = table.Column<long>(type: "bigint", nullable: false),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    updated_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    updated_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_mdf_budgets", x => x.id);
                    table.CheckConstraint("ck_program_mdf_budgets_balance", "committed_cents >= 0 AND committed_cents <= amount_cents AND paid_cents <= committed_cents");
                });

            migrationBuilder.CreateTable(
                name: "program_mdf_ledger",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    budget_id = table.Column<long>(type: "bigint", nullable: false),
                    request_number = table.Column<long>(type: "bigint", nullable: true),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    amount_cents = table.Column<long>(type: "bigint", nullable: false),
                    at_ms = table.Column<long>(type: "bigint", nullable: false),
                    actor = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    note = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_mdf_ledger", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_onboardings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    invited_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    invited_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    partner_admin_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    completed_at_ms = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_onboardings", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_partners",
                columns: table => new
                {
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    invited_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    agreement_signed_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    customer_reference = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    customer_reference_on = table.Column<DateOnly>(type: "date", nullable: true),
                    co_innovation_project = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    marketplace_offer = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    business_plan_agreed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    first_registration_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    first_registration_number = table.Column<long>(type: "bigint", nullable: true),
                    first_won_on = table.Column<DateOnly>(type: "date", nullable: true),
                    first_won_number = table.Column<long>(type: "bigint", nullable: true),
                    time_to_value_days = table.Column<int>(type: "integer", nullable: true),
                    updated_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_partners", x => x.organisation_id);
                });

            migrationBuilder.CreateTable(
                name: "program_psat_surveys",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    period = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    sent_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    closes_at_ms = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_psat_surveys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_tier_evaluations",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    evaluated_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    trigger = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    current_tier = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    eligible_tier = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    scorecard_json = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_tier_evaluations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_tier_proposals",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    from_tier = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    to_tier = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    evaluation_id = table.Column<long>(type: "bigint", nullable: false),
                    proposed_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    decided_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    decided_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_tier_proposals", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "program_won_deals",
                columns: table => new
                {
                    registration_id = table.Column<long>(type: "bigint", nullable: false),
                    number = table.Column<long>(type: "bigint", nullable: false),
                    customer_id = table.Column<long>(type: "bigint", nullable: false),
                    closed_day = table.Column<int>(type: "integer", nullable: false),
                    closed_month = table.Column<int>(type: "integer", nullable: false),
                    revenue_cents = table.Column<long>(type: "bigint", nullable: false),
                    has_partner_touch = table.Column<bool>(type: "boolean", nullable: false),
                    sourcing_partner_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    fingerprint = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_won_deals", x => x.registration_id);
                });

            migrationBuilder.CreateTable(
                name: "program_mdf_requests",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    number = table.Column<long>(type: "bigint", nullable: false),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    budget_id = table.Column<long>(type: "bigint", nullable: false),
                    requested_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    activity_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    activity_date = table.Column<DateOnly>(type: "date", nullable: false),
                    plan = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    expected_outcomes = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    eligible_cost_cents = table.Column<long>(type: "bigint", nullable: false),
                    requested_cents = table.Column<long>(type: "bigint", nullable: false),
                    approved_cents = table.Column<long>(type: "bigint", nullable: true),
                    share_percent = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    submission_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    submitted_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    decision_due_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    decided_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    decided_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    decision_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    paid_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    paid_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    payment_reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    paid_cents = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_mdf_requests", x => x.id);
                    table.ForeignKey(
                        name: "FK_program_mdf_requests_program_mdf_budgets_budget_id",
                        column: x => x.budget_id,
                        principalTable: "program_mdf_budgets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "program_onboarding_steps",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    onboarding_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    owner = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    due_on = table.Column<DateOnly>(type: "date", nullable: false),
                    completed_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    completed_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    evidence = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    last_reminder_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    reminders = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_onboarding_steps", x => x.id);
                    table.ForeignKey(
                        name: "FK_program_onboarding_steps_program_onboardings_onboarding_id",
                        column: x => x.onboarding_id,
                        principalTable: "program_onboardings",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "program_psat_responses",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    survey_id = table.Column<long>(type: "bigint", nullable: false),
                    organisation_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    person_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    responded_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    quarter = table.Column<int>(type: "integer", nullable: false),
                    overall = table.Column<int>(type: "integer", nullable: false),
                    ease_of_business = table.Column<int>(type: "integer", nullable: false),
                    enablement = table.Column<int>(type: "integer", nullable: false),
                    support = table.Column<int>(type: "integer", nullable: false),
                    recommend = table.Column<int>(type: "integer", nullable: false),
                    comment = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    score_x100 = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_psat_responses", x => x.id);
                    table.ForeignKey(
                        name: "FK_program_psat_responses_program_psat_surveys_survey_id",
                        column: x => x.survey_id,
                        principalTable: "program_psat_surveys",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "program_mdf_claims",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    request_id = table.Column<long>(type: "bigint", nullable: false),
                    claimed_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    claimed_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    actual_cost_cents = table.Column<long>(type: "bigint", nullable: false),
                    reimbursement_cents = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    decided_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    decided_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    document_ids = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_mdf_claims", x => x.id);
                    table.ForeignKey(
                        name: "FK_program_mdf_claims_program_mdf_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "program_mdf_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "program_counters",
                columns: new[] { "name", "next_value" },
                values: new object[,]
                {
                    { "ledger_audit_id", 0L },
                    { "mdf_request", 1L }
                });

            migrationBuilder.CreateIndex(
                name: "IX_program_attestations_organisation_id_kind_signed_at_ms",
                table: "program_attestations",
                columns: new[] { "organisation_id", "kind", "signed_at_ms" });

            migrationBuilder.CreateIndex(
                name: "IX_program_audit_at_ms",
                table: "program_audit",
                column: "at_ms");

            migrationBuilder.CreateIndex(
                name: "IX_program_audit_organisation_id",
                table: "program_audit",
                column: "organisation_id");

            migrationBuilder.CreateIndex(
                name: "IX_program_certifications_certificate_id",
                table: "program_certifications",
                column: "certificate_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_program_certifications_organisation_id_expires_on",
                table: "program_certifications",
                columns: new[] { "organisation_id", "expires_on" });

            migrationBuilder.CreateIndex(
                name: "IX_program_cost_inputs_channel_period_start",
                table: "program_cost_inputs",
                columns: new[] { "channel", "period_start" });

            migrationBuilder.CreateIndex(
                name: "IX_program_course_assignments_organisation_id_course_code",
                table: "program_course_assignments",
                columns: new[] { "organisation_id", "course_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_program_customer_revenue_customer_key_month",
                table: "program_customer_revenue",
                columns: new[] { "customer_key", "month" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_program_customer_revenue_deal_customer_id",
                table: "program_customer_revenue",
                column: "deal_customer_id");

            migrationBuilder.CreateIndex(
                name: "IX_program_deal_credits_closed_day_partner_id",
                table: "program_deal_credits",
                columns: new[] { "closed_day", "partner_id" });

            migrationBuilder.CreateIndex(
                name: "IX_program_deal_credits_partner_id_closed_day",
                table: "program_deal_credits",
                columns: new[] { "partner_id", "closed_day" });

            migrationBuilder.CreateIndex(
                name: "IX_program_deal_credits_registration_id",
                table: "program_deal_credits",
                column: "registration_id");

            migrationBuilder.CreateIndex(
                name: "IX_program_documents_organisation_id_purpose",
                table: "program_documents",
                columns: new[] { "organisation_id", "purpose" });

            migrationBuilder.CreateIndex(
                name: "IX_program_mdf_budgets_organisation_id_period_start_period_end",
                table: "program_mdf_budgets",
                columns: new[] { "organisation_id", "period_start", "period_end" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_program_mdf_claims_request_id",
                table: "program_mdf_claims",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "IX_program_mdf_ledger_budget_id",
                table: "program_mdf_ledger",
                column: "budget_id");

            migrationBuilder.CreateIndex(
                name: "IX_program_mdf_ledger_kind_at_ms",
                table: "program_mdf_ledger",
                columns: new[] { "kind", "at_ms" });

            migrationBuilder.CreateIndex(
                name: "IX_program_mdf_requests_budget_id",
                table: "program_mdf_requests",
                column: "budget_id");

            migrationBuilder.CreateIndex(
                name: "IX_program_mdf_requests_number",
                table: "program_mdf_requests",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_program_mdf_requests_organisation_id_status",
                table: "program_mdf_requests",
                columns: new[] { "organisation_id", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_program_mdf_requests_organisation_id_submission_key",
                table: "program_mdf_requests",
                columns: new[] { "organisation_id", "submission_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_program_mdf_requests_status",
                table: "program_mdf_requests",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "IX_program_onboarding_steps_completed_at_ms_due_on",
                table: "program_onboarding_steps",
                columns: new[] { "completed_at_ms", "due_on" });

            migrationBuilder.CreateIndex(
                name: "IX_program_onboarding_steps_onboarding_id_kind",
                table: "program_onboarding_steps",
                columns: new[] { "onboarding_id", "kind" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_program_onboardings_organisation_id",
                table: "program_onboardings",
                column: "organisation_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_program_psat_responses_organisation_id_quarter",
                table: "program_psat_responses",
                columns: new[] { "organisation_id", "quarter" });

            migrationBuilder.CreateIndex(
                name: "IX_program_psat_responses_quarter",
                table: "program_psat_responses",
                column: "quarter");

            migrationBuilder.CreateIndex(
                name: "IX_program_psat_responses_survey_id_person_id",
                table: "program_psat_responses",
                columns: new[] { "survey_id", "person_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_program_psat_surveys_organisation_id_kind_period",
                table: "program_psat_surveys",
                columns: new[] { "organisation_id", "kind", "period" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_program_tier_evaluations_organisation_id_evaluated_at_ms",
                table: "program_tier_evaluations",
                columns: new[] { "organisation_id", "evaluated_at_ms" });

            migrationBuilder.CreateIndex(
                name: "IX_program_tier_proposals_organisation_id_status",
                table: "program_tier_proposals",
                columns: new[] { "organisation_id", "status" });

            migrationBuilder.CreateIndex(
                name: "IX_program_won_deals_closed_day",
                table: "program_won_deals",
                column: "closed_day");

            migrationBuilder.CreateIndex(
                name: "IX_program_won_deals_customer_id_closed_day_registration_id",
                table: "program_won_deals",
                columns: new[] { "customer_id", "closed_day", "registration_id" });

            // The audit log is append-only in the database too, not only in the DbContext.
            migrationBuilder.Sql("""
                CREATE FUNCTION program_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'program_audit is append-only';
                END
                $$;
                """);
            migrationBuilder.Sql("CREATE TRIGGER program_audit_no_change BEFORE UPDATE OR DELETE ON program_audit FOR EACH ROW EXECUTE FUNCTION program_audit_append_only();");
            migrationBuilder.Sql("CREATE TRIGGER program_audit_no_truncate BEFORE TRUNCATE ON program_audit FOR EACH STATEMENT EXECUTE FUNCTION program_audit_append_only();");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS program_audit_no_truncate ON program_audit;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS program_audit_no_change ON program_audit;");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS program_audit_append_only();");

            migrationBuilder.DropTable(
                name: "program_attestations");

            migrationBuilder.DropTable(
                name: "program_audit");

            migrationBuilder.DropTable(
                name: "program_certifications");

            migrationBuilder.DropTable(
                name: "program_cost_inputs");

            migrationBuilder.DropTable(
                name: "program_counters");

            migrationBuilder.DropTable(
                name: "program_course_assignments");

            migrationBuilder.DropTable(
                name: "program_customer_revenue");

            migrationBuilder.DropTable(
                name: "program_deal_credits");

            migrationBuilder.DropTable(
                name: "program_documents");

            migrationBuilder.DropTable(
                name: "program_mdf_claims");

            migrationBuilder.DropTable(
                name: "program_mdf_ledger");

            migrationBuilder.DropTable(
                name: "program_onboarding_steps");

            migrationBuilder.DropTable(
                name: "program_partners");

            migrationBuilder.DropTable(
                name: "program_psat_responses");

            migrationBuilder.DropTable(
                name: "program_tier_evaluations");

            migrationBuilder.DropTable(
                name: "program_tier_proposals");

            migrationBuilder.DropTable(
                name: "program_won_deals");

            migrationBuilder.DropTable(
                name: "program_mdf_requests");

            migrationBuilder.DropTable(
                name: "program_onboardings");

            migrationBuilder.DropTable(
                name: "program_psat_surveys");

            migrationBuilder.DropTable(
                name: "program_mdf_budgets");
        }
    }
}
