using System.CommandLine;
using Dinh.Platform;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Registry.Seeding;

/// <summary><c>dinh seed --citizens N</c>.</summary>
internal static class SeedCommands
{
    public static Command Create(VerbRunner run)
    {
        var citizens = new Option<int>("--citizens") { Description = "How many synthetic citizens to create.", Required = true };
        var randomSeed = new Option<int>("--random-seed") { Description = "Seed of the generator: the same seed gives the same population.", DefaultValueFactory = _ => 1 };
        var seed = new Command("seed", "Fill an empty registry with a realistic synthetic population (households, residences, " +
            "valid personal ID numbers, some deceased, some with temporary residence). Never real persons.") { citizens, randomSeed };
        seed.SetAction((result, cancellationToken) => run(async (services, ct) =>
        {
            var count = result.GetValue(citizens);
            if (count is < 1 or > 200_000_000)
            {
                await Console.Error.WriteLineAsync("dinh: --citizens must be between 1 and 200,000,000");
                return 2;
            }
            await using var scope = services.CreateAsyncScope();
            try
            {
                var outcome = await scope.ServiceProvider.GetRequiredService<SeedPopulation>().RunAsync(count, result.GetValue(randomSeed),
                    new Progress<int>(n => Console.Error.Write($"\r{n:N0} / {count:N0} citizens")), ct);
                await Console.Error.WriteLineAsync();
                Console.Out.WriteLine($"Seeded {outcome.Citizens:N0} citizens in {outcome.Households:N0} households " +
                    $"({outcome.Deceased:N0} deceased, {outcome.TemporaryResidences:N0} temporary residences) in {outcome.Elapsed.TotalSeconds:N1} s.");
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                await Console.Error.WriteLineAsync($"dinh: cannot seed: {ex.Message}");
                return 2;
            }
        }, cancellationToken));
        return seed;
    }
}
