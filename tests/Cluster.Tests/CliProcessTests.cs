namespace EnsembleFarm.Cluster.Tests;

/// <summary>The real <c>farm</c> executable's exit codes, as scripts see them.</summary>
public sealed class CliProcessTests
{
    [Fact]
    public async Task A_bad_spec_exits_2_naming_the_field()
    {
        await using var workspace = new ClusterWorkspace();
        await workspace.GenerateDataAsync(rows: 50, seed: 1);
        var spec = workspace.WriteSpec("bad", members: 3, epochs: 0);

        var submit = await workspace.FarmAsync("submit", spec);

        Assert.Equal(2, submit.ExitCode);
        Assert.Contains("training.epochs", submit.StandardError);
        Assert.Equal("", submit.StandardOutput);
    }

    [Fact]
    public async Task An_unknown_campaign_exits_3()
    {
        await using var workspace = new ClusterWorkspace();

        var status = await workspace.FarmAsync("status", "42");

        Assert.Equal(3, status.ExitCode);
        Assert.Equal("error: no campaign with id 42", status.StandardError.Trim());
    }
}
