using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerAssistant.Knowledge.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SentenceVectors : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "knowledge_sentence_vectors",
                columns: table => new
                {
                    chunk_id = table.Column<Guid>(type: "uuid", nullable: false),
                    collection = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    source = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    content_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    count = table.Column<int>(type: "integer", nullable: false),
                    vectors = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_knowledge_sentence_vectors", x => x.chunk_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_knowledge_sentence_vectors_collection_source",
                table: "knowledge_sentence_vectors",
                columns: new[] { "collection", "source" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "knowledge_sentence_vectors");
        }
    }
}
