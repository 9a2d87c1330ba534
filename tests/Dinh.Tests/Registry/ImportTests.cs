using System.Diagnostics;
using System.Text;
using Dinh.Registry.Persistence;
using Dinh.Registry.Units;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Registry;

/// <summary>`dinh registry import` and `export`, run as the real executable against each provider.</summary>
public abstract class ImportTests(DinhApp fixture)
{
    private const string Header = "personal_id_number,full_name,date_of_birth,sex,ethnicity_code,religion,nationality,birthplace,hometown,residence_unit_code,residence_address,residence_from,date_of_death";

    private DinhApp App => fixture.Require();

    [Fact]
    public async Task Every_valid_row_is_imported_and_every_bad_row_is_reported_with_field_and_code()
    {
        await EnsureUnitAsync("00004");
        var file = await WriteFileAsync(
            "079185000101,Trần Thị Bích,1985-03-14,F,01,,VN,TP Hồ Chí Minh,,00004,\"12 Phố Ba Đình, Hà Nội\",2010-01-01,",
            "079185000102,Trần Thị\u200b Lan,1985-03-14,F,01,,VN,,,,,,",
            "079185000103,Trần Văn Hùng,1985-03-14,M,01,,VN,,,,,,",
            "079185000104,Trần Văn Hải,1985-02-30,M,01,,VN,,,,,,",
            "079085000105,Trần Văn Long,1985,M,01,,VN,,,99999,,,",
            "079085000106,Trần Văn Mạnh,1985,M,01,,VN,,,,,",
            "079048000107,Nguye\u0302\u0303n Văn Nam,1948-05,M,01,,VN,,,,,,1990-02-01");

        var result = await App.RunDinhAsync("registry", "import", file);
        var report = await File.ReadAllLinesAsync(file + ".errors.csv");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("7 rows read as UTF-8", result.Output, StringComparison.Ordinal);
        Assert.Contains("2 imported, 0 already registered, 5 rejected", result.Output, StringComparison.Ordinal);
        Assert.Equal(
        [
            "row,field,code,message",
            "2,full_name,DINH-REG-0305,full name is not acceptable: invisible-character",
            "3,personal_id_number,DINH-REG-0304,the century/sex digit does not match the sex",
            "4,date_of_birth,DINH-REG-0306,\"date of birth is impossible: use yyyy, yyyy-MM or yyyy-MM-dd\"",
            "5,residence_unit_code,DINH-REG-0309,no commune has code 99999 in the current structure",
            "6,*,DINH-REG-0301,\"12 columns, the header has 13\"",
        ], report);
        var nam = await WithRegistryAsync(db => db.Citizens.SingleAsync(c => c.PersonalIdNumber == "079048000107"));
        Assert.Equal("Nguyễn Văn Nam", nam.FullName);
        Assert.True(nam.FullName.IsNormalized(NormalizationForm.FormC));
        Assert.Equal((1948, 5, (int?)null), (nam.BirthYear, nam.BirthMonth!.Value, nam.BirthDay));
        Assert.Equal(new DateOnly(1990, 2, 1), nam.DateOfDeath);
        var home = await WithRegistryAsync(db => db.Residences.SingleAsync(r => r.UnitCode == "00004"));
        Assert.Equal("12 Phố Ba Đình, Hà Nội", home.AddressLine);
    }

    [Fact]
    public async Task Importing_the_same_file_again_changes_nothing()
    {
        var file = await WriteFileAsync(Rows(20, "002"));

        var first = await App.RunDinhAsync("registry", "import", file);
        var second = await App.RunDinhAsync("registry", "import", file);

        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        Assert.Contains("20 imported", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("Already imported", second.Output, StringComparison.Ordinal);
        Assert.Equal(20, await WithRegistryAsync(db => db.Citizens.CountAsync(c => c.PersonalIdNumber.StartsWith("0020"))));
    }

    [Fact]
    public async Task A_Windows_1258_file_is_detected_said_and_stored_as_NFC()
    {
        // "Đoàn Thị Hoà" as a legacy Vietnamese system writes it: Đ is 0xD0, tone marks are separate bytes (0xCC, 0xF2).
        byte[] name = [0xD0, (byte)'o', (byte)'a', 0xCC, (byte)'n', (byte)' ', (byte)'T', (byte)'h', (byte)'i', 0xF2, (byte)' ', (byte)'H', (byte)'o', (byte)'a', 0xCC];
        var path = Path.Combine(Path.GetTempPath(), $"dinh-1258-{Guid.NewGuid():N}.csv");
        await File.WriteAllBytesAsync(path, [.. Encoding.ASCII.GetBytes($"{Header}\n001190000201,"), .. name, .. Encoding.ASCII.GetBytes(",1990-07-01,F,01,,VN,,,,,,\n")]);

        var result = await App.RunDinhAsync("registry", "import", path);

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Contains("read as Windows-1258", result.Output, StringComparison.Ordinal);
        var citizen = await WithRegistryAsync(db => db.Citizens.SingleAsync(c => c.PersonalIdNumber == "001190000201"));
        Assert.Equal("Đoàn Thị Hoà", citizen.FullName);
        Assert.True(citizen.FullName.IsNormalized(NormalizationForm.FormC));
    }

    [Fact]
    public async Task A_file_without_the_required_columns_is_refused_whole()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dinh-header-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, "so_dinh_danh,ho_ten\n001190000201,Đặng Thị Hoà\n");

