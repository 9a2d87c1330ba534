using Dinh.Platform.Auditing;
using Dinh.Registry.Households;
using Dinh.Registry.Persistence;
using Dinh.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Tests.Registry;

/// <summary>An audited save writes the change once, checks its concurrency token once, and commits with its audit rows.</summary>
public abstract class AuditedChangeTests(DinhApp fixture)
{
    private DinhApp App => fixture.Require();

    [Fact]
    public async Task An_audited_update_of_a_versioned_row_succeeds_and_a_stale_one_fails_without_audit()
    {
        var id = Guid.NewGuid();
        await WithRegistryAsync(async db =>
        {
            db.Households.Add(new Household { Id = id, HeadId = Guid.NewGuid(), UnitCode = "00004", AddressLine = "1 Phố Huế", EstablishedOn = new DateOnly(2020, 1, 1) });
            db.Audit(new AuditEvent("officer:test", "test.household.created", "testing") { Subject = $"household:{id}" });
            return await db.SaveChangesAsync();
        });

        await WithRegistryAsync(async db =>
        {
            var household = await db.Households.SingleAsync(h => h.Id == id);
            household.AddressLine = "2 Phố Huế";
            household.Version++;
            db.Audit(new AuditEvent("officer:test", "test.household.moved", "testing") { Subject = $"household:{id}" });
            return await db.SaveChangesAsync();
        });
        var stale = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => WithRegistryAsync(async db =>
        {
            var household = await db.Households.SingleAsync(h => h.Id == id);
            db.Entry(household).Property(h => h.Version).OriginalValue = 1;
            household.AddressLine = "3 Phố Huế";
            household.Version = 2;
            db.Audit(new AuditEvent("officer:test", "test.household.stale", "testing") { Subject = $"household:{id}" });
            return await db.SaveChangesAsync();
        }));

        var stored = await WithRegistryAsync(db => db.Households.AsNoTracking().SingleAsync(h => h.Id == id));
        Assert.NotNull(stale);
        Assert.Equal(("2 Phố Huế", 2), (stored.AddressLine, stored.Version));
        Assert.False(await WithRegistryAsync(db => db.Set<AuditRecord>().AnyAsync(r => r.Action == "test.household.stale")));
        Assert.True((await App.VerifyAuditAsync()).Intact);
    }

    private async Task<T> WithRegistryAsync<T>(Func<RegistryDbContext, Task<T>> work)
    {
        await using var scope = App.Factory.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<RegistryDbContext>());
    }
}

public sealed class AuditedChangeTestsOnSqlite(SqliteApp app) : AuditedChangeTests(app), IClassFixture<SqliteApp>;

public sealed class AuditedChangeTestsOnPostgres(PostgresApp app) : AuditedChangeTests(app), IClassFixture<PostgresApp>;
