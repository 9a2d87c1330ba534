using System.Text;
using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Dinh.Registry.Households;
using Dinh.Registry.Persistence;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Registry;

/// <summary>`dinh seed --citizens N`: a synthetic population that obeys the registry's own rules.</summary>
public abstract class SeedTests(DinhApp fixture)
{
    private DinhApp App => fixture.Require();

    [Fact]
    public async Task Seed_creates_a_population_whose_numbers_households_and_residences_follow_the_rules()
    {
        var result = await App.RunDinhAsync("seed", "--citizens", "2000", "--random-seed", "7");
        var again = await App.RunDinhAsync("seed", "--citizens", "10");

        Assert.True(result.ExitCode == 0, result.Output + result.Error);
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("already holds citizens", again.Error, StringComparison.Ordinal);

        await using var scope = App.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var citizens = await db.Citizens.AsNoTracking().ToListAsync();
        Assert.InRange(citizens.Count, 2000, 2010);
        Assert.Equal(citizens.Count, citizens.Select(c => c.PersonalIdNumber).Distinct().Count());
        Assert.All(citizens, c =>
        {
            Assert.Null(PersonalIdNumber.Problem(c.PersonalIdNumber, c.Sex, c.BirthYear));
            Assert.True(c.FullName.IsNormalized(NormalizationForm.FormC));
            Assert.Equal(VietnameseText.ToneKey(c.FullName), c.NameKeyTone);
        });
        Assert.InRange(citizens.Count(c => c.FullName.StartsWith("Nguyễn ", StringComparison.Ordinal)) / (double)citizens.Count, 0.25, 0.5);
        Assert.Contains(citizens, c => c.BirthMonth is null);
        var today = Dinh.Platform.VietnamTime.Today(TimeProvider.System);
        Assert.All(citizens, c => Assert.True(new PartialDate(c.BirthYear, c.BirthMonth, c.BirthDay).Earliest <= today));

        var deceased = citizens.Where(c => c.Status == CitizenStatus.Deceased).Select(c => c.Id).ToHashSet();
        Assert.NotEmpty(deceased);
        var residences = await db.Residences.AsNoTracking().ToListAsync();
        Assert.All(residences.Where(r => deceased.Contains(r.CitizenId)), r => Assert.NotNull(r.EndedOn));
        Assert.Contains(residences, r => r.Kind == ResidenceKind.Temporary);
        Assert.All(residences.Where(r => r.Kind == ResidenceKind.Temporary), r => Assert.True(r.ValidUntil <= r.ValidFrom.AddYears(2)));

        var members = await db.HouseholdMembers.AsNoTracking().ToListAsync();
        foreach (var household in await db.Households.AsNoTracking().ToListAsync())
        {
            var heads = members.Where(m => m.HouseholdId == household.Id && m.RelationToHead == "Chủ hộ" && m.LeftOn is null).ToList();
            Assert.Equal(household.HeadId, Assert.Single(heads).CitizenId);
        }
        Assert.True((await App.VerifyAuditAsync()).Intact);
    }
}

public sealed class SeedTestsOnSqlite(SqliteApp app) : SeedTests(app), IClassFixture<SqliteApp>;

public sealed class SeedTestsOnPostgres(PostgresApp app) : SeedTests(app), IClassFixture<PostgresApp>;
