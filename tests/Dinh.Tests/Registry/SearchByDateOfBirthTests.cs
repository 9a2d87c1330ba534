using System.Text;
using Dinh.Registry.Contracts;
using Dinh.Tests.Infrastructure;
using static Dinh.Tests.Registry.RegistryDriver;

namespace Dinh.Tests.Registry;

/// <summary>
/// Name + date-of-birth search with partial dates on either side (ADR 0013): a registered month or day that is unknown
/// matches any, a known one must agree. The query names each case exactly so that PostgreSQL answers it from the
/// index; these tests pin the meaning, on each provider.
/// </summary>
public abstract class SearchByDateOfBirthTests(DinhApp fixture)
{
    private const string Header = "personal_id_number,full_name,date_of_birth,sex,ethnicity_code,religion,nationality,birthplace,hometown,residence_unit_code,residence_address,residence_from,date_of_death";

    private RegistryDriver Registry => new(fixture.Require());

    [Fact]
    public async Task A_full_partial_or_year_only_date_of_birth_finds_the_records_it_agrees_with_and_no_other()
    {
        using var officer = await Registry.SignInAsync(StewardNational);
        var name = $"Lê Thị Ngày {(char)('A' + Random.Shared.Next(26))}{(char)('a' + Random.Shared.Next(26))}{(char)('a' + Random.Shared.Next(26))}";
        var serial = Random.Shared.Next(100_000, 900_000);
        string Number(int year, int i) => FormattableString.Invariant($"0081{year % 100:00}{serial + i:000000}");
        var (exact, monthOnly, yearOnly, otherDay, otherMonth, otherYear) =
            (Number(1985, 0), Number(1985, 1), Number(1985, 2), Number(1985, 3), Number(1985, 4), Number(1984, 5));
        var path = Path.Combine(Path.GetTempPath(), $"dinh-dob-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, string.Join("\n",
            Header,
            $"{exact},{name},1985-03-14,F,01,,VN,,,,,,",
            $"{monthOnly},{name},1985-03,F,01,,VN,,,,,,",
            $"{yearOnly},{name},1985,F,01,,VN,,,,,,",
            $"{otherDay},{name},1985-03-15,F,01,,VN,,,,,,",
            $"{otherMonth},{name},1985-04,F,01,,VN,,,,,,",
            $"{otherYear},{name},1984-03-14,F,01,,VN,,,,,,") + "\n", new UTF8Encoding(false));
        var import = await Registry.App.RunDinhAsync("registry", "import", path);
        Assert.True(import.ExitCode == 0, import.Output + import.Error);

        async Task<string[]> FoundAsync(string searchName, string dateOfBirth) =>
            (await SearchAsync(officer, $"name={Uri.EscapeDataString(searchName)}&dateOfBirth={dateOfBirth}"))
                .GetProperty("items").EnumerateArray().Select(c => c.GetProperty("personalIdNumber").GetString()!).Order().ToArray();

        Assert.Equal([exact, monthOnly, yearOnly], await FoundAsync(name, "1985-03-14"));
        Assert.Equal([exact, monthOnly, yearOnly], await FoundAsync(VietnameseText.AsciiKey(name).ToLowerInvariant(), "1985-03-14"));
        Assert.Equal([exact, monthOnly, yearOnly, otherDay], await FoundAsync(name, "1985-03"));
        Assert.Equal([exact, monthOnly, yearOnly, otherDay, otherMonth], await FoundAsync(name, "1985"));
        Assert.Equal([otherYear], await FoundAsync(name, "1984-03-14"));
        // Another day in 1985: only the record whose month and day are unknown can be that person.
        Assert.Equal([yearOnly], await FoundAsync(name, "1985-05-14"));
        Assert.Empty(await FoundAsync(name, "1986-03-14"));
    }
}

public sealed class SearchByDateOfBirthTestsOnSqlite(SqliteApp app) : SearchByDateOfBirthTests(app), IClassFixture<SqliteApp>;

public sealed class SearchByDateOfBirthTestsOnPostgres(PostgresApp app) : SearchByDateOfBirthTests(app), IClassFixture<PostgresApp>;
