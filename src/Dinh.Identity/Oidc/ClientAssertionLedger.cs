using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Dinh.Identity.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenIddict.Abstractions;

namespace Dinh.Identity.Oidc;

/// <summary>
/// Records each client assertion's jti once, in OpenIddict's token table, whose unique reference id decides between
/// requests and between instances. Requests that arrive while a batch is being written wait for the next one, and a
/// batch is one multi-row <c>INSERT … ON CONFLICT DO NOTHING RETURNING</c>: one round trip and one commit for many
/// assertions (group commit) instead of one each, which was most of the database's work under token load
/// (docs/performance.md). A jti twice in one batch is decided here: only its first use is sent, the others lose.
/// A request never gets an answer before its row is committed, so no assertion is accepted twice anywhere.
/// </summary>
internal sealed class ClientAssertionLedger(IServiceScopeFactory scopes) : BackgroundService
{
    public const string TokenType = "dinh_client_assertion";
    private const int MaxBatch = 200;

    private readonly Channel<Entry> queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });

    private sealed record Entry(string Reference, string ClientId, DateTime Expires, DateTime Now, TaskCompletionSource<bool> Recorded);

    /// <summary>True when this is the assertion's first use (its row is now committed), false when it was used before.</summary>
    public Task<bool> RecordAsync(string reference, string clientId, DateTimeOffset expires, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var entry = new Entry(reference, clientId, expires.UtcDateTime, now.UtcDateTime, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(entry))
        {
            throw new InvalidOperationException("The client-assertion ledger is stopped.");
        }
        return entry.Recorded.Task.WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Entry>(MaxBatch);
        try
        {
            while (await queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxBatch && queue.Reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                }
                await WriteAsync(batch, stoppingToken);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
            while (queue.Reader.TryRead(out var left))
            {
                left.Recorded.TrySetCanceled(stoppingToken);
            }
        }
    }

    private async Task WriteAsync(List<Entry> batch, CancellationToken cancellationToken)
    {
        var first = new Dictionary<string, Entry>(batch.Count, StringComparer.Ordinal);
        foreach (var entry in batch)
        {
            if (!first.TryAdd(entry.Reference, entry))
            {
                entry.Recorded.TrySetResult(false);
            }
        }
        try
        {
            var inserted = await InsertAsync([.. first.Values], cancellationToken);
            foreach (var (reference, entry) in first)
            {
                entry.Recorded.TrySetResult(inserted.Contains(reference));
            }
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or OperationCanceledException)
        {
            foreach (var entry in first.Values)
            {
                entry.Recorded.TrySetException(exception);
            }
        }
    }

    private async Task<HashSet<string>> InsertAsync(IReadOnlyList<Entry> entries, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AccountsDbContext>();
        var postgres = db.OnPostgres;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder("""INSERT INTO "OpenIddictTokens" (id, concurrency_token, creation_date, expiration_date, redemption_date, reference_id, status, subject, type) VALUES """);
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                // EF maps a Guid to uuid on PostgreSQL and to upper-case text on SQLite; a raw parameter must match.
                object id = postgres ? Guid.CreateVersion7(entry.Now) : Guid.CreateVersion7(entry.Now).ToString().ToUpperInvariant();
                sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@i{i}, @c{i}, @n{i}, @e{i}, @n{i}, @r{i}, @s, @u{i}, @t)");
                Add(command, $"@i{i}", id);
                Add(command, $"@c{i}", Guid.NewGuid().ToString());
                Add(command, $"@n{i}", entry.Now);
                Add(command, $"@e{i}", entry.Expires);
                Add(command, $"@r{i}", entry.Reference);
                Add(command, $"@u{i}", entry.ClientId);
            }
            Add(command, "@s", OpenIddictConstants.Statuses.Redeemed);
            Add(command, "@t", TokenType);
            sql.Append(" ON CONFLICT (reference_id) DO NOTHING RETURNING reference_id");
            command.CommandText = sql.ToString();
            var inserted = new HashSet<string>(entries.Count, StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                inserted.Add(reader.GetString(0));
            }
            return inserted;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
