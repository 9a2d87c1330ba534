using System.CommandLine;
using Dinh.Platform;
using Dinh.Registry.Import;
using Dinh.Registry.Quality;
using Dinh.Registry.Seeding;
using Dinh.Registry.Units;

namespace Dinh.Registry.Cli;

/// <summary>The registry's verbs of `dinh`; each feature folder contributes its own command here.</summary>
public static class RegistryCommands
{
    public static IEnumerable<Command> Create(VerbRunner run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return [ImportCommands.Create(run), UnitsCommands.Create(run), SeedCommands.Create(run), QualityCommands.Create(run)];
    }
}
