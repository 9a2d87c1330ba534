using System.CommandLine;
using Dinh.Exchange.Events;
using Dinh.Exchange.Members;
using Dinh.Exchange.Persistence;
using Dinh.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Exchange.Cli;

/// <summary>`dinh members add|list|disable|enable|webhook|requeue` and `dinh grants add|list|revoke`.</summary>
public static class ExchangeCommands
{
    private const string Actor = "system:cli";

    public static IEnumerable<Command> Create(VerbRunner run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return [Members(run), Grants(run), HostedRegistries.RegistryCommands.Create(run)];
    }

    private static Func<ParseResult, CancellationToken, Task<int>> With(VerbRunner run, Func<ParseResult, MemberAdministration, ExchangeDbContext, CancellationToken, Task<int>> action) =>
        (result, cancellationToken) => run(async (services, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            return await action(result, scope.ServiceProvider.GetRequiredService<MemberAdministration>(),
                scope.ServiceProvider.GetRequiredService<ExchangeDbContext>(), ct);
        }, cancellationToken);

    private static Command Members(VerbRunner run)
    {
        var members = new Command("members", "Member systems of the data exchange (COUNTRY/CLASS/CODE/SUBSYSTEM), each an OAuth client.");
        var identifier = new Argument<string>("identifier") { Description = "COUNTRY/CLASS/CODE/SUBSYSTEM, e.g. VN/COM/VIETTEL/sim." };
        var name = new Option<string>("--name") { Description = "The agency's or company's name, shown to citizens.", Required = true };
        var auth = new Option<string>("--auth")
        {
            Description = "How the subsystem authenticates at the token endpoint: private_key_jwt (default), self_signed_tls_client_auth "
                + "or tls_client_auth (mutual TLS through a gateway, see Dinh:Http:ClientCertificates; tls_client_auth: a certificate from a "
                + "configured CA with the --subject DN).",
            DefaultValueFactory = _ => "private_key_jwt",
        };
        auth.AcceptOnlyFromAmong("private_key_jwt", "self_signed_tls_client_auth", "tls_client_auth");
        var subject = new Option<string>("--subject") { Description = "For tls_client_auth: the certificate's subject DN, e.g. \"CN=sim, O=Viettel, C=VN\"." };
        var jwks = new Option<FileInfo>("--jwks-file") { Description = "The subsystem's public key (a JWK or JWK set) for private_key_jwt." };
        var certificate = new Option<FileInfo>("--certificate")
        {
            Description = "The subsystem's self-signed client certificate (PEM, no private key) for self_signed_tls_client_auth.",
        };
        var rate = new Option<int?>("--rate") { Description = "Requests per second (default: Dinh:Exchange:RequestsPerSecond)." };
        var add = new Command("add", "Register a member subsystem and its OAuth client (private_key_jwt or mutual TLS, client credentials, scope exchange).")
        {
            identifier, name, auth, jwks, certificate, subject, rate,
        };
        add.SetAction(With(run, async (result, admin, _, ct) =>
        {
            if (result.GetValue(auth) == "tls_client_auth")
            {
                var refused = await admin.AddSubjectMemberAsync(result.GetValue(identifier)!, result.GetValue(name)!, result.GetValue(subject) ?? "",
                    result.GetValue(rate), Actor, ct);
                if (refused is not null)
                {
                    await Console.Error.WriteLineAsync($"Refused ({refused}). tls_client_auth needs --subject with the certificate's distinguished name.");
                    return 2;
                }
                Console.Out.WriteLine($"Member '{result.GetValue(identifier)}' registered for tls_client_auth with subject {result.GetValue(subject)}. "
                    + "Add grants with `dinh grants add`.");
                return 0;
            }
            var mutualTls = result.GetValue(auth) == "self_signed_tls_client_auth";
            var (option, file) = mutualTls ? ("--certificate", result.GetValue(certificate)) : ("--jwks-file", result.GetValue(jwks));
            if (file is null || !file.Exists)
            {
                await Console.Error.WriteLineAsync(file is null ? $"{option} is required with --auth {result.GetValue(auth)}." : $"No such file: {file.FullName}");
                return 2;
            }
            var text = await File.ReadAllTextAsync(file.FullName, ct);
            var error = mutualTls
                ? await admin.AddCertificateMemberAsync(result.GetValue(identifier)!, result.GetValue(name)!, text, result.GetValue(rate), Actor, ct)
                : await admin.AddMemberAsync(result.GetValue(identifier)!, result.GetValue(name)!, text, result.GetValue(rate), Actor, ct);
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"Refused ({error}). The identifier is COUNTRY/CLASS/CODE/SUBSYSTEM (two upper-case letters, then " +
                    "letters, digits, '-', '_' or '.'); the key file holds the public key only; a certificate is one self-signed PEM certificate " +
                    "for client authentication, not expired, without its private key.");
                return 2;
            }
            if (mutualTls)
            {
                using var registered = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(text);
                Console.Out.WriteLine($"Certificate {registered.Subject}, SHA-256 thumbprint {registered.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)}.");
            }
            Console.Out.WriteLine($"Member '{result.GetValue(identifier)}' registered; its client_id is the identifier. Add grants with `dinh grants add`.");
            return 0;
        }));

        var list = new Command("list", "List members with their status and webhook.");
        list.SetAction(With(run, async (_, _, db, ct) =>
        {
            var rows = await (from m in db.Members.AsNoTracking()
                              join s in db.Subscriptions.AsNoTracking() on m.Id equals s.MemberId into subs
                              from s in subs.DefaultIfEmpty()
                              orderby m.Identifier
                              select new { m.Identifier, m.Status, m.Name, Url = s == null ? null : s.Url }).ToListAsync(ct);
            foreach (var row in rows)
            {
                Console.Out.WriteLine($"{row.Identifier,-40} {row.Status,-8} {row.Name}{(row.Url is null ? "" : "  → " + row.Url)}");
            }
            return 0;
        }));

        Command Status(string verb, MemberStatus status, string description)
        {
            var target = new Argument<string>("identifier");
            var command = new Command(verb, description) { target };
            command.SetAction(With(run, async (result, admin, _, ct) =>
            {
                if (!await admin.SetStatusAsync(result.GetValue(target)!, status, Actor, ct))
                {
                    await Console.Error.WriteLineAsync("No such member.");
                    return 1;
                }
                Console.Out.WriteLine($"Member '{result.GetValue(target)}' is {status.ToString().ToLowerInvariant()}.");
                return 0;
            }));
            return command;
        }

        var webhookMember = new Argument<string>("identifier");
        var url = new Option<string>("--url") { Description = "https URL (http only on loopback) that receives signed event deliveries.", Required = true };
        var webhook = new Command("webhook", "Set the member's webhook; prints the new signing secret once.") { webhookMember, url };
        webhook.SetAction(With(run, async (result, admin, _, ct) =>
        {
            var (error, secret) = await admin.SetWebhookAsync(result.GetValue(webhookMember)!, result.GetValue(url)!, Actor, ct);
            if (error is not null)
            {
                await Console.Error.WriteLineAsync($"Refused ({error}): the member must exist and the URL be https (http only on loopback).");
                return 2;
            }
            Console.Out.WriteLine($"Webhook set. Signing secret (shown once, store it now): {secret}");
            return 0;
        }));

        var parked = new Command("parked", "List deliveries parked after their last attempt.");
        parked.SetAction(With(run, async (_, _, db, ct) =>
        {
            var rows = await db.Deliveries.AsNoTracking().Where(d => d.Status == DeliveryStatus.Parked).OrderBy(d => d.Sequence).Take(1000)
                .Select(d => new { d.Id, d.MemberId, d.Kind, d.Attempts, d.LastError, d.EventId }).ToListAsync(ct);
            foreach (var row in rows)
            {
                Console.Out.WriteLine($"{row.Id} {row.Kind,-10} event {row.EventId} after {row.Attempts} attempts: {row.LastError}");
            }
            return 0;
        }));
        var requeue = new Command("requeue", "Send every parked delivery again.");
        requeue.SetAction(With(run, async (_, admin, _, ct) =>
        {
            Console.Out.WriteLine($"{await admin.RequeueParkedAsync(null, Actor, ct)} deliveries re-queued.");
            return 0;
        }));

        members.Subcommands.Add(add);
        members.Subcommands.Add(list);
        members.Subcommands.Add(Status("disable", MemberStatus.Disabled, "Refuse the member's requests and stop issuing it tokens."));
        members.Subcommands.Add(Status("enable", MemberStatus.Active, "Allow a disabled member again."));
        members.Subcommands.Add(webhook);
        members.Subcommands.Add(parked);
        members.Subcommands.Add(requeue);
        return members;
    }

    private static Command Grants(VerbRunner run)
    {
        var grants = new Command("grants", "What each member may read, for which purposes, under which legal basis.");
        var member = new Argument<string>("identifier") { Description = "The member (COUNTRY/CLASS/CODE/SUBSYSTEM)." };
        var dataset = new Option<string>("--dataset") { Description = "person, verification or events.", Required = true };
        var fields = new Option<string[]>("--field") { Description = "Fields (person, verification) or event kinds (birth death residence name).", Required = true, AllowMultipleArgumentsPerToken = true };
        var purposes = new Option<string[]>("--purpose") { Description = "Purpose codes the member may give in Dinh-Purpose, e.g. sim-subscriber-verification.", Required = true, AllowMultipleArgumentsPerToken = true };
        var basis = new Option<string>("--legal-basis") { Description = "The law or decision that allows the access.", Required = true };
        var consent = new Option<bool>("--consent-required") { Description = "Each access needs the citizen's consent in force (e.g. a bank's eKYC)." };
        var add = new Command("add", "Grant a member a dataset's fields for purposes.") { member, dataset, fields, purposes, basis, consent };
        add.SetAction(With(run, async (result, admin, _, ct) =>
        {
            var (error, id) = await admin.AddGrantAsync(result.GetValue(member)!, result.GetValue(dataset)!, result.GetValue(fields) ?? [],
                result.GetValue(purposes) ?? [], result.GetValue(basis)!, result.GetValue(consent), Actor, ct);
            if (error is not null)
            {
                var known = string.Join("; ", Datasets.Fields.Select(d => $"{d.Key}: {string.Join(' ', d.Value)}"));
                await Console.Error.WriteLineAsync($"Refused ({error}). Datasets and fields: {known}. Purposes are lower-case codes (a-z, 0-9, '-').");
                return 2;
            }
            Console.Out.WriteLine($"Grant {id} added.");
            return 0;
        }));
        var listMember = new Argument<string?>("identifier") { Arity = ArgumentArity.ZeroOrOne };
        var list = new Command("list", "List active grants (of one member, or all).") { listMember };
        list.SetAction(With(run, async (result, _, db, ct) =>
        {
            var filter = result.GetValue(listMember);
            var rows = await (from g in db.Grants.AsNoTracking()
                              join m in db.Members.AsNoTracking() on g.MemberId equals m.Id
                              where g.RevokedAt == null && (filter == null || m.Identifier == filter)
                              orderby m.Identifier, g.Dataset
                              select new { g.Id, m.Identifier, g.Dataset, g.Fields, g.Purposes, g.ConsentRequired, g.LegalBasis }).ToListAsync(ct);
            foreach (var row in rows)
            {
                Console.Out.WriteLine($"{row.Id} {row.Identifier} {row.Dataset} [{row.Fields}] for [{row.Purposes}]{(row.ConsentRequired ? " consent required" : "")} — {row.LegalBasis}");
            }
            return 0;
        }));
        var grantId = new Argument<Guid>("grant-id");
        var revoke = new Command("revoke", "Revoke a grant (it stays on record).") { grantId };
        revoke.SetAction(With(run, async (result, admin, _, ct) =>
        {
            if (!await admin.RevokeGrantAsync(result.GetValue(grantId), Actor, ct))
            {
                await Console.Error.WriteLineAsync("No such active grant.");
                return 1;
            }
            Console.Out.WriteLine("Grant revoked.");
            return 0;
        }));
        grants.Subcommands.Add(add);
        grants.Subcommands.Add(list);
        grants.Subcommands.Add(revoke);
        return grants;
    }
}
