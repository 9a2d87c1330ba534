using System.Net;
using Dinh.Identity;
using Dinh.Identity.Accounts;
using Dinh.Identity.Persistence;
using Dinh.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dinh.Tests.Identity;

/// <summary>Passwords are hashed with Argon2id; older hashes still verify and are replaced at sign-in (ADR 0022).</summary>
public sealed class Argon2idPasswordHasherTests
{
    /// <summary>A hasher with the given parameters, or the shipped defaults.</summary>
    private static Argon2idPasswordHasher<Account> Hasher(int? memoryKiB = null, int? passes = null)
    {
        var options = new PasswordHashOptions();
        options.MemoryKiB = memoryKiB ?? options.MemoryKiB;
        options.Passes = passes ?? options.Passes;
        return new(Options.Create(options), Options.Create(IdentitySetup.HasherOptions));
    }

    [Fact]
    public void A_hash_is_an_argon2id_phc_string_with_a_fresh_salt_and_verifies_only_its_own_password()
    {
        using var hasher = Hasher();
        var first = hasher.HashPassword(new Account(), "mat-khau-dung-2026");
        var second = hasher.HashPassword(new Account(), "mat-khau-dung-2026");

        // The shipped defaults: OWASP's 46 MiB configuration (ADR 0030).
        Assert.StartsWith("$argon2id$v=19$m=47104,t=1,p=1$", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(new Account(), first, "mat-khau-dung-2026"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(new Account(), first, "mat-khau-sai-2026"));
    }

    [Fact]
    public void A_pbkdf2_hash_from_before_verifies_and_asks_to_be_replaced()
    {
        using var hasher = Hasher();
        var old = new PasswordHasher<Account>(Options.Create(IdentitySetup.HasherOptions)).HashPassword(new Account(), "mat-khau-cu-2026");

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, hasher.VerifyHashedPassword(new Account(), old, "mat-khau-cu-2026"));
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(new Account(), old, "mat-khau-khac-2026"));
    }

    [Fact]
    public void A_hash_made_with_weaker_parameters_verifies_and_asks_to_be_replaced()
    {
        using var weaker = Hasher(memoryKiB: 12_288, passes: 3);
        using var hasher = Hasher();
        var hash = weaker.HashPassword(new Account(), "mat-khau-dung-2026");

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, hasher.VerifyHashedPassword(new Account(), hash, "mat-khau-dung-2026"));
    }

    [Fact]
    public void Memory_decides_which_of_two_configurations_is_weaker_so_a_hash_never_moves_back()
    {
        // ADR 0022's 19 MiB x 2 against ADR 0030's 46 MiB x 1: less memory is weaker, whatever the passes.
        using var before = Hasher(memoryKiB: 19_456, passes: 2);
        using var now = Hasher(memoryKiB: 47_104, passes: 1);
        var old = before.HashPassword(new Account(), "mat-khau-dung-2026");
        var current = now.HashPassword(new Account(), "mat-khau-dung-2026");

        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, now.VerifyHashedPassword(new Account(), old, "mat-khau-dung-2026"));
        // An instance still on the old parameters, during a rolling change, keeps the newer hash.
        Assert.Equal(PasswordVerificationResult.Success, before.VerifyHashedPassword(new Account(), current, "mat-khau-dung-2026"));
        // With the same memory, fewer passes are weaker.
        using var morePasses = Hasher(memoryKiB: 47_104, passes: 2);
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, morePasses.VerifyHashedPassword(new Account(), current, "mat-khau-dung-2026"));
    }

    [Theory]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=4$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$not*base64$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    public void A_malformed_or_out_of_bounds_hash_fails_without_an_exception(string stored)
    {
        using var hasher = Hasher();
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(new Account(), stored, "mat-khau-dung-2026"));
    }

    [Fact]
    public void A_tampered_hash_fails()
    {
        using var hasher = Hasher();
        var hash = hasher.HashPassword(new Account(), "mat-khau-dung-2026");
        var tampered = hash[..^2] + (hash[^2] == 'A' ? "B" : "A") + hash[^1];
        Assert.Equal(PasswordVerificationResult.Failed, hasher.VerifyHashedPassword(new Account(), tampered, "mat-khau-dung-2026"));
    }

    [Theory]
    [InlineData(19_456, 2, true)]
    [InlineData(47_104, 1, true)]
    [InlineData(7_168, 5, true)]
    [InlineData(19_456, 1, false)]
    [InlineData(4_096, 10, false)]
    public void Parameters_weaker_than_owasps_minimum_are_refused(int memoryKiB, int passes, bool strongEnough) =>
        Assert.Equal(strongEnough, new PasswordHashOptions { MemoryKiB = memoryKiB, Passes = passes }.IsStrongEnough);
}

