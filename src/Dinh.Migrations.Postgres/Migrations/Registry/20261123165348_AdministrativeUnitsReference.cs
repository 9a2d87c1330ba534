using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Dinh.Migrations.Postgres.Migrations.Registry
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    address_kind = table.Column<int>(type: "integer", nullable: false),
                    address_id = table.Column<Guid>(type: "uuid", nullable: false),
                    old_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    candidate_codes = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    reason = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resolved_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_address_remap_worklist", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "admin_unit_reference",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    loaded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "unit_structure",
                table: "residences",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AlterColumn<string>(
                name: "old_name",
                table: "admin_unit_mappings",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text");

            migrationBuilder.AlterColumn<string>(
                name: "old_province_name",
                table: "admin_unit_mappings",
                type: "text",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "text");
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
                type: "text",
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "old_province_name",
                table: "admin_unit_mappings",
                type: "text",
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "text",
                oldNullable: true);
        }
    }
}
