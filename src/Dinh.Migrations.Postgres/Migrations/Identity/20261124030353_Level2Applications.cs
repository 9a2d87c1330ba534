using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Dinh.Migrations.Postgres.Migrations.Identity
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    citizen_id = table.Column<Guid>(type: "uuid", nullable: false),
                    account_id = table.Column<Guid>(type: "uuid", nullable: true),
                    awaiting = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    received_by = table.Column<Guid>(type: "uuid", nullable: false),
                    office_unit_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    time_limit_working_days = table.Column<int>(type: "integer", nullable: false),
                    due_on = table.Column<DateOnly>(type: "date", nullable: false),
                    phone = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    card_number = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    face_capture = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    fingerprint_capture = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    face = table.Column<int>(type: "integer", nullable: false),
                    fingerprint = table.Column<int>(type: "integer", nullable: false),
                    decided_by = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    refusal_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
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
