using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Sqlite.Migrations.Registry
{
    /// <inheritdoc />
    public partial class AdministrativeUnitsReference : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "address_remap_worklist",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    address_kind = table.Column<int>(type: "INTEGER", nullable: false),
                    address_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    old_code = table.Column<string>(type: "TEXT", maxLength: 5, nullable: false),
                    candidate_codes = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    reason = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    resolved_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_address_remap_worklist", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "admin_unit_reference",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false),
                    version = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    loaded_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_admin_unit_reference", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_address_remap_worklist_address_kind_address_id_old_code",
                table: "address_remap_worklist",
                columns: new[] { "address_kind", "address_id", "old_code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_address_remap_worklist_status",
                table: "address_remap_worklist",
                column: "status");

            migrationBuilder.AddColumn<int>(
                name: "unit_structure",
                table: "households",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "unit_structure",
                table: "residences",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AlterColumn<string>(
                name: "old_name",
                table: "admin_unit_mappings",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT");

            migrationBuilder.AlterColumn<string>(
                name: "old_province_name",
                table: "admin_unit_mappings",
                type: "TEXT",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "address_remap_worklist");

            migrationBuilder.DropTable(
                name: "admin_unit_reference");

            migrationBuilder.DropColumn(
                name: "unit_structure",
                table: "households");

            migrationBuilder.DropColumn(
                name: "unit_structure",
                table: "residences");

            migrationBuilder.AlterColumn<string>(
                name: "old_name",
                table: "admin_unit_mappings",
                type: "TEXT",
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "old_province_name",
                table: "admin_unit_mappings",
                type: "TEXT",
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
