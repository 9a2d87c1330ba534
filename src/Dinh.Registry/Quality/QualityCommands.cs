using System.CommandLine;
using Dinh.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Registry.Quality;

/// <summary><c>dinh quality check [--unit CODE]</c>.</summary>
internal static class QualityCommands
{
    public static Command Create(VerbRunner run)
    {
        var quality = new Command("quality", "Data quality of the population register.");
        var unit = new Option<string?>("--unit") { Description = "Check only citizens of this commune (code of the current structure)." };
        var check = new Command("check", "Run every data-quality check: new findings go to the data stewards' worklist, findings whose " +
            "condition no longer holds are resolved, counts per commune are refreshed. Safe to re-run; never merges anything.") { unit };
        check.SetAction((result, cancellationToken) => run(async (services, ct) =>
        {
            await using var scope = services.CreateAsyncScope();
            var report = await scope.ServiceProvider.GetRequiredService<QualityCheck>().RunAsync(result.GetValue(unit)?.Trim(),
                QualityCheck.Actor, "Data-quality check from the command line", requestId: null, ct);
            if (report is null)
            {
                await Console.Error.WriteLineAsync("dinh: another data-quality run is in progress; try again when it has finished.");
                return 1;
            }
            Console.Out.WriteLine($"Data-quality check{(report.Unit is null ? "" : $" of commune {report.Unit}")} in {report.Elapsed.TotalSeconds:N1} s:");
            foreach (var kind in report.Kinds)
            {
                Console.Out.WriteLine($"  {kind.Kind}: {kind.Open} open ({kind.New} new, {kind.Resolved} resolved)");
            }
            return 0;
        }, cancellationToken));
        quality.Subcommands.Add(check);
        return quality;
    }
}
