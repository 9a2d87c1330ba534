using System.CommandLine;
using Dinh.Exchange.Persistence;
using Dinh.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Exchange.HostedRegistries;

/// <summary>`dinh registries load|list|grant|grants|revoke`: hosted registries from the command line.</summary>
internal static class RegistryCommands
{
    private const string Actor = "system:cli";

    public static Command Create(VerbRunner run)
    {
        var registries = new Command("registries", "Hosted registries (GovStack Digital Registries API): load, list, grant access.");

        var directory = new Argument<DirectoryInfo>("directory") { Description = "A directory with registry.json, schema.json and records.jsonl (docs/hosted-registries.md)." };
        var load = new Command("load", "Create or update a registry and its records from a directory; re-running changes only what differs.") { directory };
        load.SetAction(With(run, async (result, services, ct) =>
        {
            var outcome = await services.GetRequiredService<RegistryLoader>().LoadAsync(result.GetValue(directory)!.FullName, ct);
            if (!outcome.Succeeded)
            {
                foreach (var error in outcome.Errors)
                {
                    await Console.Error.WriteLineAsync(error);
                }
                await Console.Error.WriteLineAsync("Nothing was written.");
                return 2;
            }
            Console.Out.WriteLine($"Registry {outcome.Registry}: {outcome.Created} records created, {outcome.Updated} updated, {outcome.Unchanged} unchanged.");
            return 0;
        }));

        var list = new Command("list", "List registries with their database id (for /database/{id}) and record count.");
        list.SetAction(With(run, async (_, services, ct) =>
        {
            var db = services.GetRequiredService<HostedRegistriesDbContext>();
            var rows = await db.Registries.AsNoTracking().OrderBy(r => r.Code).ThenBy(r => r.Version)
                .Select(r => new { r.Id, r.Code, r.Version, r.Name, Records = db.Records.Count(x => x.RegistryId == r.Id) }).ToListAsync(ct);
            foreach (var row in rows)
            {
                Console.Out.WriteLine($"{row.Id,5} {row.Code}/{row.Version,-8} {row.Records,8} records  {row.Name}");
            }
            return 0;
        }));

        var code = new Argument<string>("code") { Description = "The registry code (the {registryName} of /data/{registryName}/{version})." };
        var member = new Argument<string>("member") { Description = "The member (COUNTRY/CLASS/CODE/SUBSYSTEM)." };
        var operations = new Option<string[]>("--operation") { Description = "read, write, delete, usage, schema.", Required = true, AllowMultipleArgumentsPerToken = true };
        var purposes = new Option<string[]>("--purpose") { Description = "Purpose codes the member may give in Dinh-Purpose.", Required = true, AllowMultipleArgumentsPerToken = true };
        var basis = new Option<string>("--legal-basis") { Description = "The law or decision that allows the access.", Required = true };
        var grant = new Command("grant", "Grant a member operations on a registry code, for purposes.") { code, member, operations, purposes, basis };
        grant.SetAction(With(run, async (result, services, ct) =>
        {
            var (error, id) = await services.GetRequiredService<RegistryGrants>().AddAsync(result.GetValue(code)!, result.GetValue(member)!,
                result.GetValue(operations) ?? [], result.GetValue(purposes) ?? [], result.GetValue(basis)!, Actor, ct);
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"Refused ({error}): the code is [A-Za-z0-9_-], the member must exist, operations are " +
                    $"{string.Join(' ', RegistryOperations.All)}, purposes are lower-case codes (a-z, 0-9, '-').");
                return 2;
            }
            Console.Out.WriteLine($"Grant {id} added.");
            return 0;
        }));

        var grants = new Command("grants", "List active registry grants.");
        grants.SetAction(With(run, async (_, services, ct) =>
        {
            var db = services.GetRequiredService<HostedRegistriesDbContext>();
            var members = await services.GetRequiredService<ExchangeDbContext>().Members.AsNoTracking().ToDictionaryAsync(m => m.Id, m => m.Identifier, ct);
            foreach (var row in await db.Grants.AsNoTracking().Where(g => g.RevokedAt == null).OrderBy(g => g.RegistryCode).ToListAsync(ct))
            {
                Console.Out.WriteLine($"{row.Id} {row.RegistryCode} {members.GetValueOrDefault(row.MemberId)} [{row.Operations}] for [{row.Purposes}] — {row.LegalBasis}");
            }
            return 0;
        }));

        var grantId = new Argument<Guid>("grant-id");
        var revoke = new Command("revoke", "Revoke a registry grant (it stays on record).") { grantId };
        revoke.SetAction(With(run, async (result, services, ct) =>
        {
            if (!await services.GetRequiredService<RegistryGrants>().RevokeAsync(result.GetValue(grantId), Actor, ct))
            {
                await Console.Error.WriteLineAsync("No such active grant.");
                return 1;
            }
            Console.Out.WriteLine("Grant revoked.");
            return 0;
        }));

        registries.Subcommands.Add(load);
        registries.Subcommands.Add(list);
        registries.Subcommands.Add(grant);
        registries.Subcommands.Add(grants);
        registries.Subcommands.Add(revoke);
        return registries;
    }

    private static Func<ParseResult, CancellationToken, Task<int>> With(VerbRunner run, Func<ParseResult, IServiceProvider, CancellationToken, Task<int>> action) =>
        (result, cancellationToken) => run(async (services, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            return await action(result, scope.ServiceProvider, ct);
        }, cancellationToken);
}
