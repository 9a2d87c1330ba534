using System.Text.RegularExpressions;
using Dinh.Tests.Infrastructure;
using static Dinh.Tests.Registry.RegistryDriver;

namespace Dinh.Tests.Registry;

/// <summary>
/// The stewards' worklist turns pages: 21 duplicate pairs fill more than one page of 20, and page 2 lists findings page 1
/// does not. Its own database, so that the exact counts of <see cref="QualityTests"/> stay exact.
/// </summary>
public sealed partial class QualityPagingTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private RegistryDriver Registry => new(app.Require());

    [Fact]
    public async Task The_worklist_turns_pages()
    {
        using (var civil = await Registry.SignInAsync(CivilStatusBaDinh))
        {
            for (var i = 0; i < 21; i++)
            {
                var name = UniqueName("Trùng");
                await RegisterBirthAsync(civil, name, "2002-07-08");
                await RegisterBirthAsync(civil, name, "2002-07-08");
            }
        }
        var run = await app.RunDinhAsync("quality", "check");
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        using var steward = await Registry.SignInAsync(StewardHanoi);
        var list = $"/officer/quality?kind=duplicate-candidate&unit={BaDinh}";

        var first = FindingLinks().Matches(await steward.GetStringAsync(list)).Select(m => m.Value).ToHashSet();
        var second = FindingLinks().Matches(await steward.GetStringAsync(list + "&page=2")).Select(m => m.Value).ToHashSet();

        Assert.Equal(20, first.Count);
        Assert.NotEmpty(second);
        Assert.Empty(first.Intersect(second));
    }

    [GeneratedRegex("/officer/quality/[0-9]+")]
    private static partial Regex FindingLinks();
}
