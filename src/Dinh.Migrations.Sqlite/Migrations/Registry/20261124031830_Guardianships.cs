using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Sqlite.Migrations.Registry
{
    /// <inheritdoc />
    public partial class Guardianships : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "guardianships",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ward_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    guardian_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    starts_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ends_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    legal_basis = table.Column<string>(type: "TEXT", nullable: false),
                    registration_unit_code = table.Column<string>(type: "TEXT", maxLength: 5, nullable: false),
                    registered_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    registered_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    ended_by = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    end_legal_basis = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_guardianships", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_guardianships_guardian_id",
                table: "guardianships",
                column: "guardian_id");

            migrationBuilder.CreateIndex(
                name: "ix_guardianships_ward_id",
                table: "guardianships",
                column: "ward_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "guardianships");
        }
    }
}
