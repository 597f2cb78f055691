using EnsembleFarm.Silo.Training;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Client.Tests;

/// <summary>
/// A farm with the real trainer and one finished campaign of real models (six members, a few epochs of a small
/// network on the small data set), shared by the tests whose models must be real: export, predict, the HTML report.
/// </summary>
public sealed class TrainedFarmFixture : IAsyncLifetime
{
    public const int Members = 6;

    private InProcessFarm? _farm;

    internal InProcessFarm Farm => _farm ?? throw new InvalidOperationException("the farm has not started");

    public long CampaignId { get; private set; }

    /// <summary>The campaign's data set (id, a, b, y): the test part's features are its rows.</summary>
    public string DatasetPath => Path.Combine(Farm.Folder, "small.csv");

    public async ValueTask InitializeAsync()
    {
        _farm = await InProcessFarm.StartAsync(silos: 1, slotsPerSilo: 2, trainer: store => new BuiltInTrainer(new CampaignCache(store), new DatasetCache()));
        SmallCampaign.WriteDataset(_farm.Folder);
        CampaignId = await _farm.SubmitAsync(SmallCampaign.SpecYaml(Members, epochs: 4), "small.yaml");
        await _farm.WaitForEndAsync(CampaignId, TimeSpan.FromMinutes(2));
    }

    /// <summary>Writes the dataset's rows of the test part (every column, header first) to <paramref name="path"/>.</summary>
    public async Task<string> WriteTestRowsAsync(string path, CancellationToken ct)
    {
        var lines = await File.ReadAllLinesAsync(DatasetPath, ct);
        var testSet = await Farm.Store.GetTestSetAsync(CampaignId, ct);
        await File.WriteAllLinesAsync(path, [lines[0], .. testSet.RowIndices.Select(row => lines[row + 1])], ct);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (_farm is not null) await _farm.DisposeAsync();
    }
}
