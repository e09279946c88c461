using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace BotHost.DirectLine.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DirectLineConversations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "directline_activities",
                columns: table => new
                {
                    conversation_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    activity_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_directline_activities", x => new { x.conversation_id, x.sequence });
                });

            migrationBuilder.CreateTable(
                name: "directline_attachments",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    conversation_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 260, nullable: false),
                    content_type = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    size_bytes = table.Column<long>(type: "INTEGER", nullable: false),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_directline_attachments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "directline_conversations",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    user_name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    started = table.Column<bool>(type: "INTEGER", nullable: false),
                    last_sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    created_at_ms = table.Column<long>(type: "INTEGER", nullable: false),
                    last_active_at_ms = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_directline_conversations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "directline_keys",
                columns: table => new
                {
                    name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    key = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_directline_keys", x => x.name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_directline_activities_conversation_id_activity_id",
                table: "directline_activities",
                columns: new[] { "conversation_id", "activity_id" });

            migrationBuilder.CreateIndex(
                name: "IX_directline_attachments_conversation_id",
                table: "directline_attachments",
                column: "conversation_id");

            migrationBuilder.CreateIndex(
                name: "IX_directline_conversations_last_active_at_ms",
                table: "directline_conversations",
                column: "last_active_at_ms");

            migrationBuilder.CreateIndex(
                name: "IX_directline_conversations_user_id_last_active_at_ms",
                table: "directline_conversations",
                columns: new[] { "user_id", "last_active_at_ms" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "directline_activities");

            migrationBuilder.DropTable(
                name: "directline_attachments");

            migrationBuilder.DropTable(
                name: "directline_conversations");

            migrationBuilder.DropTable(
                name: "directline_keys");
        }
    }
}
