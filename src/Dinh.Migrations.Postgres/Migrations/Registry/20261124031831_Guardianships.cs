using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Dinh.Migrations.Postgres.Migrations.Registry
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    ward_id = table.Column<Guid>(type: "uuid", nullable: false),
                    guardian_id = table.Column<Guid>(type: "uuid", nullable: false),
                    starts_on = table.Column<DateOnly>(type: "date", nullable: false),
                    ends_on = table.Column<DateOnly>(type: "date", nullable: true),
                    legal_basis = table.Column<string>(type: "text", nullable: false),
                    registration_unit_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: false),
                    registered_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    registered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    end_legal_basis = table.Column<string>(type: "text", nullable: true)
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
