using EnsembleFarm.Client;

namespace EnsembleFarm.Client.Tests;

public sealed class ArgumentErrorTests
{
    [Theory]
    [InlineData("status", "abc")]
    [InlineData("status")]
    [InlineData("no-such-command")]
    [InlineData("watch", "1", "--interval", "0")]
    public async Task Bad_arguments_exit_2_with_the_reason_on_stderr(params string[] args)
    {
        var run = await CliRunner.WithoutStore().RunAsync(args);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task A_store_that_cannot_be_opened_exits_4_naming_it()
    {
        var runner = new CliRunner((_, _) => throw new IOException("permission denied"));

        var run = await runner.RunAsync("--store", "/nowhere/farm.db", "list");

        Assert.Equal(ExitCodes.StoreUnavailable, run.ExitCode);
        Assert.Contains("/nowhere/farm.db", run.Error);
        Assert.Contains("permission denied", run.Error);
    }
}
