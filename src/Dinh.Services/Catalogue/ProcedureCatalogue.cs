using System.Collections.Concurrent;
using System.Reflection;
using Dinh.Platform.Persistence;
using Dinh.Services.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Services.Catalogue;

/// <summary>Reads procedure definitions. A (code, version) never changes once stored, so parsed specs are cached for the process.</summary>
internal sealed class ProcedureCatalogue(ServicesDbContext db)
{
    private static readonly ConcurrentDictionary<(string, int), ProcedureSpec> Parsed = new();

    public async Task<ProcedureSpec?> LatestAsync(string code, CancellationToken cancellationToken)
    {
        var version = await db.Procedures.AsNoTracking().Where(p => p.Code == code).MaxAsync(p => (int?)p.Version, cancellationToken);
        return version is { } v ? await VersionAsync(code, v, cancellationToken) : null;
    }

    public async Task<ProcedureSpec?> VersionAsync(string code, int version, CancellationToken cancellationToken)
    {
        if (Parsed.TryGetValue((code, version), out var spec))
        {
            return spec;
        }
        var json = await db.Procedures.AsNoTracking().Where(p => p.Code == code && p.Version == version).Select(p => p.Json)
            .FirstOrDefaultAsync(cancellationToken);
        return json is null ? null : Parsed.GetOrAdd((code, version), ProcedureSpec.Parse(json));
    }

    /// <summary>The latest version of every procedure, bundles first, then by Vietnamese name.</summary>
    public async Task<IReadOnlyList<ProcedureSpec>> AllLatestAsync(CancellationToken cancellationToken)
    {
        var latest = await db.Procedures.AsNoTracking().GroupBy(p => p.Code).Select(g => new { Code = g.Key, Version = g.Max(p => p.Version) })
            .ToListAsync(cancellationToken);
        var specs = new List<ProcedureSpec>();
        foreach (var row in latest)
        {
            specs.Add((await VersionAsync(row.Code, row.Version, cancellationToken))!);
        }
        return specs.OrderBy(s => s.IsBundle ? 0 : 1).ThenBy(s => s.NameVi, StringComparer.Ordinal).ToList();
    }

    public Task<bool> ExistsAsync(string code, CancellationToken cancellationToken) => db.Procedures.AnyAsync(p => p.Code == code, cancellationToken);
}

/// <summary>Loads the shipped definitions (Catalogue/Definitions/*.json) whose code is absent; an administrator's later versions stay.</summary>
internal sealed class CatalogueSeeder(TimeProvider clock) : IDatabaseSeeder
{
    private const string Prefix = "Dinh.Services.Catalogue.Definitions.";

    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<ServicesDbContext>();
        var present = (await db.Procedures.Select(p => p.Code).Distinct().ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var assembly = Assembly.GetExecutingAssembly();
        var now = clock.GetUtcNow();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            await using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var json = await reader.ReadToEndAsync(cancellationToken);
            var spec = ProcedureSpec.Parse(json);
            if (present.Contains(spec.Code))
            {
                continue;
            }
            db.Procedures.Add(new ProcedureDefinition
            {
                Id = Guid.CreateVersion7(now), Code = spec.Code, Version = spec.Version,
                Json = System.Text.Json.JsonSerializer.Serialize(spec, ProcedureSpec.Json), CreatedAt = now, CreatedBy = "system:shipped",
            });
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance loaded the same definitions at the same time.
        }
    }
}
