using Dinh.Identity.Accounts;

namespace Dinh.Tests.Identity;

/// <summary>The start-up advice reads the kernel's transparent-huge-page mode (the bracketed word) and nothing else.</summary>
public sealed class HugePagesAdviceTests
{
    [Theory]
    [InlineData("always [madvise] never\n", "madvise")]
    [InlineData("[always] madvise never\n", "always")]
    [InlineData("always madvise [never]", "never")]
    [InlineData("always defer [defer+madvise] madvise never", "defer+madvise")]
    [InlineData("always madvise never", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_mode_in_force_is_the_bracketed_one(string? setting, string? mode) =>
        Assert.Equal(mode, HugePagesAdvice.Mode(setting));
}
