using System.Globalization;
using System.Text.Json.Nodes;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

public sealed class ExportPredictTests(TrainedFarmFixture fixture) : IClassFixture<TrainedFarmFixture>
{
    /// <summary>Debian's python3, whose dist-packages hold python3-torch (a python3 earlier on the PATH may lack it).</summary>
    private const string Python = "/usr/bin/python3";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private long Id => fixture.CampaignId;

    private Cli Farm => Cli.To(fixture.Farm);

    [Fact]
    public async Task Exported_members_load_in_pytorch_and_predict_the_stored_test_predictions_to_1e_6()
    {
        await DebianPackages.EnsureAsync("python3-torch", () => File.Exists("/usr/lib/python3/dist-packages/torch/__init__.py"),
            "PyTorch for Debian's python3 (python3-torch)", Ct);
        using var folder = new TempFolder();
        var directory = folder["export"];
        var features = await fixture.WriteTestRowsAsync(folder["test.csv"], Ct);

        var run = await Farm.RunAsync("export", Id.ToString(), "--out", directory, "--members", "0,2-3");

        Assert.Equal((FarmExitCodes.Ok, $"exported 3 members of campaign {Id} 'small' to {directory}\n"), (run.ExitCode, run.Output));
        var description = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(directory, "campaign.json"), Ct))!;
        var campaign = (await fixture.Farm.Store.GetCampaignAsync(Id, Ct))!;
        Assert.Equal((Id, campaign.DatasetSha256, campaign.SpecYaml), ((long)description["campaign"]!["id"]!, (string)description["campaign"]!["dataset_sha256"]!,
            (string)description["campaign"]!["spec_yaml"]!));
        Assert.Equal([0, 2, 3], description["members"]!.AsArray().Select(m => (int)m!["index"]!));
        Assert.Equal(["average", "vote"], description["rules"]!.AsArray().Select(r => (string)r!["name"]!));
        Assert.Equal(2, description["members"]![0]!["standardizer"]!["mean"]!.AsArray().Count);

        var stored = (await fixture.Farm.Store.GetPredictionsAsync(Id, Ct)).ToDictionary(p => p.Index);
        var exported = (await File.ReadAllLinesAsync(Path.Combine(directory, "test-predictions.csv"), Ct)).Select(l => l.Split(',')).ToList();
        Assert.Equal(["row", "id", "target", "member_000", "member_002", "member_003"], exported[0]);
        foreach (var (member, column) in new[] { (0, 3), (2, 4), (3, 5) })
        {
            // The exported CSV holds the stored predictions exactly (shortest round-trip form)...
            var csv = exported.Skip(1).Select(cells => float.Parse(cells[column], CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(stored[member].TestPredictions, csv);
            // ...and PyTorch, loading the exported model, predicts them again.
            var script = ProcessRunner.StartInfo(Python, [RepositoryFile("scripts/load_in_pytorch.py"), Path.Combine(directory, $"member-{member:D3}"), features],
                folder.Path, asServiceUser: false);
            var torch = (await ProcessRunner.RunAsync(script, Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => double.Parse(line, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(csv.Length, torch.Length);
            for (var row = 0; row < csv.Length; row++)
                Assert.True(Math.Abs(csv[row] - torch[row]) <= 1e-6, $"member {member}, test row {row}: farm {csv[row]:R}, PyTorch {torch[row]:R}");
        }
    }

    [Theory]
    [InlineData("9", "campaign {0} has no member 9 (its members are 0-5)")]
    [InlineData("2-x", "'2-x' is not a member index or a range such as 3-7 (e.g. --members 0,3,5-7)")]
    public async Task Export_refuses_members_that_are_not_there(string members, string message)
    {
        using var folder = new TempFolder();

        var run = await Farm.RunAsync("export", Id.ToString(), "--out", folder["export"], "--members", members);

        Assert.Equal((FarmExitCodes.BadInput, $"error: --members: {string.Format(CultureInfo.InvariantCulture, message, Id)}\n"), (run.ExitCode, run.Error));
        Assert.False(Directory.Exists(folder["export"]));
    }

    [Fact]
    public async Task Predict_on_the_test_part_reproduces_the_results_rows_bit_for_bit()
    {
        using var folder = new TempFolder();
        var input = await fixture.WriteTestRowsAsync(folder["test.csv"], Ct);

        var predict = await Farm.RunAsync("predict", Id.ToString(), input, "--out", folder["predicted.csv"]);
        var results = await Farm.RunAsync("results", Id.ToString(), "--csv", folder["rows.csv"]);
        var stdout = await Farm.RunAsync("predict", Id.ToString(), input);

        var rows = (await fixture.Farm.Store.GetTestSetAsync(Id, Ct)).RowIndices.Length;
        Assert.Equal((FarmExitCodes.Ok, $"predicted {rows} rows with the 6 members of campaign {Id} 'small' (average and vote) into {folder["predicted.csv"]}\n"),
            (predict.ExitCode, predict.Error));
        Assert.Equal(FarmExitCodes.Ok, results.ExitCode);
        var predicted = (await File.ReadAllLinesAsync(folder["predicted.csv"], Ct)).Select(l => l.Split(',')).ToList();
        var reported = (await File.ReadAllLinesAsync(folder["rows.csv"], Ct)).Select(l => l.Split(',')).ToList();
        Assert.Equal(rows + 1, predicted.Count);
        // predict: row,id,<predictions>; results: row,id,target,<predictions>; the row numbers differ (input row vs data set row).
        Assert.Equal(reported.Select(cells => (string[])[cells[1], .. cells[3..]]), predicted.Select(cells => (string[])[cells[1], .. cells[2..]]));
        Assert.Equal(await File.ReadAllTextAsync(folder["predicted.csv"], Ct), stdout.Output);
    }

    [Theory]
    [InlineData("missing column", "line 1, column 'a': the model's feature column 'a' is not in the header; the model was trained on: a, b")]
    [InlineData("wrong order", "line 1, column 'b': this feature column stands before 'a', but the model was trained with it after; put the feature columns in the training order: a, b")]
    [InlineData("NaN", "line 3, column 'a': 'NaN' is not a finite number; NaN, infinity and magnitudes beyond 3.4e38 are not allowed")]
    [InlineData("text", "line 2, column 'b': 'two' is not a number")]
    public async Task Bad_prediction_input_exits_2_naming_the_file_line_and_column(string problem, string message)
    {
        using var folder = new TempFolder();
        var path = folder["new.csv"];
        string[] lines = problem switch
        {
            "missing column" => ["id,b,y", "r0,0.5,1", "r1,-0.5,0"],
            "wrong order" => ["id,b,a,y", "r0,0.5,0.1,1", "r1,-0.5,0.2,0"],
            "NaN" => ["id,a,b,y", "r0,0.1,0.5,1", "r1,NaN,-0.5,0"],
            _ => ["id,a,b,y", "r0,0.1,two,1"],
        };
        await File.WriteAllLinesAsync(path, lines, Ct);

        var run = await Farm.RunAsync("predict", Id.ToString(), path, "--out", folder["out.csv"]);

        Assert.Equal((FarmExitCodes.BadInput, $"error: {path} {message}\n"), (run.ExitCode, run.Error));
    }

    [Fact]
    public async Task A_missing_input_file_exits_2()
    {
        var run = await Farm.RunAsync("predict", Id.ToString(), "/no/such/file.csv");

        Assert.Equal((FarmExitCodes.BadInput, "error: no file /no/such/file.csv\n"), (run.ExitCode, run.Error));
    }

    /// <summary>A file of the repository, found from the test's binaries upwards.</summary>
    internal static string RepositoryFile(string relative)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, relative))) return Path.Combine(folder.FullName, relative);
        throw new FileNotFoundException($"{relative} is not above {AppContext.BaseDirectory}");
    }
}
