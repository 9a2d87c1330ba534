using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Sqlite.Migrations.Platform
{
    /// <inheritdoc />
    public partial class AuditKeyedByChainAccessLogByCitizen : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The record's place in its chain becomes the key (it was a unique index beside a key on the id), and the
            // index by subject goes: no query reads either, and every audited read paid for both (ADR 0023).
            migrationBuilder.DropIndex(
                name: "ix_audit_records_chain_id_sequence",
                table: "audit_records");

            migrationBuilder.DropIndex(
                name: "ix_audit_records_subject_occurred_at",
                table: "audit_records");

            migrationBuilder.DropPrimaryKey(
                name: "pk_audit_records",
                table: "audit_records");

            migrationBuilder.AddPrimaryKey(
                name: "pk_audit_records",
                table: "audit_records",
                columns: new[] { "chain_id", "sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_audit_records",
                table: "audit_records");

            migrationBuilder.AddPrimaryKey(
                name: "pk_audit_records",
                table: "audit_records",
                column: "id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_chain_id_sequence",
                table: "audit_records",
                columns: new[] { "chain_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_records_subject_occurred_at",
                table: "audit_records",
                columns: new[] { "subject", "occurred_at" });
        }
    }
}
