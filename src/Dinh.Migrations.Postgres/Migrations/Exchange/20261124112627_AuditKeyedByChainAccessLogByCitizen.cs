using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Postgres.Migrations.Exchange
{
    /// <inheritdoc />
    public partial class AuditKeyedByChainAccessLogByCitizen : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Keyed by citizen, then id: the key serves every query (one citizen's entries, newest first by the UUID v7
            // id), so the index on citizen and time goes (ADR 0023).
            migrationBuilder.DropIndex(
                name: "ix_exchange_access_log_citizen_id_at",
                table: "exchange_access_log");

            migrationBuilder.DropPrimaryKey(
                name: "pk_exchange_access_log",
                table: "exchange_access_log");

            migrationBuilder.AddPrimaryKey(
                name: "pk_exchange_access_log",
                table: "exchange_access_log",
                columns: new[] { "citizen_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_exchange_access_log",
                table: "exchange_access_log");

            migrationBuilder.AddPrimaryKey(
                name: "pk_exchange_access_log",
                table: "exchange_access_log",
                column: "id");

            migrationBuilder.CreateIndex(
                name: "ix_exchange_access_log_citizen_id_at",
                table: "exchange_access_log",
                columns: new[] { "citizen_id", "at" });
        }
    }
}
