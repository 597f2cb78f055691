using EnsembleFarm.Domain.Specs;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Specs;

/// <summary>The specs in examples/ are documentation that must keep working: each one parses.</summary>
public class ExampleSpecsTests
{
    private static string ExamplesFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "EnsembleFarm.sln"))) return Path.Combine(folder.FullName, "examples");
        }
        throw new InvalidOperationException($"No EnsembleFarm.sln above {AppContext.BaseDirectory}.");
    }

    public static TheoryData<string> Examples() => new(Directory.GetFiles(ExamplesFolder(), "*.yaml").Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_spec_parses_and_reads_its_data_from_the_repository_data_folder(string file)
    {
        var spec = SpecParser.ParseFile(Path.Combine(ExamplesFolder(), file));

        Assert.Equal(Path.Combine(Path.GetDirectoryName(ExamplesFolder())!, "data"), Path.GetDirectoryName(spec.Dataset.Path));
    }

    [Fact]
    public void The_main_example_is_the_60_member_binary_ensemble()
    {
        var spec = SpecParser.ParseFile(Path.Combine(ExamplesFolder(), "ensemble.yaml"));

        Assert.Equal(60, spec.Ensemble!.Members);
        Assert.Equal(Models.TaskKind.Binary, spec.Dataset.Task);
        Assert.Equal("collider.csv", Path.GetFileName(spec.Dataset.Path));
    }
}
