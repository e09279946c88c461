using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerAssistant.Knowledge.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "knowledge_collections",
                columns: table => new
                {
                    collection = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    folder = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ingested_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_collections", x => x.collection);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_documents",
                columns: table => new
                {
                    collection = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    title = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    audience = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    tiers = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    partner_types = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    tags = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    owner = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    last_reviewed = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    source_url = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    content_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    origin = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    markdown = table.Column<string>(type: "TEXT", nullable: false),
                    chunks = table.Column<int>(type: "INTEGER", nullable: false),
                    retired = table.Column<bool>(type: "INTEGER", nullable: false),
                    retired_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    retired_at_ms = table.Column<long>(type: "INTEGER", nullable: true),
                    updated_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    updated_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_documents", x => new { x.collection, x.source });
                });

            migrationBuilder.CreateTable(
                name: "knowledge_questions",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    collection = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    asked_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    organisation_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    @internal = table.Column<bool>(name: "internal", type: "INTEGER", nullable: false),
                    question = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    answered = table.Column<bool>(type: "INTEGER", nullable: false),
                    best_similarity = table.Column<double>(type: "REAL", nullable: false),
                    sources = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_questions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_uploads",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    collection = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    source = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    document_json = table.Column<string>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_uploads", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "knowledge_feedback",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    question_id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    helpful = table.Column<bool>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_feedback", x => x.id);
                    table.ForeignKey(
                        name: "FK_knowledge_feedback_knowledge_questions_question_id",
                        column: x => x.question_id,
                        principalTable: "knowledge_questions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_feedback_created_at_ms",
                table: "knowledge_feedback",
                column: "created_at_ms");

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_feedback_question_id",
                table: "knowledge_feedback",
                column: "question_id");

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_questions_asked_at_ms",
                table: "knowledge_questions",
                column: "asked_at_ms");

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_uploads_created_at_ms",
                table: "knowledge_uploads",
                column: "created_at_ms");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "knowledge_collections");

            migrationBuilder.DropTable(
                name: "knowledge_documents");

            migrationBuilder.DropTable(
                name: "knowledge_feedback");

            migrationBuilder.DropTable(
                name: "knowledge_uploads");

            migrationBuilder.DropTable(
                name: "knowledge_questions");
        }
    }
}
