using System.CommandLine;
using System.Diagnostics;
using System.Text;
using Dinh.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Registry.Import;

/// <summary><c>dinh registry import</c> and <c>dinh registry export</c>.</summary>
internal static class ImportCommands
{
    public static Command Create(VerbRunner run)
    {
        var registry = new Command("registry", "Population registry bulk operations.");

        var file = new Argument<FileInfo>("file") { Description = "CSV file with a header row (columns: docs/registry-import.md)." };
        var legalBasis = new Option<string>("--legal-basis")
        {
            Description = "Legal basis recorded in the audit trail.",
            DefaultValueFactory = _ => "Digitisation of civil-status records (Law on Civil Status 2014, Art. 62)",
        };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per committed batch.", DefaultValueFactory = _ => 10_000 };
        var import = new Command("import", "Import citizens from a CSV file: every row validated, every valid row imported, " +
            "errors to FILE.errors.csv; idempotent, and a killed run resumes where it stopped.") { file, legalBasis, batchSize };
        import.SetAction((result, cancellationToken) => run(async (services, ct) =>
        {
            var path = result.GetValue(file)!;
            if (!path.Exists)
            {
                await Console.Error.WriteLineAsync($"dinh: no such file: {path.FullName}");
                return 2;
            }
            var size = result.GetValue(batchSize);
            if (size is < 1 or > 1_000_000)
            {
                await Console.Error.WriteLineAsync("dinh: --batch-size must be between 1 and 1,000,000");
                return 2;
            }
            await using var scope = services.CreateAsyncScope();
            var importer = scope.ServiceProvider.GetRequiredService<ImportCitizens>();
            try
            {
                var bar = new ProgressBar();
                var outcome = await importer.RunAsync(
                    new ImportOptions(path.FullName, result.GetValue(legalBasis)!, "system:cli", size),
                    new Progress<ImportProgress>(bar.Show), ct);
                ProgressBar.Done();
                Console.Out.WriteLine(outcome.AlreadyDone
                    ? $"Already imported: {outcome.Imported:N0} citizens from this file ({outcome.Rows:N0} rows); nothing to do."
                    : $"{(outcome.Resumed ? "Resumed and finished" : "Imported")}: {outcome.Rows:N0} rows read as {outcome.Encoding} in {outcome.Elapsed.TotalSeconds:N1} s; " +
                      $"{outcome.Imported:N0} imported, {outcome.AlreadyRegistered:N0} already registered, {outcome.Rejected:N0} rejected.");
                if (outcome.Rejected + outcome.AlreadyRegistered > 0)
                {
                    Console.Out.WriteLine($"Row errors: {outcome.ErrorReport}");
                }
                return outcome.Rejected > 0 ? 1 : 0;
            }
            catch (ImportFileException ex)
            {
                await Console.Error.WriteLineAsync($"dinh: cannot import {path.Name}: {ex.Message}");
                return 2;
            }
        }, cancellationToken));
        registry.Subcommands.Add(import);

        var output = new Option<FileInfo?>("--out") { Description = "File to write (default: standard output)." };
        var purpose = new Option<string>("--purpose") { Description = "Why the data leaves the system (recorded in the audit trail).", Required = true };
        var export = new Command("export", "Export every citizen as CSV in the import format (audited).") { output, purpose };
        export.SetAction((result, cancellationToken) => run(async (services, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            var exporter = scope.ServiceProvider.GetRequiredService<ExportCitizens>();
            var target = result.GetValue(output);
            await using var writer = target is null
                ? new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false))
                : new StreamWriter(target.FullName, append: false, new UTF8Encoding(false));
            var count = await exporter.RunAsync(writer, "system:cli", result.GetValue(purpose)!,
                new Progress<long>(n => Console.Error.Write($"\rexported {n:N0} citizens")), ct);
            await Console.Error.WriteLineAsync($"\rexported {count:N0} citizens{(target is null ? "" : $" to {target.FullName}")}");
            return 0;
        }, cancellationToken));
        registry.Subcommands.Add(export);
        return registry;
    }

    /// <summary>One line on standard error, redrawn at most twice a second: percentage, rows, rate and time left.</summary>
    private sealed class ProgressBar
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private long _lastDrawn;

        public void Show(ImportProgress p)
        {
            var now = Stopwatch.GetTimestamp();
            if (Stopwatch.GetElapsedTime(_lastDrawn, now).TotalMilliseconds < 500 && p.BytesRead < p.FileSize)
            {
                return;
            }
            _lastDrawn = now;
            var elapsed = Stopwatch.GetElapsedTime(_started, now).TotalSeconds;
            var fraction = p.FileSize == 0 ? 1 : (double)p.BytesRead / p.FileSize;
            var rate = elapsed > 0 ? p.Rows / elapsed : 0;
            var left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
            var filled = (int)(fraction * 30);
            Console.Error.Write($"\r[{new string('#', filled)}{new string('.', 30 - filled)}] {fraction,4:P0}  {p.Rows:N0} rows  {rate:N0} rows/s  {left:N0} s left   ");
        }

        public static void Done() => Console.Error.WriteLine();
    }
}
