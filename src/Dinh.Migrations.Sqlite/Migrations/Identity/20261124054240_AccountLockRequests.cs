using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Sqlite.Migrations.Identity
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "account_lock_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    ground = table.Column<int>(type: "INTEGER", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    lock_ends_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    filed_by = table.Column<Guid>(type: "TEXT", nullable: false),
                    office_unit_code = table.Column<string>(type: "TEXT", maxLength: 5, nullable: true),
                    filed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    due_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    decided_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    refusal_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
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
