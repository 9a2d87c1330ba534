namespace Dinh.Platform.Persistence;

/// <summary>
/// Reference data a module ships and keeps in its tables (administrative units, catalogues). The migrator runs
/// every seeder after all migrations, in registration order, wherever the schema is brought up to date (`serve`,
/// `dinh db migrate`, the tests). Seeders must be idempotent and safe when several instances start at once.
/// </summary>
public interface IDatabaseSeeder
{
    Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken);
}
