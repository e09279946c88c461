using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerAssistant.Conversation.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PendingConfirmations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "pending_confirmations",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    conversation_key = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    person_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    intent = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    arguments_json = table.Column<string>(type: "text", nullable: false),
                    summary = table.Column<string>(type: "text", nullable: false),
                    facts_json = table.Column<string>(type: "text", nullable: false),
                    created_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    expires_at_ms = table.Column<long>(type: "bigint", nullable: false),
                    consumed_at_ms = table.Column<long>(type: "bigint", nullable: true),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pending_confirmations", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_pending_confirmations_conversation_key_person_id_created_at~",
                table: "pending_confirmations",
                columns: new[] { "conversation_key", "person_id", "created_at_ms" });

            migrationBuilder.CreateIndex(
                name: "IX_pending_confirmations_created_at_ms",
                table: "pending_confirmations",
                column: "created_at_ms");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "pending_confirmations");
        }
    }
}
