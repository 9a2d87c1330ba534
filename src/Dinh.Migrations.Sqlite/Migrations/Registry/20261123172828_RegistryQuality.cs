using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Sqlite.Migrations.Registry
{
    /// <inheritdoc />
    public partial class RegistryQuality : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "merged_into_id",
                table: "citizens",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "data_quality_counts",
                columns: table => new
                {
                    unit_code = table.Column<string>(type: "TEXT", maxLength: 5, nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    open_count = table.Column<int>(type: "INTEGER", nullable: false),
                    computed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_quality_counts", x => new { x.unit_code, x.kind });
                });

            migrationBuilder.CreateTable(
                name: "data_quality_findings",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    citizen_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    subject_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    other_citizen_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    unit_code = table.Column<string>(type: "TEXT", maxLength: 5, nullable: true),
                    score = table.Column<double>(type: "REAL", nullable: true),
                    detail = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    found_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    reviewed_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    reviewed_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    review_note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_quality_findings", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_citizens_merged_into_id",
                table: "citizens",
                column: "merged_into_id");

            migrationBuilder.CreateIndex(
                name: "ix_data_quality_findings_kind_citizen_id_subject_id_status",
                table: "data_quality_findings",
                columns: new[] { "kind", "citizen_id", "subject_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_data_quality_findings_status_unit_code_kind",
                table: "data_quality_findings",
                columns: new[] { "status", "unit_code", "kind" });

            migrationBuilder.CreateIndex(
                name: "ux_data_quality_findings_open",
                table: "data_quality_findings",
                columns: new[] { "kind", "citizen_id", "subject_id" },
                unique: true,
                filter: "status = 1");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "data_quality_counts");

            migrationBuilder.DropTable(
                name: "data_quality_findings");

            migrationBuilder.DropIndex(
                name: "ix_citizens_merged_into_id",
                table: "citizens");

            migrationBuilder.DropColumn(
                name: "merged_into_id",
                table: "citizens");
        }
    }
}
