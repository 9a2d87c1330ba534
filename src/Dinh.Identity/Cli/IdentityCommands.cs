using System.CommandLine;
using Dinh.Identity.Accounts;
using Dinh.Identity.Oidc;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace Dinh.Identity.Cli;

/// <summary>`dinh clients add|list` and `dinh keys rotate|list`.</summary>
public static class IdentityCommands
{
    public static IEnumerable<Command> Create(VerbRunner run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return [Clients(run), Keys(run), Accounts(run)];
    }

    private static Command Clients(VerbRunner run)
    {
        var clients = new Command("clients", "Applications that log in with Dinh (OpenID Connect relying parties and agency systems).");
        var id = new Option<string>("--client-id") { Description = "The client identifier.", Required = true };
        var name = new Option<string>("--name") { Description = "The name shown on the consent page.", Required = true };
        var redirect = new Option<string[]>("--redirect-uri") { Description = "A redirect URI, matched exactly (repeat for several).", AllowMultipleArgumentsPerToken = true };
        var postLogout = new Option<string[]>("--post-logout-uri") { Description = "A post-logout redirect URI (repeat for several).", AllowMultipleArgumentsPerToken = true };
        var scopes = new Option<string[]>("--scope") { Description = "An allowed scope: openid profile birthdate personal_id phone email offline_access registry.read.", AllowMultipleArgumentsPerToken = true };
        var grants = new Option<string[]>("--grant") { Description = "authorization_code (with refresh_token) and/or client_credentials.", AllowMultipleArgumentsPerToken = true };
        var auth = new Option<string>("--auth") { Description = "private_key_jwt (recommended for agencies), client_secret_basic, client_secret_post, or none (a public client: PKCE only).", DefaultValueFactory = _ => "private_key_jwt" };
        var jwks = new Option<FileInfo?>("--jwks-file") { Description = "The client's public keys (a JWK or a JWK set, JSON) for private_key_jwt." };
        var minLevel = new Option<int>("--min-level") { Description = "The lowest e-ID level the client accepts (1 or 2).", DefaultValueFactory = _ => 1 };
        var logo = new Option<string?>("--logo") { Description = "Logo URL shown on the consent page." };
        var sector = new Option<string?>("--sector") { Description = "Sector of the pairwise subject (clients of one agency may share it); default: the client id." };
        var alg = new Option<string>("--alg") { Description = "Signing algorithm of its tokens: ES256 (default) or RS256.", DefaultValueFactory = _ => "ES256" };
        var add = new Command("add", "Register an application. A client secret, when the method needs one, is generated and printed once.")
            { id, name, redirect, postLogout, scopes, grants, auth, jwks, minLevel, logo, sector, alg };
        add.SetAction((result, cancellationToken) => run(async (services, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            var method = result.GetValue(auth)!;
            var jwksText = result.GetValue(jwks) is { Exists: true } file ? await File.ReadAllTextAsync(file.FullName, ct) : null;
            var grantList = result.GetValue(grants) is { Length: > 0 } g ? g : ["authorization_code"];
            var clientId = result.GetValue(id)!.Trim();
            var (error, secret) = await scope.ServiceProvider.GetRequiredService<ClientRegistration>().AddAsync(new ClientRequest(clientId,
                result.GetValue(name)!, method, grantList, result.GetValue(scopes) ?? [], result.GetValue(redirect) ?? [], result.GetValue(postLogout) ?? [],
                jwksText, result.GetValue(minLevel) == 2 ? AssuranceLevel.Level2 : AssuranceLevel.Level1, result.GetValue(logo), result.GetValue(sector),
                result.GetValue(alg) ?? "ES256"), ct);
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"Refused ({error}): see `dinh clients add --help`. Redirect URIs must be absolute https (http only on loopback), " +
                    "without fragment or user info; private_key_jwt needs --jwks-file with the public key only.");
                return 2;
            }
            Console.Out.WriteLine($"Client '{clientId}' registered ({method}, {string.Join(" ", grantList)}).");
            if (secret is not null)
            {
                Console.Out.WriteLine($"Client secret (shown once, store it now): {secret}");
            }
            return 0;
        }, cancellationToken));
        var list = new Command("list", "List registered applications.");
        list.SetAction((_, cancellationToken) => run(async (services, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await foreach (var application in applications.ListAsync(null, null, ct))
            {
                Console.Out.WriteLine($"{await applications.GetClientIdAsync(application, ct),-30} {await applications.GetClientTypeAsync(application, ct),-13} {await applications.GetDisplayNameAsync(application, ct)}");
            }
            return 0;
        }, cancellationToken));
        clients.Subcommands.Add(add);
        clients.Subcommands.Add(list);
        return clients;
    }

    private static Command Accounts(VerbRunner run)
    {
        var accounts = new Command("accounts", "Officers' and administrators' accounts.");
        var login = new Option<string>("--login") { Description = "Login name (letters, digits, . - _).", Required = true };
        var name = new Option<string>("--name") { Description = "Name shown to colleagues.", Required = true };
        var kind = new Option<string>("--kind") { Description = "officer or administrator.", DefaultValueFactory = _ => "officer" };
        var role = new Option<string?>("--role") { Description = "Officer role: CivilStatus, ResidencePolice or DataSteward." };
        var level = new Option<string?>("--jurisdiction") { Description = "Commune, Province or National." };
        var unit = new Option<string?>("--unit") { Description = "Unit code of the jurisdiction (2025 structure), unless National." };
        var add = new Command("add-staff", "Create a staff account. Its password and TOTP key are generated and printed once; " +
            "the person adds the key to an authenticator app and changes the password after the first sign-in.") { login, name, kind, role, level, unit };
        add.SetAction((result, cancellationToken) => run(async (services, ct) =>
        {
            var isOfficer = result.GetValue(kind) != "administrator";
            var officerRole = StaffAccounts.ByName<Registry.Officers.OfficerRole>(result.GetValue(role));
            var jurisdiction = StaffAccounts.ByName<Registry.Officers.JurisdictionLevel>(result.GetValue(level));
            if (isOfficer && (officerRole is null || jurisdiction is null))
            {
                await Console.Error.WriteLineAsync("An officer needs --role, --jurisdiction and (unless National) --unit.");
                return 2;
            }
            await using var scope = services.CreateAsyncScope();
            var (refusal, created) = await scope.ServiceProvider.GetRequiredService<StaffAccounts>().CreateAsync(result.GetValue(login), result.GetValue(name),
                isOfficer ? AccountKind.Officer : AccountKind.Administrator, officerRole, jurisdiction, result.GetValue(unit), issueTotpKey: true, null, null, ct);
            if (created is null)
            {
                await Console.Error.WriteLineAsync($"Refused ({refusal}): " + (refusal == StaffChangeRefusal.UnitUnknown
                    ? $"no {jurisdiction} unit '{result.GetValue(unit)}' in today's structure (2025 codes: 5 digits for a commune, 2 for a province, none for National)."
                    : StaffCommands.Explain(refusal)));
                return 2;
            }
            Console.Out.WriteLine($"Account '{created.Login}' created ({(isOfficer ? AccountKind.Officer : AccountKind.Administrator)}).");
            Console.Out.WriteLine($"Password (shown once): {created.Password}");
            Console.Out.WriteLine($"TOTP key (shown once): {created.TotpKey}   {created.TotpUri}");
            return 0;
        }, cancellationToken));
        accounts.Subcommands.Add(add);
        accounts.Subcommands.Add(ResetTotp(run));
        foreach (var command in StaffCommands.Create(run))
        {
            accounts.Subcommands.Add(command);
        }
        return accounts;
    }

    private static Command ResetTotp(VerbRunner run)
    {
        var login = new Option<string>("--login") { Description = "The staff account's login.", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the audit trail).", Required = true };
        var reset = new Command("reset-totp", "Reset a staff account's second factor after a lost authenticator: the old key stops working, " +
            "every session ends, and within 3 days the person signs in with the password to enrol a new key at /account.") { login, reason };
        reset.SetAction((result, cancellationToken) => run(async (services, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Account>>();
            if (await users.FindByNameAsync(result.GetValue(login)!) is not { IsStaff: true } account)
            {
                await Console.Error.WriteLineAsync($"No staff account '{result.GetValue(login)}'.");
                return 1;
            }
            var refusal = await scope.ServiceProvider.GetRequiredService<StaffTotpReset>().ResetAsync(account.Id, null, result.GetValue(reason), null);
            if (refusal != TotpResetRefusal.None)
            {
                await Console.Error.WriteLineAsync("Refused: a reason of at most 500 characters is required.");
                return 2;
            }
            Console.Out.WriteLine($"Second factor of '{account.UserName}' reset; every session ended. Within 3 days: sign in with the password, enrol a new key at /account.");
            return 0;
        }, cancellationToken));
        return reset;
    }

    private static Command Keys(VerbRunner run)
    {
        var keys = new Command("keys", "The OpenID provider's signing keys (shared by every instance through the database).");
        var ahead = new Option<int>("--publish-minutes") { Description = "Minutes the new key is published before it signs (relying parties refresh their JWKS).", DefaultValueFactory = _ => 15 };
        var keep = new Option<int>("--keep-minutes") { Description = "Minutes the old key stays published after it stops signing (tokens it signed still validate).", DefaultValueFactory = _ => 60 };
        var algorithm = new Option<string>("--algorithm") { Description = "ES256 (default) or RS256.", DefaultValueFactory = _ => "ES256" };
        var rotate = new Command("rotate", "Create a new signing key: published now, signing after --publish-minutes; the current key then retires " +
            "and stays published for --keep-minutes. Every instance picks the change up within 15 seconds.") { ahead, keep, algorithm };
        rotate.SetAction((result, cancellationToken) => run(async (services, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            var ring = services.GetRequiredService<ProviderKeyRing>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var alg = result.GetValue(algorithm) == "RS256" ? "RS256" : "ES256";
            var activates = now.AddMinutes(Math.Max(0, result.GetValue(ahead)));
            var retiring = await db.ProviderKeys.Where(k => k.Use == ProviderKeyUse.Signing && k.Algorithm == alg && k.RetiresAt == null).ToListAsync(ct);
            foreach (var old in retiring)
            {
                old.RetiresAt = activates;
                old.ExpiresAt = activates.AddMinutes(Math.Max(15, result.GetValue(keep)));
            }
            var key = ProviderKeyRing.NewSigningKey(alg, ring.Protector, now, activates);
            db.ProviderKeys.Add(key);
            db.Audit(IdentityAudit.Of("cli", "oidc.key.rotated", $"key:{key.KeyId}", "signing key rotation", "operations", null, alg));
            await db.SaveChangesAsync(ct);
            Console.Out.WriteLine($"New {alg} key {key.KeyId}: published now, signs from {activates:u}; {retiring.Count} key(s) retire then.");
            return 0;
        }, cancellationToken));
        var list = new Command("list", "List the provider's keys and their windows.");
        list.SetAction((_, cancellationToken) => run(async (services, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
            foreach (var k in (await db.ProviderKeys.AsNoTracking().ToListAsync(ct)).OrderBy(k => k.Use).ThenBy(k => k.ActivatesAt))
            {
                Console.Out.WriteLine($"{k.Use,-10} {k.Algorithm,-6} {k.KeyId,-40} active {k.ActivatesAt:u} → {(k.RetiresAt is { } r ? r.ToString("u", System.Globalization.CultureInfo.InvariantCulture) : "—")}");
            }
            return 0;
        }, cancellationToken));
        keys.Subcommands.Add(rotate);
        keys.Subcommands.Add(list);
        return keys;
    }
}
