using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

public sealed class DataGenerateTests
{
    [Fact]
    public async Task The_same_seed_writes_the_same_bytes_and_another_seed_does_not()
    {
        using var folder = new TempFolder();
        var first = Path.Combine(folder.Path, "a", "one.csv");
        var second = Path.Combine(folder.Path, "two.csv");
        var other = Path.Combine(folder.Path, "three.csv");

        var runs = new[]
        {
            await Cli.Unconnected().RunAsync("data", "generate", "--rows", "50", "--seed", "9", "--out", first),
            await Cli.Unconnected().RunAsync("data", "generate", "--rows", "50", "--seed", "9", "--out", second),
            await Cli.Unconnected().RunAsync("data", "generate", "--rows", "50", "--seed", "10", "--out", other),
        };

        Assert.All(runs, r => Assert.Equal(FarmExitCodes.Ok, r.ExitCode));
        var bytes = await File.ReadAllBytesAsync(first, TestContext.Current.CancellationToken);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(second, TestContext.Current.CancellationToken));
        Assert.NotEqual(bytes, await File.ReadAllBytesAsync(other, TestContext.Current.CancellationToken));
        Assert.Equal(51, File.ReadAllLines(first).Length);
    }

    [Fact]
    public async Task Writing_over_a_data_set_replaces_it_whole_so_a_reader_of_the_old_file_keeps_its_bytes()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "collider.csv");
        await Cli.Unconnected().RunAsync("data", "generate", "--rows", "50", "--seed", "9", "--out", path);
        var before = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        await using var reader = File.OpenRead(path);

        var run = await Cli.Unconnected().RunAsync("data", "generate", "--rows", "20", "--seed", "10", "--out", path);

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        // Written in place, the open file would have been cut to the new, shorter content under the reader.
        var kept = new MemoryStream();
        await reader.CopyToAsync(kept, TestContext.Current.CancellationToken);
        Assert.Equal(before, kept.ToArray());
        Assert.Equal(21, File.ReadAllLines(path).Length);
        Assert.Equal([path], Directory.GetFiles(folder.Path));
    }

    [Theory]
    [InlineData("multiclass", "process")]
    [InlineData("regression", "pt_true")]
    [InlineData("agn-spectra", "class")]
    public async Task Kind_picks_the_variant_and_its_target_column(string kind, string target)
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, kind + ".csv");

        var run = await Cli.Unconnected().RunAsync("data", "generate", "--kind", kind, "--rows", "20", "--out", path);

        Assert.Equal(FarmExitCodes.Ok, run.ExitCode);
        Assert.EndsWith("," + target, File.ReadLines(path).First());
    }

    [Fact]
    public async Task An_unknown_kind_exits_2_listing_the_kinds()
    {
        using var folder = new TempFolder();

        var run = await Cli.Unconnected().RunAsync("data", "generate", "--kind", "images", "--out", Path.Combine(folder.Path, "x.csv"));

        Assert.Equal(FarmExitCodes.BadInput, run.ExitCode);
        Assert.Contains("binary, multiclass, regression", run.Error);
    }
}