public abstract class PasswordUpgradeTests(DinhApp fixture)
{
    [Fact]
    public async Task An_account_with_a_pbkdf2_hash_signs_in_and_its_hash_is_replaced_by_argon2id()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);
        var old = new PasswordHasher<Account>(Options.Create(IdentitySetup.HasherOptions)).HashPassword(new Account(), citizen.Password);
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            Assert.StartsWith("$argon2id$", await db.Accounts.Where(a => a.Id == citizen.AccountId).Select(a => a.PasswordHash).SingleAsync(), StringComparison.Ordinal);
            await db.Accounts.Where(a => a.Id == citizen.AccountId).ExecuteUpdateAsync(a => a.SetProperty(x => x.PasswordHash, old));
        }

        using var browser = app.CreateClient();
        using (var login = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            var stored = await db.Accounts.Where(a => a.Id == citizen.AccountId).Select(a => a.PasswordHash).SingleAsync();
            Assert.StartsWith("$argon2id$v=19$m=47104,t=1,p=1$", stored, StringComparison.Ordinal);
        }
        // And the new hash is the one that signs in from now on.
        using var again = app.CreateClient();
        using var second = await AccountsDriver.PostLoginAsync(again, citizen.Number, citizen.Password);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
    }

    [Fact]
    public async Task A_wrong_password_against_a_pbkdf2_hash_is_refused_and_leaves_the_hash_as_it_was()
    {
        var app = fixture.Require();
        var (citizen, old) = await CitizenWithPbkdf2HashAsync(app);

        using var browser = app.CreateClient();
        using (var login = await AccountsDriver.PostLoginAsync(browser, citizen.Number, "mat-khau-sai-hoan-toan"))
        {
            Assert.NotEqual(HttpStatusCode.Redirect, login.StatusCode);
        }

        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            Assert.Equal(old, await db.Accounts.Where(a => a.Id == citizen.AccountId).Select(a => a.PasswordHash).SingleAsync());
        }
    }

    [Fact]
    public async Task Sign_ins_racing_to_upgrade_one_hash_all_succeed()
    {
        var app = fixture.Require();
        var (citizen, _) = await CitizenWithPbkdf2HashAsync(app);

        // Each reads the PBKDF2 hash and upgrades it; all but the first lose on the concurrency stamp, yet the
        // password was right for all of them (this was a 409 before).
        var statuses = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var browser = app.CreateClient();
            using var login = await AccountsDriver.PostLoginAsync(browser, citizen.Number, citizen.Password);
            return login.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Redirect, status));
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            Assert.StartsWith("$argon2id$", await db.Accounts.Where(a => a.Id == citizen.AccountId).Select(a => a.PasswordHash).SingleAsync(),
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Wrong_passwords_sent_in_parallel_each_count_towards_the_lockout()
    {
        var app = fixture.Require();
        var citizen = await CitizenAccounts.CreateAsync(app);

        // Five guesses at once, the lockout's maximum. Each must count, though all read the account before any wrote.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 5).Select(async i =>
        {
            using var browser = app.CreateClient();
            using var login = await AccountsDriver.PostLoginAsync(browser, citizen.Number, $"doan-sai-{i}-mat-khau");
            return login.StatusCode;
        }));

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.BadRequest, status));
        await using (var scope = app.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            var account = await db.Accounts.AsNoTracking().SingleAsync(a => a.Id == citizen.AccountId);
            Assert.True(account.LockoutEnd > TimeProvider.System.GetUtcNow().AddMinutes(10), $"locked out until {account.LockoutEnd}, {account.AccessFailedCount} failures counted");
            Assert.Equal(5, await db.LoginEvents.CountAsync(e => e.AccountId == citizen.AccountId && e.Outcome == LoginOutcome.WrongPassword));
        }
        // Locked out: even the right password does not sign in now.
        using var owner = app.CreateClient();
        using var refused = await AccountsDriver.PostLoginAsync(owner, citizen.Number, citizen.Password);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
    }

    /// <summary>A citizen whose stored hash is Identity's PBKDF2 one, as accounts made before ADR 0022 have.</summary>
    private static async Task<(TestCitizen Citizen, string Hash)> CitizenWithPbkdf2HashAsync(DinhApp app)
    {
        var citizen = await CitizenAccounts.CreateAsync(app);
        var old = new PasswordHasher<Account>(Options.Create(IdentitySetup.HasherOptions)).HashPassword(new Account(), citizen.Password);
        await using var scope = app.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        await db.Accounts.Where(a => a.Id == citizen.AccountId).ExecuteUpdateAsync(a => a.SetProperty(x => x.PasswordHash, old));
        return (citizen, old);
    }
}

public sealed class PasswordUpgradeTestsOnSqlite(SqliteApp app) : PasswordUpgradeTests(app), IClassFixture<SqliteApp>;

public sealed class PasswordUpgradeTestsOnPostgres(PostgresApp app) : PasswordUpgradeTests(app), IClassFixture<PostgresApp>;
