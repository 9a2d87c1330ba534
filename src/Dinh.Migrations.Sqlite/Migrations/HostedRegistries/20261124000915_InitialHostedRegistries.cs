using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Sqlite.Migrations.HostedRegistries
{
    /// <inheritdoc />
    public partial class InitialHostedRegistries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "hosted_registries",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    version = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    group_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    description = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    owner_member_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    institution = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    legal_basis = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    schema = table.Column<string>(type: "TEXT", maxLength: 200000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    modified_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    modified_by = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hosted_registries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "hosted_registry_grants",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    registry_code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    member_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    operations = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    purposes = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    legal_basis = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hosted_registry_grants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "hosted_registry_records",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    registry_id = table.Column<int>(type: "INTEGER", nullable: false),
                    record_key = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    subject_personal_id_number = table.Column<string>(type: "TEXT", maxLength: 12, nullable: true),
                    content = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    modified_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_hosted_registry_records", x => x.id);
                    table.ForeignKey(
                        name: "fk_hosted_registry_records_hosted_registries_registry_id",
                        column: x => x.registry_id,
                        principalTable: "hosted_registries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_hosted_registries_code_version",
                table: "hosted_registries",
                columns: new[] { "code", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hosted_registry_grants_registry_code_member_id",
                table: "hosted_registry_grants",
                columns: new[] { "registry_code", "member_id" });

            migrationBuilder.CreateIndex(
                name: "ix_hosted_registry_records_registry_id_record_key",
                table: "hosted_registry_records",
                columns: new[] { "registry_id", "record_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_hosted_registry_records_registry_id_subject_personal_id_number",
                table: "hosted_registry_records",
                columns: new[] { "registry_id", "subject_personal_id_number" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "hosted_registry_grants");

            migrationBuilder.DropTable(
                name: "hosted_registry_records");

            migrationBuilder.DropTable(
                name: "hosted_registries");
        }
    }
}
