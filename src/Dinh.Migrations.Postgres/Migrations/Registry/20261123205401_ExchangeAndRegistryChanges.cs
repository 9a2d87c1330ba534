using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Dinh.Migrations.Postgres.Migrations.Registry
{
    /// <inheritdoc />
    public partial class ExchangeAndRegistryChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "registry_change_heads",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    last_sequence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_change_heads", x => x.id);
                });
            migrationBuilder.CreateTable(
                name: "registry_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    sequence = table.Column<long>(type: "bigint", nullable: true),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    citizen_id = table.Column<Guid>(type: "uuid", nullable: false),
                    occurred_on = table.Column<DateOnly>(type: "date", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    data = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registry_changes", x => x.id);
                });
            migrationBuilder.CreateIndex(
                name: "ix_registry_changes_citizen_id",
                table: "registry_changes",
                column: "citizen_id");
            migrationBuilder.CreateIndex(
                name: "ix_registry_changes_event_id",
                table: "registry_changes",
                column: "event_id",
                unique: true);
            migrationBuilder.CreateIndex(
                name: "ix_registry_changes_sequence",
                table: "registry_changes",
                column: "sequence",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "registry_change_heads");

            migrationBuilder.DropTable(
                name: "registry_changes");
        }
    }
}
