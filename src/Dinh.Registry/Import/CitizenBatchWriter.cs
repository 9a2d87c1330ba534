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

/// <summary>
/// PostgreSQL: one indexed probe for the batch's numbers that are already registered, then binary COPY of the new
/// rows straight into <c>citizens</c>, <c>citizen_id_numbers</c> and <c>residences</c> (ADR 0013). The unique
/// indexes on the numbers stay the guard: a number registered by someone else between the probe and the COPY makes
/// the COPY fail with a unique violation, the caller rolls the whole batch back and writes it again
/// (<see cref="IsRegisteredMeanwhile"/>), so nothing is half-written and nothing is stored twice.
/// </summary>
internal sealed class PostgresCitizenBatchWriter(NpgsqlConnection connection) : ICitizenBatchWriter
{
    private const string Registered = """
        SELECT number FROM citizen_id_numbers WHERE number = ANY(@numbers)
        UNION SELECT personal_id_number FROM citizens WHERE personal_id_number = ANY(@numbers)
        """;

    private const string CopyCitizens = """
        COPY citizens (id, personal_id_number, full_name, name_key_tone, name_key_ascii, birth_year, birth_month, birth_day,
            sex, birth_registration_province, birthplace, hometown, ethnicity_code, religion, nationality, status,
            date_of_death, version, created_at, updated_at) FROM STDIN (FORMAT BINARY)
        """;

    private const string CopyNumbers = "COPY citizen_id_numbers (citizen_id, number, assigned_at) FROM STDIN (FORMAT BINARY)";

    private const string CopyResidences = """
        COPY residences (id, citizen_id, kind, unit_structure, unit_code, address_line, valid_from, ended_on, end_reason)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>A unique violation on a number: registered by someone else while this batch was being written.</summary>
    public static bool IsRegisteredMeanwhile(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public async Task<IReadOnlyList<long>> WriteAsync(IReadOnlyList<(Guid Id, CitizenRow Row)> batch, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var registered = new HashSet<string>(StringComparer.Ordinal);
        await using (var probe = new NpgsqlCommand(Registered, connection))
        {
            probe.Parameters.Add(new NpgsqlParameter<string[]>("numbers", batch.Select(b => b.Row.Number).ToArray()));
            await using var reader = await probe.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                registered.Add(reader.GetString(0));
            }
        }
        var skipped = new List<long>();
        var rows = new List<(Guid Id, CitizenRow Row)>(batch.Count);
        foreach (var item in batch)
        {
            if (registered.Contains(item.Row.Number))
            {
                skipped.Add(item.Row.RowNumber);
            }
            else
            {
                rows.Add(item);
            }
        }
        if (rows.Count == 0)
        {
            return skipped;
        }

        // Synchronous writes into the importer's buffer: it flushes to the socket when full. Awaiting each of the
        // twenty fields of a million rows cost more than the COPY itself.
        await using (var copy = await connection.BeginBinaryImportAsync(CopyCitizens, cancellationToken))
        {
            foreach (var (id, row) in rows)
            {
                copy.StartRow();
                copy.Write(id, NpgsqlDbType.Uuid);
                copy.Write(row.Number, NpgsqlDbType.Varchar);
                copy.Write(row.FullName, NpgsqlDbType.Varchar);
                copy.Write(row.NameKeyTone, NpgsqlDbType.Varchar);
                copy.Write(row.NameKeyAscii, NpgsqlDbType.Varchar);
                copy.Write(row.BirthYear, NpgsqlDbType.Integer);
                WriteNullable(copy, row.BirthMonth, NpgsqlDbType.Integer);
                WriteNullable(copy, row.BirthDay, NpgsqlDbType.Integer);
                copy.Write((int)row.Sex, NpgsqlDbType.Integer);
                copy.Write(row.Province, NpgsqlDbType.Varchar);
                WriteText(copy, row.Birthplace);
                WriteText(copy, row.Hometown);
                copy.Write(row.EthnicityCode, NpgsqlDbType.Varchar);
                WriteText(copy, row.Religion);
                copy.Write(row.Nationality, NpgsqlDbType.Varchar);
                copy.Write((int)(row.DateOfDeath is null ? CitizenStatus.Living : CitizenStatus.Deceased), NpgsqlDbType.Integer);
                WriteNullable(copy, row.DateOfDeath, NpgsqlDbType.Date);
                copy.Write(1, NpgsqlDbType.Integer);
                copy.Write(now, NpgsqlDbType.TimestampTz);
                copy.Write(now, NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(CopyNumbers, cancellationToken))
        {
            foreach (var (id, row) in rows)
            {
                copy.StartRow();
                copy.Write(id, NpgsqlDbType.Uuid);
                copy.Write(row.Number, NpgsqlDbType.Varchar);
                copy.Write(now, NpgsqlDbType.TimestampTz);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await using (var copy = await connection.BeginBinaryImportAsync(CopyResidences, cancellationToken))
        {
            foreach (var (id, row) in rows)
            {
                if (row.ResidenceUnitCode is null)
                {
                    continue;
                }
                copy.StartRow();
                copy.Write(Guid.CreateVersion7(now), NpgsqlDbType.Uuid);
                copy.Write(id, NpgsqlDbType.Uuid);
                copy.Write((int)ResidenceKind.Permanent, NpgsqlDbType.Integer);
                copy.Write((int)AdministrativeStructure.TwoLevel, NpgsqlDbType.Integer);
                copy.Write(row.ResidenceUnitCode, NpgsqlDbType.Varchar);
                WriteText(copy, row.ResidenceAddress);
                WriteNullable(copy, row.ResidenceFrom, NpgsqlDbType.Date);
                WriteNullable(copy, row.DateOfDeath, NpgsqlDbType.Date);
                WriteText(copy, row.DateOfDeath is null ? null : "death");
            }
            await copy.CompleteAsync(cancellationToken);
        }
        return skipped;
    }

    private static void WriteText(NpgsqlBinaryImporter copy, string? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, NpgsqlDbType.Varchar);
        }
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type) where T : struct
    {
        if (value is { } v)
        {
            copy.Write(v, type);
        }
        else
        {
            copy.WriteNull();
        }
    }
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
