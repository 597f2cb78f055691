using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Tests;

/// <summary>A temporary folder with a real SQLite store, a small CSV and spec files; deleted on dispose.</summary>
internal sealed class FarmFolder : IAsyncDisposable
{
    public FarmFolder()
    {
        Path = Directory.CreateTempSubdirectory("ensemblefarm-client-").FullName;
        StorePath = System.IO.Path.Combine(Path, "farm.db");
        DataPath = System.IO.Path.Combine(Path, "small.csv");
        File.WriteAllText(DataPath, SmallCsv(rows: 60, classes: 2));
        File.WriteAllText(System.IO.Path.Combine(Path, "small-3.csv"), SmallCsv(rows: 60, classes: 3));
    }

    public string Path { get; }

    public string StorePath { get; }

    public string DataPath { get; }

    /// <summary>The CLI with the real store opener, pointed at this folder's store unless told otherwise.</summary>
    public Task<CliRun> FarmAsync(params string[] args) =>
        new CliRunner((location, ct) => FarmStoreFactory.OpenAsync(location, ct: ct)).RunAsync([.. args, "--store", StorePath]);

    public Task<IFarmStore> OpenStoreAsync() => FarmStoreFactory.OpenAsync(StorePath, ct: TestContext.Current.CancellationToken);

    /// <summary>
    /// A spec on the small CSV: binary, or multi-class on its three-class twin; <paramref name="trainingYaml"/>
    /// replaces the training block.
    /// </summary>
    public string WriteSpec(int members = 3, string trainingYaml = "training:\n  epochs: 2\n", bool multiclass = false)
    {
        var path = System.IO.Path.Combine(Path, $"spec-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, $"""
            name: small
            kind: ensemble
            seed: 3
            dataset:
              path: {(multiclass ? "small-3.csv" : "small.csv")}
              target: label
              id_column: id
              task: {(multiclass ? "multiclass" : "binary")}
            ensemble:
              members: {members}

            """ + trainingYaml);
        return path;
    }

    /// <summary>Two features and a label that depends on both, with <paramref name="classes"/> classes that all appear.</summary>
    private static string SmallCsv(int rows, int classes)
    {
        var lines = new List<string> { "id,x1,x2,label" };
        for (var i = 0; i < rows; i++)
        {
            var x1 = i % 7;
            var x2 = i * 3 % 11;
            lines.Add($"r{i},{x1},{x2},{(x1 + x2) % classes}");
        }
        return string.Join('\n', lines) + "\n";
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Path, recursive: true);
        return ValueTask.CompletedTask;
    }
}
