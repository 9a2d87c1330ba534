using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Sqlite.Migrations.Identity
{
    /// <inheritdoc />
    public partial class Level2Applications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "level2_applications",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    citizen_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    account_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    awaiting = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    received_by = table.Column<Guid>(type: "TEXT", nullable: false),
                    office_unit_code = table.Column<string>(type: "TEXT", maxLength: 5, nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    time_limit_working_days = table.Column<int>(type: "INTEGER", nullable: false),
                    due_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    phone = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    card_number = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    face_capture = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    fingerprint_capture = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    face = table.Column<int>(type: "INTEGER", nullable: false),
                    fingerprint = table.Column<int>(type: "INTEGER", nullable: false),
                    decided_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    refusal_reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_level2_applications", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_level2_applications_citizen_id",
                table: "level2_applications",
                column: "citizen_id",
                unique: true,
                filter: "status = 1");

            migrationBuilder.CreateIndex(
                name: "ix_level2_applications_status_due_on",
                table: "level2_applications",
                columns: new[] { "status", "due_on" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "level2_applications");
        }
    }
}
