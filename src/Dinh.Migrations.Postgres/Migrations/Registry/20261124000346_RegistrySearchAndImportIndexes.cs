using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Postgres.Migrations.Registry
{
    /// <inheritdoc />
    public partial class RegistrySearchAndImportIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Written by hand: the designer diffed against an empty model (its known bug) and recreated every table.
            // Name + date-of-birth search answered from the index (ADR 0013).
            migrationBuilder.DropIndex(name: "ix_citizens_name_key_ascii_birth_year", table: "citizens");
            migrationBuilder.CreateIndex(
                name: "ix_citizens_name_key_ascii_birth_year_birth_month_birth_day",
                table: "citizens",
                columns: new[] { "name_key_ascii", "birth_year", "birth_month", "birth_day" });

            // Parent and merge links: partial indexes, the nulls (every imported record) are not indexed.
            foreach (var column in new[] { "father_id", "mother_id", "merged_into_id" })
            {
                migrationBuilder.DropIndex(name: $"ix_citizens_{column}", table: "citizens");
                migrationBuilder.CreateIndex(name: $"ix_citizens_{column}", table: "citizens", column: column, filter: $"{column} IS NOT NULL");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var column in new[] { "father_id", "mother_id", "merged_into_id" })
            {
                migrationBuilder.DropIndex(name: $"ix_citizens_{column}", table: "citizens");
                migrationBuilder.CreateIndex(name: $"ix_citizens_{column}", table: "citizens", column: column);
            }
            migrationBuilder.DropIndex(name: "ix_citizens_name_key_ascii_birth_year_birth_month_birth_day", table: "citizens");
            migrationBuilder.CreateIndex(
                name: "ix_citizens_name_key_ascii_birth_year",
                table: "citizens",
                columns: new[] { "name_key_ascii", "birth_year" });
        }
    }
}
