using System.Reflection;
using Dinh.Migrations.Designer;
using Dinh.Platform.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Design.Internal;
using Microsoft.EntityFrameworkCore.Migrations.Design;
using Microsoft.Extensions.DependencyInjection;

// Usage: dotnet run --project src/Dinh.Migrations.Designer -- add <MigrationName>
//        dotnet run --project src/Dinh.Migrations.Designer -- check
if (args is not (["add", _] or ["check"]))
{
    Console.Error.WriteLine("usage: add <MigrationName> | check");
    return 2;
}

var root = FindRepositoryRoot();
var changed = 0;
foreach (var provider in Enum.GetValues<DatabaseProvider>())
{
    var assemblyName = provider == DatabaseProvider.Sqlite
        ? PersistenceSetup.SqliteMigrationsAssembly
        : PersistenceSetup.PostgresMigrationsAssembly;
    var migrations = Assembly.Load(assemblyName);
    foreach (var context in DesignContexts.All)
    {
        await using var db = context.Create(provider);
        if (!db.Database.HasPendingModelChanges())
        {
            Console.WriteLine($"{provider,-8} {context.Name,-10} up to date");
            continue;
        }
        changed++;
        if (args[0] == "check")
        {
            Console.WriteLine($"{provider,-8} {context.Name,-10} HAS CHANGES without a migration");
            continue;
        }
        var reporter = new OperationReporter(new OperationReportHandler(
            Console.Error.WriteLine, Console.Error.WriteLine, Console.WriteLine, _ => { }));
        var services = new DesignTimeServicesBuilder(migrations, Assembly.GetExecutingAssembly(), reporter, [])
            .Build(db);
        var scaffolder = services.GetRequiredService<IMigrationsScaffolder>();
        var projectDir = Path.Combine(root, "src", assemblyName);
        var migration = scaffolder.ScaffoldMigration(args[1], assemblyName, $"Migrations.{context.Name}", "C#");
        var files = scaffolder.Save(projectDir, migration, Path.Combine(projectDir, "Migrations", context.Name));
        Console.WriteLine($"{provider,-8} {context.Name,-10} wrote {Path.GetRelativePath(root, files.MigrationFile!)}");
    }
}
return args[0] == "check" && changed > 0 ? 1 : 0;

static string FindRepositoryRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Dinh.slnx")))
        {
            return dir.FullName;
        }
    }
    throw new InvalidOperationException("Run from inside the repository (Dinh.slnx not found).");
}
