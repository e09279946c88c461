using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerAssistant.PartnerProgram.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DashboardAggregates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "first_of_customer",
                table: "program_won_deals",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "program_customer_lifetime",
                columns: table => new
                {
                    customer_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    month = table.Column<int>(type: "integer", nullable: false),
                    lifetime_cents = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_customer_lifetime", x => new { x.customer_key, x.month });
                });

            migrationBuilder.CreateTable(
                name: "program_revenue_customers",
                columns: table => new
                {
                    customer_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    deal_customer_id = table.Column<long>(type: "bigint", nullable: true),
                    first_month = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_program_revenue_customers", x => x.customer_key);
                });

            // Existing ledgers have no first-deal flags yet: a zero watermark makes the next refresh rebuild the ledger.
            migrationBuilder.Sql("UPDATE program_counters SET next_value = 0 WHERE name = 'ledger_audit_id';");

            migrationBuilder.InsertData(
                table: "program_counters",
                columns: new[] { "name", "next_value" },
                values: new object[] { "revenue_id", 0L });

            migrationBuilder.CreateIndex(
                name: "IX_program_revenue_customers_deal_customer_id",
                table: "program_revenue_customers",
                column: "deal_customer_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "program_customer_lifetime");

            migrationBuilder.DropTable(
                name: "program_revenue_customers");

            migrationBuilder.DeleteData(
                table: "program_counters",
                keyColumn: "name",
                keyValue: "revenue_id");

            migrationBuilder.DropColumn(
                name: "first_of_customer",
                table: "program_won_deals");
        }
    }
}
