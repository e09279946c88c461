using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerAssistant.PartnerProgram.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LifetimeCoveringIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_program_customer_lifetime_customer_key_month_lifetime_cents",
                table: "program_customer_lifetime",
                columns: new[] { "customer_key", "month", "lifetime_cents" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_program_customer_lifetime_customer_key_month_lifetime_cents",
                table: "program_customer_lifetime");
        }
    }
}
