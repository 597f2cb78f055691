using EnsembleFarm.Store;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Silo.Training;
using Xunit;

namespace EnsembleFarm.Silo.Tests;

/// <summary>The silo with the real trainer on a tiny dataset: a few epochs of a small network per member.</summary>
public sealed class BuiltInTrainerTests
{
    private const int Epochs = 3;

    private static CancellationToken Ct => TestFarm.Ct;

    private static SiloRunner Runner(TestFarm farm) => farm.Runner(new BuiltInTrainer(farm.Store, new DatasetCache()));

    [Fact]
    public async Task Silo_TrainsEveryMemberAndStoresItsCurveMetricsPredictionsAndModel()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await TinyCampaign.SubmitAsync(farm, members: 2, Epochs);

        await Runner(farm).RunAsync(Ct);

        Assert.Equal(CampaignState.Completed, (await farm.Store.GetCampaignAsync(campaignId, Ct))!.State);
        var testSet = await farm.Store.GetTestSetAsync(campaignId, Ct);
        var predictions = await farm.Store.GetPredictionsAsync(campaignId, Ct);
        Assert.Equal([0, 1], predictions.Select(p => p.Index));
        Assert.NotEqual(predictions[0].TestPredictions, predictions[1].TestPredictions);
        foreach (var member in predictions)
        {
            Assert.Equal(testSet.RowIndices.Length, member.TestPredictions.Length);
            Assert.All(member.TestPredictions, p => Assert.InRange(p, 0f, 1f));
            Assert.Equal(Enumerable.Range(1, Epochs), (await farm.Store.GetEpochMetricsAsync(member.TrialId, Ct)).Select(e => e.Epoch));

            var metrics = await farm.Store.GetFinalMetricsAsync(member.TrialId, Ct);
            Assert.InRange(metrics!["accuracy"], 0, 1);
            Assert.Contains("auc", metrics.Keys);

            // The stored model is the one that made the stored predictions.
            var stored = await farm.Store.GetModelAsync(member.TrialId, Ct);
            var model = TrainedModel.Deserialize(stored!.Weights, stored.Json);
            var data = CsvDataset.Read(Path.Combine(farm.Folder, "tiny.csv"), new CsvDatasetOptions(["y"], TaskKind.Binary, "id"));
            Assert.Equal(member.TestPredictions, model.Predict(data.Select(testSet.RowIndices)));
        }
    }

    [Fact]
    public async Task Silo_FailsACampaignWhoseDatasetChangedNamingThePathAndBothHashes()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await TinyCampaign.SubmitAsync(farm, members: 2, Epochs);
        var path = Path.Combine(farm.Folder, "tiny.csv");
        var submitted = DatasetFingerprint.Sha256(path);
        await File.AppendAllTextAsync(path, "r80,0.5,0.5,1\n", Ct);

        await Runner(farm).RunAsync(Ct);

        var campaign = await farm.Store.GetCampaignAsync(campaignId, Ct);
        Assert.Equal(CampaignState.Failed, campaign!.State);
        Assert.Contains(path, campaign.Error);
        Assert.Contains(submitted, campaign.Error);
        Assert.Contains(DatasetFingerprint.Sha256(path), campaign.Error);
        Assert.All(await farm.Store.GetTrialsAsync(campaignId, Ct), t => Assert.Equal(TrialState.Cancelled, t.State));
    }

    [Fact]
    public async Task Silo_FailsACampaignWhoseDatasetIsMissing()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await TinyCampaign.SubmitAsync(farm, members: 1, Epochs);
        var path = Path.Combine(farm.Folder, "tiny.csv");
        File.Delete(path);

        await Runner(farm).RunAsync(Ct);

        var campaign = await farm.Store.GetCampaignAsync(campaignId, Ct);
        Assert.Equal(CampaignState.Failed, campaign!.State);
        Assert.Contains($"dataset '{path}' is missing", campaign.Error);
    }

    [Fact]
    public async Task Silo_FailsADivergedTrialAtOnceWithAdviceInsteadOfStoringNonFinitePredictions()
    {
        await using var farm = await TestFarm.StartAsync();
        var campaignId = await TinyCampaign.SubmitAsync(farm, members: 1, Epochs, learningRate: 1e30);

        await Runner(farm).RunAsync(Ct);

        var trial = Assert.Single(await farm.Store.GetTrialsAsync(campaignId, Ct));
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.Equal(1, trial.Attempt); // a retry with the same seeds would diverge again
        Assert.Contains("training diverged", trial.Error);
        Assert.Contains("training.optimizer.learning_rate", trial.Error);
        Assert.Empty(await farm.Store.GetPredictionsAsync(campaignId, Ct));
        Assert.Equal(CampaignState.Failed, (await farm.Store.GetCampaignAsync(campaignId, Ct))!.State);
    }
}
