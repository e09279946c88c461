using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerAssistant.Conversation.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "conversation_references",
                columns: table => new
                {
                    channel_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    conversation_id = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    channel_user_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    person_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    conversation_type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    service_url = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    tenant_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_conversation_references", x => new { x.channel_id, x.conversation_id, x.channel_user_id });
                });

            migrationBuilder.CreateTable(
                name: "processed_activities",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 700, nullable: false),
                    expires_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_processed_activities", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "turn_state",
                columns: table => new
                {
                    scope = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 400, nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    updated_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_turn_state", x => new { x.scope, x.key });
                });

            migrationBuilder.CreateIndex(
                name: "IX_conversation_references_person_id",
                table: "conversation_references",
                column: "person_id");

            migrationBuilder.CreateIndex(
                name: "IX_processed_activities_expires_at_ms",
                table: "processed_activities",
                column: "expires_at_ms");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "conversation_references");

            migrationBuilder.DropTable(
                name: "processed_activities");

            migrationBuilder.DropTable(
                name: "turn_state");
        }
    }
}
