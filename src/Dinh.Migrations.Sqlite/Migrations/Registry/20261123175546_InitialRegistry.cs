using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Sqlite.Migrations.Registry
{
    /// <inheritdoc />
    public partial class InitialRegistry : Migration
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
                name: "admin_unit_mappings",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    old_code = table.Column<string>(type: "TEXT", nullable: true),
                    old_name = table.Column<string>(type: "TEXT", nullable: true),
                    old_district_name = table.Column<string>(type: "TEXT", nullable: true),
                    old_province_name = table.Column<string>(type: "TEXT", nullable: true),
                    new_code = table.Column<string>(type: "TEXT", nullable: false),
                    new_name = table.Column<string>(type: "TEXT", nullable: false),
                    new_province_name = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_admin_unit_mappings", x => x.id);
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

            migrationBuilder.CreateTable(
                name: "admin_units",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    code = table.Column<string>(type: "TEXT", maxLength: 5, nullable: false),
                    level = table.Column<int>(type: "INTEGER", nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    parent_code = table.Column<string>(type: "TEXT", maxLength: 5, nullable: true),
                    valid_from = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    valid_to = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    search_key = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_admin_units", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "citizen_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    citizen_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    action = table.Column<string>(type: "TEXT", nullable: false),
                    legal_basis = table.Column<string>(type: "TEXT", nullable: false),
                    before = table.Column<string>(type: "TEXT", nullable: true),
                    after = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_citizen_changes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "citizen_id_numbers",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    citizen_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    number = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    assigned_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    cancelled_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    cancellation_reason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_citizen_id_numbers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "citizens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    personal_id_number = table.Column<string>(type: "TEXT", maxLength: 12, nullable: false),
                    full_name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    name_key_tone = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    name_key_ascii = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    birth_year = table.Column<int>(type: "INTEGER", nullable: false),
                    birth_month = table.Column<int>(type: "INTEGER", nullable: true),
                    birth_day = table.Column<int>(type: "INTEGER", nullable: true),
                    sex = table.Column<int>(type: "INTEGER", nullable: false),
                    birth_registration_province = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    birthplace = table.Column<string>(type: "TEXT", nullable: true),
                    hometown = table.Column<string>(type: "TEXT", nullable: true),
                    ethnicity_code = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    religion = table.Column<string>(type: "TEXT", nullable: true),
                    nationality = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    father_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    mother_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    spouse_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    status = table.Column<int>(type: "INTEGER", nullable: false),
                    date_of_death = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    merged_into_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    id_card_number = table.Column<string>(type: "TEXT", maxLength: 12, nullable: true),
                    id_card_issued_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    id_card_expires_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_citizens", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "civil_status_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    citizen_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    other_citizen_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    occurred_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    registered_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    registration_unit_code = table.Column<string>(type: "TEXT", nullable: false),
                    registered_by = table.Column<string>(type: "TEXT", nullable: false),
                    legal_basis = table.Column<string>(type: "TEXT", nullable: false),
                    details = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_civil_status_events", x => x.id);
                });

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

            migrationBuilder.CreateTable(
                name: "household_members",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    household_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    citizen_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    relation_to_head = table.Column<string>(type: "TEXT", nullable: false),
                    joined_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    left_on = table.Column<DateOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_household_members", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "households",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    head_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    unit_code = table.Column<string>(type: "TEXT", nullable: false),
                    unit_structure = table.Column<int>(type: "INTEGER", nullable: false),
                    address_line = table.Column<string>(type: "TEXT", nullable: false),
                    established_on = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    dissolved_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_households", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "import_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    file_name = table.Column<string>(type: "TEXT", nullable: false),
                    file_sha256 = table.Column<string>(type: "TEXT", nullable: false),
                    file_size = table.Column<long>(type: "INTEGER", nullable: false),
                    encoding = table.Column<string>(type: "TEXT", nullable: false),
                    started_by = table.Column<string>(type: "TEXT", nullable: false),
                    legal_basis = table.Column<string>(type: "TEXT", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    next_offset = table.Column<long>(type: "INTEGER", nullable: false),
                    next_row = table.Column<long>(type: "INTEGER", nullable: false),
                    imported = table.Column<long>(type: "INTEGER", nullable: false),
                    already_registered = table.Column<long>(type: "INTEGER", nullable: false),
                    rejected = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "officers",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    login = table.Column<string>(type: "TEXT", nullable: false),
                    display_name = table.Column<string>(type: "TEXT", nullable: false),
                    role = table.Column<int>(type: "INTEGER", nullable: false),
                    jurisdiction_level = table.Column<int>(type: "INTEGER", nullable: false),
                    jurisdiction_code = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_officers", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "residences",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    citizen_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    kind = table.Column<int>(type: "INTEGER", nullable: false),
                    household_id = table.Column<Guid>(type: "TEXT", nullable: true),
                    unit_code = table.Column<string>(type: "TEXT", nullable: false),
                    unit_structure = table.Column<int>(type: "INTEGER", nullable: false),
                    address_line = table.Column<string>(type: "TEXT", nullable: false),
                    valid_from = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    valid_until = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ended_on = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    end_reason = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_residences", x => x.id);
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

            migrationBuilder.CreateIndex(
                name: "ix_admin_unit_mappings_new_code",
                table: "admin_unit_mappings",
                column: "new_code");

            migrationBuilder.CreateIndex(
                name: "ix_admin_unit_mappings_old_code",
                table: "admin_unit_mappings",
                column: "old_code");

            migrationBuilder.CreateIndex(
                name: "ix_admin_units_code_level_valid_from",
                table: "admin_units",
                columns: new[] { "code", "level", "valid_from" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_admin_units_parent_code_valid_from",
                table: "admin_units",
                columns: new[] { "parent_code", "valid_from" });

            migrationBuilder.CreateIndex(
                name: "ix_admin_units_search_key",
                table: "admin_units",
                column: "search_key");

            migrationBuilder.CreateIndex(
                name: "ix_citizen_changes_citizen_id_version",
                table: "citizen_changes",
                columns: new[] { "citizen_id", "version" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_citizen_id_numbers_citizen_id",
                table: "citizen_id_numbers",
                column: "citizen_id");

            migrationBuilder.CreateIndex(
                name: "ix_citizen_id_numbers_number",
                table: "citizen_id_numbers",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_citizens_father_id",
                table: "citizens",
                column: "father_id");

            migrationBuilder.CreateIndex(
                name: "ix_citizens_merged_into_id",
                table: "citizens",
                column: "merged_into_id");

            migrationBuilder.CreateIndex(
                name: "ix_citizens_mother_id",
                table: "citizens",
                column: "mother_id");

            migrationBuilder.CreateIndex(
                name: "ix_citizens_name_key_ascii_birth_year",
                table: "citizens",
                columns: new[] { "name_key_ascii", "birth_year" });

            migrationBuilder.CreateIndex(
                name: "ix_citizens_name_key_tone_birth_year_birth_registration_province",
                table: "citizens",
                columns: new[] { "name_key_tone", "birth_year", "birth_registration_province" });

            migrationBuilder.CreateIndex(
                name: "ix_citizens_personal_id_number",
                table: "citizens",
                column: "personal_id_number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_civil_status_events_citizen_id",
                table: "civil_status_events",
                column: "citizen_id");

            migrationBuilder.CreateIndex(
                name: "ix_civil_status_events_registration_unit_code",
                table: "civil_status_events",
                column: "registration_unit_code");

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

            migrationBuilder.CreateIndex(
                name: "ix_household_members_citizen_id",
                table: "household_members",
                column: "citizen_id");

            migrationBuilder.CreateIndex(
                name: "ix_household_members_household_id_citizen_id",
                table: "household_members",
                columns: new[] { "household_id", "citizen_id" });

            migrationBuilder.CreateIndex(
                name: "ix_households_head_id",
                table: "households",
                column: "head_id");

            migrationBuilder.CreateIndex(
                name: "ix_households_unit_code",
                table: "households",
                column: "unit_code");

            migrationBuilder.CreateIndex(
                name: "ix_import_runs_file_sha256",
                table: "import_runs",
                column: "file_sha256",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_officers_login",
                table: "officers",
                column: "login",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_residences_citizen_id",
                table: "residences",
                column: "citizen_id");

            migrationBuilder.CreateIndex(
                name: "ix_residences_unit_code_kind",
                table: "residences",
                columns: new[] { "unit_code", "kind" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "address_remap_worklist");

            migrationBuilder.DropTable(
                name: "admin_unit_mappings");

            migrationBuilder.DropTable(
                name: "admin_unit_reference");

            migrationBuilder.DropTable(
                name: "admin_units");

            migrationBuilder.DropTable(
                name: "citizen_changes");

            migrationBuilder.DropTable(
                name: "citizen_id_numbers");

            migrationBuilder.DropTable(
                name: "citizens");

            migrationBuilder.DropTable(
                name: "civil_status_events");

            migrationBuilder.DropTable(
                name: "data_quality_counts");

            migrationBuilder.DropTable(
                name: "data_quality_findings");

            migrationBuilder.DropTable(
                name: "household_members");

            migrationBuilder.DropTable(
                name: "households");

            migrationBuilder.DropTable(
                name: "import_runs");

            migrationBuilder.DropTable(
                name: "officers");

            migrationBuilder.DropTable(
                name: "residences");
        }
    }
}
