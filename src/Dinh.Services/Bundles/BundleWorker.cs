using System.Text.Json;
using System.Threading.Channels;
using Dinh.Services.Calendar;
using Dinh.Services.Catalogue;
using Dinh.Services.Dossiers;
using Dinh.Services.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dinh.Services.Bundles;

/// <summary>Wakes this instance's bundle worker when a decision marked a bundle; bundles marked elsewhere are found by polling.</summary>
internal sealed class BundleSignal
{
    // One pending wake-up is enough: the worker takes every marked bundle when it wakes.
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _pending.Writer.TryWrite(true);

    /// <summary>True when notified, false when the timeout passed first.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _pending.Reader.ReadAsync(timer.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>
/// Advances interconnected bundles: opens each step whose prerequisites are approved as a dossier in its agency's
/// queue, prefilled from the declaration and the earlier steps' results; stops a bundle when a step is rejected or
/// withdrawn (the steps depending on it are never opened) and tells the citizen; completes it when every chosen step is
/// approved. Each pass is one transaction per batch; on PostgreSQL the batch is claimed with FOR UPDATE SKIP LOCKED so
/// instances share the work, on SQLite (one instance) the write lock serialises it. A crash before the commit leaves
/// the bundle marked and the next pass (here or on another instance) does the same work once: the unique (bundle,
/// step) index makes opening a step idempotent. Dinh:Services:BundleWorker=false turns the worker off on an instance.
/// </summary>
internal sealed partial class BundleWorker(IServiceProvider services, BundleSignal signal, IConfiguration configuration, ILogger<BundleWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Dinh:Services:BundleWorker", true))
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await AdvanceBatchAsync(services, 20, stoppingToken) > 0)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                // Nothing committed: the bundles stay marked and the next pass retries them.
                LogPassFailed(logger, e.GetType().Name);
            }
            try
            {
                await signal.WaitAsync(Poll, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass over up to <paramref name="batch"/> marked bundles, in one transaction; returns how many it advanced.</summary>
    public static async Task<int> AdvanceBatchAsync(IServiceProvider services, int batch, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ServicesDbContext>();
        var catalogue = scope.ServiceProvider.GetRequiredService<ProcedureCatalogue>();
        var calendar = scope.ServiceProvider.GetRequiredService<WorkingCalendar>();
        var notices = scope.ServiceProvider.GetRequiredService<DossierNotices>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        List<Guid> ids = db.Database.IsNpgsql()
            ? await db.Database.SqlQueryRaw<Guid>(
                "SELECT id AS \"Value\" FROM service_bundles WHERE needs_advance ORDER BY submitted_at LIMIT {0} FOR UPDATE SKIP LOCKED", batch)
                .ToListAsync(cancellationToken)
            : await db.Bundles.Where(b => b.NeedsAdvance).OrderBy(b => b.Id).Select(b => b.Id).Take(batch).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }
        var days = await calendar.LoadAsync(cancellationToken);
        var bundles = await db.Bundles.Where(b => ids.Contains(b.Id)).ToListAsync(cancellationToken);
        foreach (var bundle in bundles)
        {
            await AdvanceAsync(db, catalogue, days, notices, bundle, clock.GetUtcNow(), cancellationToken);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return bundles.Count;
    }

    private static async Task AdvanceAsync(ServicesDbContext db, ProcedureCatalogue catalogue, WorkingDays days, DossierNotices notices, Bundle bundle,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        bundle.NeedsAdvance = false;
        bundle.Version++;
        if (bundle.Status != BundleStatus.Open)
        {
            return;
        }
        var spec = (await catalogue.VersionAsync(bundle.ProcedureCode, bundle.ProcedureVersion, cancellationToken))!;
        var chosen = bundle.Steps;
        var dossiers = await db.Dossiers.AsNoTracking().Where(d => d.BundleId == bundle.Id).ToDictionaryAsync(d => d.BundleStep!.Value, cancellationToken);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var approved = new HashSet<string>(StringComparer.Ordinal);
        var fields = new Dictionary<string, string>(bundle.Fields, StringComparer.Ordinal);
        string? failure = null;
        foreach (var index in chosen)
        {
            if (!dossiers.TryGetValue(index, out var dossier))
            {
                continue;
            }
            var code = spec.Steps![index].Procedure;
            if (dossier.Status is DossierStatus.Rejected or DossierStatus.Withdrawn)
            {
                failed.Add(code);
                failure ??= $"{dossier.ReceiptCode}: {dossier.Status}{(dossier.Reason is null ? "" : " — " + dossier.Reason)}";
            }
            else if (dossier.Status == DossierStatus.Approved)
            {
                approved.Add(code);
                foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(dossier.ResultJson ?? "{}") ?? [])
                {
                    if (key is not ("document" or "number"))
                    {
                        fields[key] = value;
                    }
                }
            }
        }
        var blocked = new HashSet<string>(failed, StringComparer.Ordinal);
        var waiting = false;
        foreach (var index in chosen)
        {
            var step = spec.Steps![index];
            if (dossiers.TryGetValue(index, out var existing))
            {
                waiting |= existing.IsOpen;
                continue;
            }
            if (step.DependsOn.Any(blocked.Contains))
            {
                blocked.Add(step.Procedure);
                continue;
            }
            if (!step.DependsOn.All(approved.Contains))
            {
                waiting = true;
                continue;
            }
            var procedure = (await catalogue.LatestAsync(step.Procedure, cancellationToken))!;
            var stepFields = new Dictionary<string, string>(fields, StringComparer.Ordinal);
            if (!stepFields.TryGetValue(procedure.UnitField, out var unit))
            {
                unit = fields.GetValueOrDefault("householdCommune") ?? fields["registrationUnitCode"];
                stepFields[procedure.UnitField] = unit;
            }
            var dossier = Dossier.Submit(Guid.CreateVersion7(now), $"{bundle.ReceiptCode}-{index + 1}", procedure, bundle.ApplicantCitizenId,
                bundle.ApplicantAccountId, unit, stepFields, days, now, "system:bundle", bundle.Id, index);
            db.Dossiers.Add(dossier);
            await notices.QueueAsync(db, bundle.ApplicantAccountId, dossier.ReceiptCode, DossierNotices.StatusText(dossier.Status), cancellationToken);
            waiting = true;
        }
        if (failure is not null && bundle.StopReason is null)
        {
            // The citizen learns at once why the dependent steps will not be opened, even while independent ones continue.
            bundle.StopReason = failure;
            await notices.QueueAsync(db, bundle.ApplicantAccountId, bundle.ReceiptCode, "bi dung do mot buoc bi tu choi hoac rut", cancellationToken);
        }
        if (!waiting)
        {
            bundle.Status = failed.Count == 0 && blocked.Count == 0 ? BundleStatus.Completed : BundleStatus.Stopped;
            bundle.FinishedAt = now;
            if (bundle.Status == BundleStatus.Completed)
            {
                await notices.QueueAsync(db, bundle.ApplicantAccountId, bundle.ReceiptCode, "da hoan thanh tat ca cac buoc", cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bundle worker pass failed ({Error}); the bundles stay marked and are retried.")]
    private static partial void LogPassFailed(ILogger logger, string error);
}
