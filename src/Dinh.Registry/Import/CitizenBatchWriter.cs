using System.Data.Common;
using Dinh.Registry.Citizens;
using Dinh.Registry.Households;
using Dinh.Registry.Units;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Dinh.Registry.Import;

/// <summary>
/// Stores a batch of valid rows inside the caller's transaction and returns the rows skipped because their number
/// is already registered (to anyone, even as a cancelled number). A new citizen gets its ID-number history entry
/// and, when the row has one, its permanent residence (ended on the date of death for the deceased).
/// </summary>
internal interface ICitizenBatchWriter
{
    Task<IReadOnlyList<long>> WriteAsync(IReadOnlyList<(Guid Id, CitizenRow Row)> batch, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>PostgreSQL: binary COPY into a session staging table, then one set-based statement.</summary>
internal sealed class PostgresCitizenBatchWriter(NpgsqlConnection connection) : ICitizenBatchWriter
{
    private const string Staging = """
        CREATE TEMP TABLE IF NOT EXISTS import_staging (
            row_number bigint, id uuid, personal_id_number varchar(12), full_name text, name_key_tone text,
            name_key_ascii text, birth_year int, birth_month int, birth_day int, sex int, province varchar(3),
            birthplace text, hometown text, ethnicity_code varchar(2), religion text, nationality varchar(2),
            unit_code text, address_line text, residence_from date, date_of_death date);
        TRUNCATE import_staging;
        """;

    private const string Copy = """
        COPY import_staging (row_number, id, personal_id_number, full_name, name_key_tone, name_key_ascii, birth_year,
            birth_month, birth_day, sex, province, birthplace, hometown, ethnicity_code, religion, nationality, unit_code,
            address_line, residence_from, date_of_death) FROM STDIN (FORMAT BINARY)
        """;

    private static readonly string Merge = $"""
        WITH inserted AS (
            INSERT INTO citizens (id, personal_id_number, full_name, name_key_tone, name_key_ascii, birth_year, birth_month,
                birth_day, sex, birth_registration_province, birthplace, hometown, ethnicity_code, religion, nationality,
                status, date_of_death, version, created_at, updated_at)
            SELECT s.id, s.personal_id_number, s.full_name, s.name_key_tone, s.name_key_ascii, s.birth_year, s.birth_month,
                s.birth_day, s.sex, s.province, s.birthplace, s.hometown, s.ethnicity_code, s.religion, s.nationality,
                CASE WHEN s.date_of_death IS NULL THEN {(int)CitizenStatus.Living} ELSE {(int)CitizenStatus.Deceased} END,
                s.date_of_death, 1, @now, @now
            FROM import_staging s
            WHERE NOT EXISTS (SELECT 1 FROM citizen_id_numbers n WHERE n.number = s.personal_id_number)
            ON CONFLICT (personal_id_number) DO NOTHING
            RETURNING id, personal_id_number),
        numbers AS (
            INSERT INTO citizen_id_numbers (citizen_id, number, assigned_at)
            SELECT id, personal_id_number, @now FROM inserted),
        homes AS (
            INSERT INTO residences (id, citizen_id, kind, unit_structure, unit_code, address_line, valid_from, ended_on, end_reason)
            SELECT gen_random_uuid(), s.id, {(int)ResidenceKind.Permanent}, {(int)AdministrativeStructure.TwoLevel}, s.unit_code, s.address_line, s.residence_from,
                s.date_of_death, CASE WHEN s.date_of_death IS NULL THEN NULL ELSE 'death' END
            FROM import_staging s JOIN inserted i ON i.id = s.id
            WHERE s.unit_code IS NOT NULL)
        SELECT s.row_number FROM import_staging s WHERE NOT EXISTS (SELECT 1 FROM inserted i WHERE i.id = s.id)
        """;

    public async Task<IReadOnlyList<long>> WriteAsync(IReadOnlyList<(Guid Id, CitizenRow Row)> batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var staging = new NpgsqlCommand(Staging, connection))
        {
            await staging.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(Copy, cancellationToken))
        {
            foreach (var (id, row) in batch)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(row.RowNumber, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(row.Number, NpgsqlDbType.Varchar, cancellationToken);
                await copy.WriteAsync(row.FullName, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(row.NameKeyTone, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(row.NameKeyAscii, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(row.BirthYear, NpgsqlDbType.Integer, cancellationToken);
                await WriteNullableAsync(copy, row.BirthMonth, NpgsqlDbType.Integer, cancellationToken);
                await WriteNullableAsync(copy, row.BirthDay, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync((int)row.Sex, NpgsqlDbType.Integer, cancellationToken);
                await copy.WriteAsync(row.Province, NpgsqlDbType.Varchar, cancellationToken);
                await WriteTextAsync(copy, row.Birthplace, cancellationToken);
                await WriteTextAsync(copy, row.Hometown, cancellationToken);
                await copy.WriteAsync(row.EthnicityCode, NpgsqlDbType.Varchar, cancellationToken);
                await WriteTextAsync(copy, row.Religion, cancellationToken);
                await copy.WriteAsync(row.Nationality, NpgsqlDbType.Varchar, cancellationToken);
                await WriteTextAsync(copy, row.ResidenceUnitCode, cancellationToken);
                await WriteTextAsync(copy, row.ResidenceAddress, cancellationToken);
                await WriteNullableAsync(copy, row.ResidenceFrom, NpgsqlDbType.Date, cancellationToken);
                await WriteNullableAsync(copy, row.DateOfDeath, NpgsqlDbType.Date, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        // Without statistics the planner guesses the staging table is large and hash-joins it against every
        // registered number: a full scan per batch, quadratic over the file. With them it probes the index.
        await using (var analyze = new NpgsqlCommand("ANALYZE import_staging", connection))
        {
            await analyze.ExecuteNonQueryAsync(cancellationToken);
        }

        var skipped = new List<long>();
        await using var merge = new NpgsqlCommand(Merge, connection);
        merge.Parameters.AddWithValue("now", now);
        await using var reader = await merge.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            skipped.Add(reader.GetInt64(0));
        }
        return skipped;
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value is { } v ? copy.WriteAsync(v, type, cancellationToken) : copy.WriteNullAsync(cancellationToken);
}

/// <summary>SQLite: prepared statements, one row at a time, inside the batch's transaction (one writer anyway).</summary>
internal sealed class SqliteCitizenBatchWriter(SqliteConnection connection, DbTransaction transaction) : ICitizenBatchWriter
{
    public async Task<IReadOnlyList<long>> WriteAsync(IReadOnlyList<(Guid Id, CitizenRow Row)> batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var citizen = Command($"""
            INSERT OR IGNORE INTO citizens (id, personal_id_number, full_name, name_key_tone, name_key_ascii, birth_year,
                birth_month, birth_day, sex, birth_registration_province, birthplace, hometown, ethnicity_code, religion,
                nationality, status, date_of_death, version, created_at, updated_at)
            SELECT $id, $number, $name, $tone, $ascii, $year, $month, $day, $sex, $province, $birthplace, $hometown,
                $ethnicity, $religion, $nationality, $status, $death, 1, $now, $now
            WHERE NOT EXISTS (SELECT 1 FROM citizen_id_numbers WHERE number = $number)
            """);
        await using var number = Command("INSERT INTO citizen_id_numbers (citizen_id, number, assigned_at) VALUES ($id, $number, $now)");
        await using var home = Command($"""
            INSERT INTO residences (id, citizen_id, kind, unit_structure, unit_code, address_line, valid_from, ended_on, end_reason)
            VALUES ($residence, $id, {(int)ResidenceKind.Permanent}, {(int)AdministrativeStructure.TwoLevel}, $unit, $address, $from, $death, $reason)
            """);

        var skipped = new List<long>();
        foreach (var (id, row) in batch)
        {
            // EF Core stores GUIDs on SQLite as upper-case text; the raw statements must match it.
            var key = id.ToString().ToUpperInvariant();
            Set(citizen, ("$id", key), ("$number", row.Number), ("$name", row.FullName), ("$tone", row.NameKeyTone),
                ("$ascii", row.NameKeyAscii), ("$year", row.BirthYear), ("$month", row.BirthMonth), ("$day", row.BirthDay),
                ("$sex", (int)row.Sex), ("$province", row.Province), ("$birthplace", row.Birthplace), ("$hometown", row.Hometown),
                ("$ethnicity", row.EthnicityCode), ("$religion", row.Religion), ("$nationality", row.Nationality),
                ("$status", (int)(row.DateOfDeath is null ? CitizenStatus.Living : CitizenStatus.Deceased)),
                ("$death", row.DateOfDeath), ("$now", now));
            if (await citizen.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                skipped.Add(row.RowNumber);
                continue;
            }
            Set(number, ("$id", key), ("$number", row.Number), ("$now", now));
            await number.ExecuteNonQueryAsync(cancellationToken);
            if (row.ResidenceUnitCode is not null)
            {
                Set(home, ("$residence", Guid.CreateVersion7(now).ToString().ToUpperInvariant()), ("$id", key),
                    ("$unit", row.ResidenceUnitCode), ("$address", row.ResidenceAddress), ("$from", row.ResidenceFrom),
                    ("$death", row.DateOfDeath), ("$reason", row.DateOfDeath is null ? null : "death"));
                await home.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        return skipped;
    }

    private SqliteCommand Command(string sql) => new(sql, connection, (SqliteTransaction)transaction);

    private static void Set(SqliteCommand command, params (string Name, object? Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            if (command.Parameters.Contains(name))
            {
                command.Parameters[name].Value = value ?? DBNull.Value;
            }
            else
            {
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }
        }
    }
}
