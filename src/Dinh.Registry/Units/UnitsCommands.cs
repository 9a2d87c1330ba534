using System.CommandLine;
using Dinh.Platform;
using Dinh.Registry.Units.Reference;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Registry.Units;

/// <summary><c>dinh units …</c>: convert the published datasets, and move stored addresses to the new communes.</summary>
internal static class UnitsCommands
{
    public static Command Create(VerbRunner run)
    {
        var units = new Command("units", "Administrative units.");

        var from = new Option<DirectoryInfo>("--from")
        {
            Description = $"Folder holding {ReferenceConverter.ThreeLevelFile}, {ReferenceConverter.TwoLevelFile} and {ReferenceConverter.MappingsFile}.",
            Required = true,
        };
        var to = new Option<DirectoryInfo>("--to")
        {
            Description = "Where to write the reference files (default: src/Dinh.Registry/Units/Reference, from the repository root).",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("src", "Dinh.Registry", "Units", "Reference")),
        };
        var convert = new Command("convert-reference",
            "Convert the published unit datasets into the reference files built into Dinh (a developer step; rebuild afterwards).")
        {
            from, to,
        };
        // Needs no database, so it does not go through the runner that builds the application.
        convert.SetAction(result =>
        {
            try
            {
                var converted = ReferenceConverter.Convert(result.GetValue(from)!.FullName, result.GetValue(to)!.FullName);
                Console.Out.WriteLine($"Three-level structure: {converted.Provinces} provinces, {converted.Districts} districts, {converted.Communes:N0} communes.");
                Console.Out.WriteLine($"Two-level structure: {converted.CurrentProvinces} provinces, {converted.CurrentCommunes:N0} communes.");
                Console.Out.WriteLine($"Mapping rows: {converted.Mappings:N0}. Written to {result.GetValue(to)!.FullName}.");
                return 0;
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                Console.Error.WriteLine($"dinh: cannot convert the reference data: {ex.Message}");
                return 1;
            }
        });
        units.Subcommands.Add(convert);

        var dryRun = new Option<bool>("--dry-run") { Description = "Count what would happen; change nothing." };
        var remap = new Command("remap-addresses",
            "Move residences and households stored on pre-2025-07-01 commune codes to the new communes. Unambiguous " +
            "ones move (audited); split or unresolvable ones go to the officers' worklist. Never guesses; safe to re-run.")
        {
            dryRun,
        };
        remap.SetAction((result, cancellationToken) => run(async (services, token) =>
        {
            await using var scope = services.CreateAsyncScope();
            var dry = result.GetValue(dryRun);
            var report = await scope.ServiceProvider.GetRequiredService<RemapAddresses>().RunAsync(dry, token);
            var verb = dry ? "would move" : "moved";
            Console.Out.WriteLine($"{(dry ? "Dry run: nothing changed. " : "")}Addresses on pre-2025-07-01 commune codes:");
            Console.Out.WriteLine($"  {verb}: {report.Moved}");
            Console.Out.WriteLine($"  ambiguous-split (worklist): {report.AmbiguousSplit}");
            Console.Out.WriteLine($"  unresolved (worklist): {report.Unresolved}");
            Console.Out.WriteLine($"  already current: {report.AlreadyCurrent}");
            Console.Out.WriteLine($"  ended before 2025-07-01, kept as recorded: {report.KeptHistorical}");
            Console.Out.WriteLine($"  new work items: {report.NewWorkItems}");
            return 0;
        }, cancellationToken));
        units.Subcommands.Add(remap);
        return units;
    }
}
