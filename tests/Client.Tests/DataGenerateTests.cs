namespace EnsembleFarm.Client.Tests;

public sealed class DataGenerateTests
{
    [Fact]
    public async Task The_same_seed_writes_the_same_bytes_and_another_seed_does_not()
    {
        await using var farm = new FarmFolder();
        var first = Path.Combine(farm.Path, "a", "one.csv");
        var second = Path.Combine(farm.Path, "two.csv");
        var other = Path.Combine(farm.Path, "three.csv");

        var runs = new[]
        {
            await farm.FarmAsync("data", "generate", "--rows", "50", "--seed", "9", "--out", first),
            await farm.FarmAsync("data", "generate", "--rows", "50", "--seed", "9", "--out", second),
            await farm.FarmAsync("data", "generate", "--rows", "50", "--seed", "10", "--out", other),
        };

        Assert.All(runs, r => Assert.Equal(ExitCodes.Ok, r.ExitCode));
        var bytes = await File.ReadAllBytesAsync(first, TestContext.Current.CancellationToken);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(second, TestContext.Current.CancellationToken));
        Assert.NotEqual(bytes, await File.ReadAllBytesAsync(other, TestContext.Current.CancellationToken));
        Assert.Equal(51, File.ReadAllLines(first).Length);
    }

    [Theory]
    [InlineData("multiclass", "process")]
    [InlineData("regression", "pt_true")]
    public async Task Kind_picks_the_variant_and_its_target_column(string kind, string target)
    {
        await using var farm = new FarmFolder();
        var path = Path.Combine(farm.Path, kind + ".csv");

        var run = await farm.FarmAsync("data", "generate", "--kind", kind, "--rows", "20", "--out", path);

        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        Assert.EndsWith("," + target, File.ReadLines(path).First());
    }

    [Fact]
    public async Task An_unknown_kind_exits_2_listing_the_kinds()
    {
        await using var farm = new FarmFolder();

        var run = await farm.FarmAsync("data", "generate", "--kind", "images", "--out", Path.Combine(farm.Path, "x.csv"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("binary, multiclass, regression", run.Error);
    }
}
