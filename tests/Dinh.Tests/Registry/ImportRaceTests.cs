using System.Text;
using Dinh.Tests.Infrastructure;
using Npgsql;

namespace Dinh.Tests.Registry;

/// <summary>
/// PostgreSQL import (ADR 0013): a batch is probed for registered numbers, then copied straight into the tables. A number
/// registered by someone else between the probe and the COPY must be caught by the unique index, the batch rolled
/// back and written again, and the row reported as already registered: never stored twice, never half a batch.
/// </summary>
public sealed class ImportRaceTestsOnPostgres(PostgresApp fixture) : IClassFixture<PostgresApp>
{
    private const string Header = "personal_id_number,full_name,date_of_birth,sex,ethnicity_code,religion,nationality,birthplace,hometown,residence_unit_code,residence_address,residence_from,date_of_death";

    [Fact]
    public async Task A_number_registered_while_its_batch_is_copied_is_reported_and_every_other_row_is_stored_once()
    {
        var app = fixture.Require();
        var serial = Random.Shared.Next(100_000, 900_000);
        var numbers = Enumerable.Range(0, 20).Select(i => FormattableString.Invariant($"010070{serial + i:000000}")).ToArray();
        var raced = numbers[9];
        var path = Path.Combine(Path.GetTempPath(), $"dinh-race-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, Header + "\n" + string.Join("\n", numbers.Select(n => $"{n},Hà Văn Chạy,1970-01-01,M,01,,VN,,,,,,")) + "\n",
            new UTF8Encoding(false));

        // Someone else registers row 10's number and has not committed yet: the import's probe cannot see it, and its
        // COPY has to wait on the unique index until this transaction ends.
        await using var other = new NpgsqlConnection(app.ConnectionString);
        await other.OpenAsync();
        await using var registering = await other.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO citizens (id, personal_id_number, full_name, name_key_tone, name_key_ascii, birth_year, sex,
                birth_registration_province, ethnicity_code, nationality, status, version, created_at, updated_at)
            VALUES (@id, @number, 'Hà Văn Đến', 'HAF VĂN ĐÊNS', 'HA VAN DEN', 1970, 0, '010', '01', 'VN', 1, 1, now(), now())
            """, other, registering))
        {
            insert.Parameters.AddWithValue("id", Guid.NewGuid());
            insert.Parameters.AddWithValue("number", raced);
            await insert.ExecuteNonQueryAsync();
        }

        var import = app.RunDinhAsync("registry", "import", path);
        var waited = false;
        await using (var watch = new NpgsqlConnection(app.ConnectionString))
        {
            await watch.OpenAsync();
            for (var i = 0; i < 1200 && !waited && !import.IsCompleted; i++)
            {
                await using var blocked = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'COPY citizens%'", watch);
                waited = (long)(await blocked.ExecuteScalarAsync())! > 0;
                if (!waited)
                {
                    await Task.Delay(100);
                }
            }
        }
        await registering.CommitAsync();
        var result = await import;

        Assert.True(waited, "the import's COPY never waited on the uncommitted number: the race was not exercised. " + result.Output + result.Error);
        Assert.Contains("19 imported, 1 already registered", result.Output, StringComparison.Ordinal);
        var report = await File.ReadAllLinesAsync(path + ".errors.csv");
        Assert.Contains(report, line => line.StartsWith("10,personal_id_number,DINH-REG-0310,", StringComparison.Ordinal));
        await using var check = new NpgsqlCommand("""
            SELECT (SELECT count(*) FROM citizens WHERE personal_id_number = ANY(@numbers)),
                   (SELECT count(*) FROM citizen_id_numbers WHERE number = ANY(@numbers)),
                   (SELECT count(*) FROM citizens WHERE personal_id_number = @raced AND full_name = 'Hà Văn Đến')
            """, other);
        check.Parameters.AddWithValue("numbers", numbers);
        check.Parameters.AddWithValue("raced", raced);
        await using var counts = await check.ExecuteReaderAsync();
        Assert.True(await counts.ReadAsync());
        Assert.Equal((20L, 19L, 1L), (counts.GetInt64(0), counts.GetInt64(1), counts.GetInt64(2)));
    }
}
