using EnsembleFarm.GrainInterfaces;

namespace EnsembleFarm.Client.Tests;

public sealed class ArgumentErrorTests
{
    [Theory]
    [InlineData("status", "abc")]
    [InlineData("status")]
    [InlineData("no-such-command")]
    [InlineData("submit")]
    public async Task Bad_arguments_exit_2_with_the_reason_on_stderr_without_reaching_a_farm(params string[] args)
    {
        var run = await Cli.Unconnected().RunAsync(args);

        Assert.Equal(FarmExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.Equal("", run.Output);
    }
}
