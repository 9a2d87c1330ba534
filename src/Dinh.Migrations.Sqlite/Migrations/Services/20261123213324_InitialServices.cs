using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Sqlite.Migrations.Services
{
    /// <inheritdoc />
    public partial class InitialServices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "service_attachments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    dossier_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    file_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    content_type = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    size = table.Column<long>(type: "INTEGER", nullable: false),
                    sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    uploaded_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    uploaded_by = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_attachments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "service_bundles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    receipt_code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    procedure_code = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    procedure_version = table.Column<int>(type: "INTEGER", nullable: false),
                    applicant_citizen_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    applicant_account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    fields_json = table.Column<string>(type: "TEXT", nullable: false),
                    steps_json = table.Column<string>(type: "TEXT", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    stop_reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    needs_advance = table.Column<bool>(type: "INTEGER", nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    due_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_bundles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "service_dossiers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    receipt_code = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    procedure_code = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    procedure_version = table.Column<int>(type: "INTEGER", nullable: false),
                    applicant_citizen_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    applicant_account_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    unit_code = table.Column<string>(type: "TEXT", maxLength: 5, nullable: false),
                    role = table.Column<int>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    fields_json = table.Column<string>(type: "TEXT", nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    due_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    paused_remaining_days = table.Column<int>(type: "INTEGER", nullable: true),
                    supplement_due_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    claimed_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    result_json = table.Column<string>(type: "TEXT", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    bundle_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    bundle_step = table.Column<int>(type: "INTEGER", nullable: true),
                    idempotency_key = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    fee_vnd = table.Column<long>(type: "INTEGER", nullable: false),
                    paid_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_dossiers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "service_holidays",
                columns: table => new
                {
                    date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    name_vi = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    name_en = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_holidays", x => x.date);
                });

            migrationBuilder.CreateTable(
                name: "service_payments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    dossier_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    amount_vnd = table.Column<long>(type: "INTEGER", nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    reference = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    paid_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_payments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "service_procedures",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 60, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    json = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    created_by = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_procedures", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "service_dossier_transitions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    dossier_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    from = table.Column<int>(type: "INTEGER", nullable: true),
                    to = table.Column<int>(type: "INTEGER", nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_service_dossier_transitions", x => x.id);
                    table.ForeignKey(
                        name: "fk_service_dossier_transitions_service_dossiers_dossier_id",
                        column: x => x.dossier_id,
                        principalTable: "service_dossiers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_service_attachments_dossier_id",
                table: "service_attachments",
                column: "dossier_id");

            migrationBuilder.CreateIndex(
                name: "ix_service_bundles_applicant_account_id_idempotency_key",
                table: "service_bundles",
                columns: new[] { "applicant_account_id", "idempotency_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_service_bundles_applicant_citizen_id_submitted_at",
                table: "service_bundles",
                columns: new[] { "applicant_citizen_id", "submitted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_service_bundles_needs_advance",
                table: "service_bundles",
                column: "needs_advance");

            migrationBuilder.CreateIndex(
                name: "ix_service_bundles_receipt_code",
                table: "service_bundles",
                column: "receipt_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_service_dossier_transitions_dossier_id_id",
                table: "service_dossier_transitions",
                columns: new[] { "dossier_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_service_dossiers_applicant_account_id_idempotency_key",
                table: "service_dossiers",
                columns: new[] { "applicant_account_id", "idempotency_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_service_dossiers_applicant_citizen_id_submitted_at",
                table: "service_dossiers",
                columns: new[] { "applicant_citizen_id", "submitted_at" });

            migrationBuilder.CreateIndex(
                name: "ix_service_dossiers_bundle_id_bundle_step",
                table: "service_dossiers",
                columns: new[] { "bundle_id", "bundle_step" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_service_dossiers_receipt_code",
                table: "service_dossiers",
                column: "receipt_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_service_dossiers_role_unit_code_status_due_on",
                table: "service_dossiers",
                columns: new[] { "role", "unit_code", "status", "due_on" });

            migrationBuilder.CreateIndex(
                name: "ix_service_payments_dossier_id",
                table: "service_payments",
                column: "dossier_id");

            migrationBuilder.CreateIndex(
                name: "ix_service_procedures_code_version",
                table: "service_procedures",
                columns: new[] { "code", "version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "service_attachments");

            migrationBuilder.DropTable(
                name: "service_bundles");

            migrationBuilder.DropTable(
                name: "service_dossier_transitions");

            migrationBuilder.DropTable(
                name: "service_holidays");

            migrationBuilder.DropTable(
                name: "service_payments");

            migrationBuilder.DropTable(
                name: "service_procedures");

            migrationBuilder.DropTable(
                name: "service_dossiers");
        }
    }
}
