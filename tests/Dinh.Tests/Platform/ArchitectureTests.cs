using System.Reflection;
using System.Xml.Linq;

namespace Dinh.Tests.Platform;

/// <summary>
/// Who may reference whom (docs/architecture.md). Modules talk through each other's contracts; Platform depends
/// on no module. Checked on the project files, so a forbidden reference fails before anyone uses it.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Dinh.Platform"] = [],
        ["Dinh.Registry"] = ["Dinh.Platform"],
        ["Dinh.Identity"] = ["Dinh.Platform", "Dinh.Registry"],
        ["Dinh.Services"] = ["Dinh.Platform", "Dinh.Registry", "Dinh.Identity", "Dinh.Exchange"],
        ["Dinh.Exchange"] = ["Dinh.Platform", "Dinh.Registry", "Dinh.Identity"],
        ["Dinh.Wallet"] = ["Dinh.Platform", "Dinh.Registry", "Dinh.Services"],
        ["Dinh.Insights"] = ["Dinh.Platform", "Dinh.Registry", "Dinh.Identity", "Dinh.Services", "Dinh.Exchange", "Dinh.Wallet"],
    };

    [Fact]
    public void Projects_reference_only_what_the_architecture_allows()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var violations = new List<string>();
        foreach (var project in Directory.GetFiles(src, "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileNameWithoutExtension(project);
            if (!Allowed.TryGetValue(name, out var allowed))
            {
                continue;
            }
            var references = XDocument.Load(project).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')));
            violations.AddRange(references.Where(r => !allowed.Contains(r)).Select(r => $"{name} → {r}"));
        }

        Assert.Empty(violations);
        Assert.True(Directory.Exists(Path.Combine(src, "Dinh.Platform")));
    }

    [Fact]
    public void Platform_assembly_references_no_module()
    {
        var references = typeof(Dinh.Platform.PlatformSetup).Assembly.GetReferencedAssemblies().Select(a => a.Name ?? "");

        Assert.DoesNotContain(references, r => r.StartsWith("Dinh.", StringComparison.Ordinal) || r == "dinh");
    }

    [Fact]
    public void Every_UI_text_exists_in_both_languages()
    {
        var resources = Path.Combine(RepositoryRoot(), "src", "Dinh.Server", "Resources");
        static HashSet<string> Keys(string path) =>
            XDocument.Load(path).Descendants("data").Select(d => d.Attribute("name")!.Value).ToHashSet();

        var english = Keys(Path.Combine(resources, "Ui.resx"));
        var vietnamese = Keys(Path.Combine(resources, "Ui.vi.resx"));

        Assert.NotEmpty(english);
        Assert.Empty(english.Except(vietnamese));
        Assert.Empty(vietnamese.Except(english));
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dinh.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Dinh.slnx not found above " + Assembly.GetExecutingAssembly().Location);
    }
}