        var result = await App.RunDinhAsync("registry", "import", path);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("lacks the required column(s) personal_id_number, full_name", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_killed_mid_file_resumes_and_ends_with_every_row_exactly_once()
    {
        const int rows = 30_000;
        var file = await WriteFileAsync(Rows(rows, "006"));

        await KillDuringImportAsync(file);
        var imported = await WithRegistryAsync(db => db.Citizens.CountAsync(c => c.PersonalIdNumber.StartsWith("0060")));
        var resumed = await App.RunDinhAsync("registry", "import", file, "--batch-size", "1000");

        Assert.InRange(imported, 1, rows - 1);
        Assert.True(resumed.ExitCode == 0, resumed.Output + resumed.Error);
        Assert.Contains("Resumed and finished", resumed.Output, StringComparison.Ordinal);
        Assert.Equal(rows, await WithRegistryAsync(db => db.Citizens.CountAsync(c => c.PersonalIdNumber.StartsWith("0060"))));
        Assert.Equal(rows, await WithRegistryAsync(db => db.IdNumbers.CountAsync(n => n.Number.StartsWith("0060"))));
        Assert.True((await App.VerifyAuditAsync()).Intact);
    }

    [Fact]
    public async Task Export_writes_what_import_reads()
    {
        await App.RunDinhAsync("registry", "import", await WriteFileAsync(Rows(15, "004")));
        var exported = Path.Combine(Path.GetTempPath(), $"dinh-export-{Guid.NewGuid():N}.csv");

        var result = await App.RunDinhAsync("registry", "export", "--purpose", "Transfer to the test system", "--out", exported);
        var lines = await File.ReadAllLinesAsync(exported);
        var again = await App.RunDinhAsync("registry", "import", exported);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(Header, lines[0]);
        Assert.Contains(lines, l => l.StartsWith("0040", StringComparison.Ordinal));
        // Everything exported is already registered: the import recognises it and writes nothing twice.
        Assert.Contains("0 imported", again.Output, StringComparison.Ordinal);
        Assert.True(await WithRegistryAsync(db => db.Database.SqlQueryRaw<string>(
            "SELECT action AS \"Value\" FROM audit_records WHERE action = 'registry.citizens.exported'").AnyAsync()));
    }

    private async Task KillDuringImportAsync(string file)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = AppContext.BaseDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "dinh.dll"), "registry", "import", file, "--batch-size", "1000" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["Dinh__Database__Provider"] = App.Provider;
        start.Environment["ConnectionStrings__Dinh"] = App.ConnectionString;
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            var checkpoint = await WithRegistryAsync(db => db.ImportRuns.AsNoTracking().Where(r => r.FileName == Path.GetFileName(file))
                .Select(r => (long?)r.NextRow).SingleOrDefaultAsync());
            if (checkpoint > 3000)
            {
                break;
            }
            await Task.Delay(20);
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    private async Task EnsureUnitAsync(string code) => await WithRegistryAsync(async db =>
    {
        if (!await db.Units.AnyAsync(u => u.Code == code && u.Level == UnitLevel.Commune))
        {
            db.Units.Add(new AdministrativeUnit
            {
                Code = code, Level = UnitLevel.Commune, Name = "Phường Ba Đình", Type = "Phường", ParentCode = "01",
                ValidFrom = new DateOnly(2025, 7, 1), SearchKey = "PHUONG BA DINH",
            });
            await db.SaveChangesAsync();
        }
        return 0;
    });

    private async Task<T> WithRegistryAsync<T>(Func<RegistryDbContext, Task<T>> work)
    {
        await using var scope = App.Factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<RegistryDbContext>());
    }

    private static async Task<string> WriteFileAsync(params string[] rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"dinh-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, Header + "\n" + string.Join("\n", rows) + "\n", new UTF8Encoding(false));
        return path;
    }

    /// <summary>Valid rows of men born in the 1900s whose numbers start with a province prefix of the test's own.</summary>
    private static string[] Rows(int count, string prefix)
    {
        var random = new Random(prefix.GetHashCode(StringComparison.Ordinal));
        return Enumerable.Range(0, count).Select(i =>
        {
            var year = 1950 + random.Next(50);
            return FormattableString.Invariant($"{prefix}0{year % 100:00}{i:000000},Phạm Văn Số {ToWord(i)},{year}-0{1 + (i % 9)}-1{i % 9},M,01,,VN,,,,,,");
        }).ToArray();
    }

    private static string ToWord(int i) => string.Concat(i.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(d => "Không Một Hai Ba Bốn Năm Sáu Bảy Tám Chín".Split(' ')[d - '0'][0]));
}

public sealed class ImportTestsOnSqlite(SqliteApp app) : ImportTests(app), IClassFixture<SqliteApp>;

public sealed class ImportTestsOnPostgres(PostgresApp app) : ImportTests(app), IClassFixture<PostgresApp>;
