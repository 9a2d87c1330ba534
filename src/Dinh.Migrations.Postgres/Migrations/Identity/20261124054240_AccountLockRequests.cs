using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Postgres.Migrations.Identity
{
    /// <inheritdoc />
    public partial class AccountLockRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "lock_ends_on",
                table: "accounts",
                type: "date",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "account_lock_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<int>(type: "integer", nullable: false),
                    ground = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    lock_ends_on = table.Column<DateOnly>(type: "date", nullable: true),
                    status = table.Column<int>(type: "integer", nullable: false),
                    filed_by = table.Column<Guid>(type: "uuid", nullable: false),
                    office_unit_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    filed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    due_on = table.Column<DateOnly>(type: "date", nullable: false),
                    decided_by = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    refusal_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_account_lock_requests", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_account_lock_requests_account_id",
                table: "account_lock_requests",
                column: "account_id",
                unique: true,
                filter: "status = 1");

            migrationBuilder.CreateIndex(
                name: "ix_account_lock_requests_status_due_on",
                table: "account_lock_requests",
                columns: new[] { "status", "due_on" });

            migrationBuilder.CreateIndex(
                name: "ix_accounts_lock_ends_on",
                table: "accounts",
                column: "lock_ends_on",
                filter: "lock_ends_on IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_accounts_lock_ends_on",
                table: "accounts");

            migrationBuilder.DropTable(
                name: "account_lock_requests");

            migrationBuilder.DropColumn(
                name: "lock_ends_on",
                table: "accounts");
        }
    }
}
