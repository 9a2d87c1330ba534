using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dinh.Platform;
using Dinh.Platform.Auditing;
using Dinh.Registry.Persistence;
using Dinh.Registry.Units;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Dinh.Registry.Import;

internal sealed record ImportOptions(string Path, string LegalBasis, string Actor, int BatchSize = 10_000);

internal sealed record ImportResult(string Encoding, long Rows, long Imported, long AlreadyRegistered, long Rejected,
    bool Resumed, bool AlreadyDone, string ErrorReport, TimeSpan Elapsed);

/// <summary>
/// <c>dinh registry import FILE.csv</c>: bulk load for digitised civil-status books and for moving data between
/// systems. Every row is validated and every valid row is imported; bad rows go to FILE.errors.csv with row,
/// field and code. Batches commit with their checkpoint, so a killed run resumes where it stopped.
/// </summary>
internal sealed class ImportCitizens(RegistryDbContext db, TimeProvider clock)
{
    public async Task<ImportResult> RunAsync(ImportOptions options, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var file = new FileStream(options.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        file.Position = 0;
        var (encoding, encodingName) = await TextEncodingDetector.DetectAsync(file, cancellationToken);
        var errorReport = options.Path + ".errors.csv";

        var run = await db.ImportRuns.SingleOrDefaultAsync(r => r.FileSha256 == sha, cancellationToken);
        if (run?.FinishedAt is not null)
        {
            return new ImportResult(run.Encoding, run.NextRow - 1, run.Imported, run.AlreadyRegistered, run.Rejected,
                Resumed: false, AlreadyDone: true, errorReport, Stopwatch.GetElapsedTime(started));
        }
        var resumed = run is not null;

        var reader = new CsvRecordReader(file, encoding);
        var fields = new List<string>(16);
        if (!await reader.ReadAsync(fields, cancellationToken))
        {
            throw new ImportFileException("the file is empty");
        }
        var (positions, headerProblem) = CitizenCsv.ReadHeader(fields);
        if (positions is null)
        {
            throw new ImportFileException($"{headerProblem} (file read as {encodingName})");
        }
        var columnCount = fields.Count;

        var today = VietnamTime.Today(clock);
        var communes = await db.Units.AsNoTracking()
            .Where(u => u.Level == UnitLevel.Commune && u.ValidFrom <= today && (u.ValidTo == null || u.ValidTo >= today))
            .Select(u => u.Code).ToListAsync(cancellationToken);
        var knownUnits = communes.ToHashSet(StringComparer.Ordinal);

        if (run is null)
        {
            run = new ImportRun
            {
                Id = Guid.CreateVersion7(clock.GetUtcNow()),
                FileName = Path.GetFileName(options.Path),
                FileSha256 = sha,
                FileSize = file.Length,
                Encoding = encodingName,
                StartedBy = options.Actor,
                LegalBasis = options.LegalBasis,
                StartedAt = clock.GetUtcNow(),
                NextOffset = reader.Position,
                NextRow = 1,
            };
            db.ImportRuns.Add(run);
            await db.SaveChangesAsync(cancellationToken);
        }
        else
        {
            file.Position = run.NextOffset;
            reader = new CsvRecordReader(file, encoding);
        }

        await using var errors = await OpenErrorReportAsync(errorReport, resumed ? run.NextRow : 0, cancellationToken);
        // Numbers seen earlier in this file: a second row with the same number is an error, not a silent skip.
        // After a resume only the rows since the checkpoint are known; earlier ones are caught as already registered.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<(Guid, CitizenRow)>(options.BatchSize);
        var rowErrors = new List<RowError>();
        var rowNumber = run.NextRow - 1;
        var pendingRejected = 0L;
        var sinceCommit = 0;
        // The batch being written while the next one is read and validated (one writer at a time, in file order, so
        // every commit still carries its own checkpoint; only the parsing overlaps the database's work).
        Task<IReadOnlyList<long>>? writing = null;
        List<RowError>? writingErrors = null;

        async Task FinishWritingAsync()
        {
            if (writing is null)
            {
                return;
            }
            var skipped = await writing;
            foreach (var error in writingErrors!.Concat(skipped.Select(r => new RowError(r, "personal_id_number", ImportErrors.AlreadyRegistered,
                "this number is already registered"))).OrderBy(e => e.RowNumber))
            {
                await errors.WriteLineAsync(FormattableString.Invariant(
                    $"{error.RowNumber},{error.Field},{error.Code},{CitizenCsv.Quote(error.Message)}").AsMemory(), cancellationToken);
            }
            await errors.FlushAsync(cancellationToken);
            writing = null;
            progress?.Report(new ImportProgress(run.NextOffset, file.Length, run.NextRow - 1, run.Imported));
        }

        try
        {
            while (true)
            {
                var more = await reader.ReadAsync(fields, cancellationToken);
                if (more)
                {
                    rowNumber++;
                    sinceCommit++;
                    var row = CitizenCsv.Parse(rowNumber, fields, positions, columnCount, knownUnits, today, rowErrors);
                    if (row is not null && !seen.Add(row.Number))
                    {
                        rowErrors.Add(new(rowNumber, "personal_id_number", ImportErrors.DuplicateInFile, $"number {row.Number} appears earlier in this file"));
                        row = null;
                    }
                    if (row is null)
                    {
                        pendingRejected++;
                    }
                    else
                    {
                        batch.Add((Guid.CreateVersion7(clock.GetUtcNow()), row));
                    }
                }
                // Commit every batch-size rows read, valid or not, so the checkpoint keeps up even through a bad stretch.
                if (sinceCommit >= options.BatchSize || !more)
                {
                    await FinishWritingAsync();
                    var (toWrite, nextOffset, nextRow, rejected, last) = (batch, reader.Position, rowNumber + 1, pendingRejected, !more);
                    writing = Task.Run(() => CommitBatchAsync(run, toWrite, nextOffset, nextRow, rejected, last, options, cancellationToken), cancellationToken);
                    writingErrors = rowErrors;
                    sinceCommit = 0;
                    batch = new List<(Guid, CitizenRow)>(options.BatchSize);
                    rowErrors = [];
                    pendingRejected = 0;
                }
                if (!more)
                {
                    break;
                }
            }
        }
        catch when (writing is not null)
        {
            // Let the batch in flight commit or roll back whole before the failure leaves: never a context in use.
            // (WhenAny: waits without rethrowing; the first failure is the one reported.)
            await Task.WhenAny(writing);
            throw;
        }
        await FinishWritingAsync();

        return new ImportResult(encodingName, run.NextRow - 1, run.Imported, run.AlreadyRegistered, run.Rejected,
            resumed, AlreadyDone: false, errorReport, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The rows, the checkpoint and an audit record commit together: that is what makes resuming exact.</summary>
    private async Task<IReadOnlyList<long>> CommitBatchAsync(ImportRun run, List<(Guid, CitizenRow)> batch, long nextOffset,
        long nextRow, long rejected, bool last, ImportOptions options, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        IReadOnlyList<long> skipped = [];
        for (var attempt = 1; batch.Count > 0; attempt++)
        {
            ICitizenBatchWriter writer = db.Database.GetDbConnection() switch
            {
                NpgsqlConnection npgsql => new PostgresCitizenBatchWriter(npgsql),
                SqliteConnection sqlite => new SqliteCitizenBatchWriter(sqlite, transaction.GetDbTransaction()),
                var other => throw new NotSupportedException(other.GetType().Name),
            };
            await transaction.CreateSavepointAsync("batch", cancellationToken);
            try
            {
                skipped = await writer.WriteAsync(batch, now, cancellationToken);
                break;
            }
            catch (Exception e) when (attempt < 3 && PostgresCitizenBatchWriter.IsRegisteredMeanwhile(e))
            {
                // A number of this batch was registered by someone else since the probe: undo the batch's rows and
                // write it again; the probe now reports that number as already registered.
                await transaction.RollbackToSavepointAsync("batch", cancellationToken);
            }
        }

        run.NextOffset = nextOffset;
        run.NextRow = nextRow;
        run.Imported += batch.Count - skipped.Count;
        run.AlreadyRegistered += skipped.Count;
        run.Rejected += rejected;
        if (last)
        {
            run.FinishedAt = now;
        }
        if (batch.Count > skipped.Count)
        {
            db.Audit(new AuditEvent(options.Actor, "registry.citizens.imported", "Bulk registration of civil-status records")
            {
                Subject = $"import:{run.Id}",
                LegalBasis = options.LegalBasis,
                Details = FormattableString.Invariant(
                    $$"""{"file":"{{run.FileSha256}}","firstRow":{{batch[0].Item2.RowNumber}},"lastRow":{{batch[^1].Item2.RowNumber}},"imported":{{batch.Count - skipped.Count}}}"""),
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return skipped;
    }

    /// <summary>On a resume, keeps the report lines of rows before the checkpoint: rows after it are read again.</summary>
    private static async Task<StreamWriter> OpenErrorReportAsync(string path, long keepBeforeRow, CancellationToken cancellationToken)
    {
        var kept = new List<string>();
        if (keepBeforeRow > 0 && File.Exists(path))
        {
            foreach (var line in (await File.ReadAllLinesAsync(path, cancellationToken)).Skip(1))
            {
                if (long.TryParse(line.AsSpan(0, Math.Max(0, line.IndexOf(',', StringComparison.Ordinal))), NumberStyles.None,
                        CultureInfo.InvariantCulture, out var row) && row < keepBeforeRow)
                {
                    kept.Add(line);
                }
            }
        }
        var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
        await writer.WriteLineAsync("row,field,code,message".AsMemory(), cancellationToken);
        foreach (var line in kept)
        {
            await writer.WriteLineAsync(line.AsMemory(), cancellationToken);
        }
        return writer;
    }
}

internal sealed record ImportProgress(long BytesRead, long FileSize, long Rows, long Imported);

/// <summary>A file that cannot be imported at all (empty, wrong header); the message says why.</summary>
internal sealed class ImportFileException(string message) : Exception(message);
