using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Dinh.Migrations.Postgres.Migrations.Exchange
{
    /// <inheritdoc />
    public partial class InitialExchange : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "exchange_access_log",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    citizen_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_identifier = table.Column<string>(type: "character varying(170)", maxLength: 170, nullable: false),
                    member_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    purpose = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    case_reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    fields = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exchange_access_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "exchange_consents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    citizen_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    given_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    withdrawn_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exchange_consents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "exchange_deliveries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    subscription_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    citizen_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    payload = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exchange_deliveries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "exchange_fanout_cursor",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    last_sequence = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exchange_fanout_cursor", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "exchange_grants",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    dataset = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    fields = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    purposes = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    legal_basis = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    consent_required = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exchange_grants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "exchange_members",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    identifier = table.Column<string>(type: "character varying(170)", maxLength: 170, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    client_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    rate_limit_per_second = table.Column<int>(type: "integer", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exchange_members", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "exchange_sector_records",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    record_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    record_number = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    citizen_id = table.Column<Guid>(type: "uuid", nullable: false),
                    attributes = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    valid_from = table.Column<DateOnly>(type: "date", nullable: true),
                    valid_until = table.Column<DateOnly>(type: "date", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exchange_sector_records", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "exchange_subscriptions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    secret = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exchange_subscriptions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_exchange_access_log_citizen_id_at",
                table: "exchange_access_log",
                columns: new[] { "citizen_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_exchange_consents_citizen_id_member_id_purpose",
                table: "exchange_consents",
                columns: new[] { "citizen_id", "member_id", "purpose" });

            migrationBuilder.CreateIndex(
                name: "ix_exchange_deliveries_status_next_attempt_at",
                table: "exchange_deliveries",
                columns: new[] { "status", "next_attempt_at" });

            migrationBuilder.CreateIndex(
                name: "ix_exchange_deliveries_subscription_id_event_id",
                table: "exchange_deliveries",
                columns: new[] { "subscription_id", "event_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_exchange_grants_member_id",
                table: "exchange_grants",
                column: "member_id");

            migrationBuilder.CreateIndex(
                name: "ix_exchange_members_client_id",
                table: "exchange_members",
                column: "client_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_exchange_members_identifier",
                table: "exchange_members",
                column: "identifier",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_exchange_sector_records_citizen_id_record_type",
                table: "exchange_sector_records",
                columns: new[] { "citizen_id", "record_type" });

            migrationBuilder.CreateIndex(
                name: "ix_exchange_sector_records_record_type_record_number",
                table: "exchange_sector_records",
                columns: new[] { "record_type", "record_number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_exchange_subscriptions_member_id",
                table: "exchange_subscriptions",
                column: "member_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "exchange_access_log");

            migrationBuilder.DropTable(
                name: "exchange_consents");

            migrationBuilder.DropTable(
                name: "exchange_deliveries");

            migrationBuilder.DropTable(
                name: "exchange_fanout_cursor");

            migrationBuilder.DropTable(
                name: "exchange_grants");

            migrationBuilder.DropTable(
                name: "exchange_members");

            migrationBuilder.DropTable(
                name: "exchange_sector_records");

            migrationBuilder.DropTable(
                name: "exchange_subscriptions");
        }
    }
}
