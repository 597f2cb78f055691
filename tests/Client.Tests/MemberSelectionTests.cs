using EnsembleFarm.Client.Commands;
using EnsembleFarm.GrainInterfaces;

namespace EnsembleFarm.Client.Tests;

public sealed class MemberSelectionTests
{
    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("5-7,0, 3,6", new[] { 0, 3, 5, 6, 7 })]
    [InlineData("2-2", new[] { 2 })]
    public void Indices_and_ranges_give_each_member_once_in_order(string text, int[] expected) =>
        Assert.Equal(expected, MemberSelection.Parse(text));

    [Theory]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("1-2-3")]
    [InlineData("-1")]
    [InlineData("1,,2")]
    public void Anything_else_exits_2_naming_the_part(string text)
    {
        var error = Assert.Throws<FarmCliException>(() => MemberSelection.Parse(text));

        Assert.Equal(FarmExitCodes.BadInput, error.ExitCode);
        Assert.StartsWith("error: --members: '", error.Message);
        Assert.EndsWith("' is not a member index or a range such as 3-7 (e.g. --members 0,3,5-7)", error.Message);
    }
}
