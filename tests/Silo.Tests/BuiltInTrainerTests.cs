using EnsembleFarm.Domain.Planning;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Silo.Training;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Silo.Tests;

/// <summary>The farm's grains with the real trainer on a small data set: a few epochs of a small network per member.</summary>
public sealed class BuiltInTrainerTests
{
    private const int Epochs = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<InProcessFarm> FarmAsync() =>
        InProcessFarm.StartAsync(silos: 1, slotsPerSilo: 2, trainer: store => new BuiltInTrainer(new CampaignCache(store), new DatasetCache()));

    private static Task<long> SubmitAsync(InProcessFarm farm, int members, double learningRate = 0.1)
    {
        SmallCampaign.WriteDataset(farm.Folder);
        return farm.SubmitAsync(SmallCampaign.SpecYaml(members, Epochs, learningRate: learningRate, retries: 2), "small.yaml");
    }

    [Fact]
    public async Task EveryMember_IsTrained_AndItsCurveMetricsPredictionsAndModelAreStored()
    {
        await using var farm = await FarmAsync();
        var campaignId = await SubmitAsync(farm, members: 2);

        Assert.Equal(CampaignState.Completed, (await farm.WaitForEndAsync(campaignId)).State);
        var testSet = await farm.Store.GetTestSetAsync(campaignId, Ct);
        var predictions = await farm.Store.GetPredictionsAsync(campaignId, Ct);
        Assert.Equal([0, 1], predictions.Select(p => p.Index));
        Assert.NotEqual(predictions[0].TestPredictions, predictions[1].TestPredictions);
        var data = CsvDataset.Read(farm.Folder + "/small.csv", new CsvDatasetOptions(["y"], TaskKind.Binary, "id"));
        foreach (var member in predictions)
        {
            Assert.Equal(testSet.RowIndices.Length, member.TestPredictions.Length);
            Assert.All(member.TestPredictions, p => Assert.InRange(p, 0f, 1f));
            Assert.Equal(Enumerable.Range(1, Epochs), (await farm.Store.GetEpochMetricsAsync(member.TrialId, Ct)).Select(e => e.Epoch));

            var metrics = await farm.Store.GetFinalMetricsAsync(member.TrialId, Ct);
            Assert.InRange(metrics!["accuracy"], 0.7, 1);
            Assert.Contains("auc", metrics.Keys);

            // The stored model is the one that made the stored predictions.
            var stored = await farm.Store.GetModelAsync(member.TrialId, Ct);
            var model = TrainedModel.Deserialize(stored!.Weights, stored.Json);
            Assert.Equal(member.TestPredictions, model.Predict(data.Select(testSet.RowIndices)));
        }
    }

    [Fact]
    public async Task ACampaignWhoseDatasetChanged_Fails_NamingThePathAndBothHashes()
    {
        await using var farm = await FarmAsync();
        var path = SmallCampaign.WriteDataset(farm.Folder);
        var submitted = DatasetFingerprint.Sha256(path);
        var campaignId = await WriteCampaignAsync(farm, members: 2);
        await File.AppendAllTextAsync(path, "r400,0.5,0.5,1\n", Ct);

        var campaign = await StartAndWaitAsync(farm, campaignId);

        Assert.Equal(CampaignState.Failed, campaign.State);
        Assert.Contains(path, campaign.Error);
        Assert.Contains(submitted, campaign.Error);
        Assert.Contains(DatasetFingerprint.Sha256(path), campaign.Error);
        Assert.All(await farm.Store.GetTrialsAsync(campaignId, Ct), t => Assert.Equal(TrialState.Cancelled, t.State));
    }

    [Fact]
    public async Task ACampaignWhoseDatasetIsMissing_Fails_NamingIt()
    {
        await using var farm = await FarmAsync();
        var path = SmallCampaign.WriteDataset(farm.Folder);
        var campaignId = await WriteCampaignAsync(farm, members: 1);
        File.Delete(path);

        var campaign = await StartAndWaitAsync(farm, campaignId);

        Assert.Equal(CampaignState.Failed, campaign.State);
        Assert.Contains($"dataset '{path}' is missing", campaign.Error);
    }

    /// <summary>Writes a campaign to the store without starting it, so the test can change its data set before any member reads it.</summary>
    private static Task<long> WriteCampaignAsync(InProcessFarm farm, int members) =>
        CampaignSubmission.Prepare(SmallCampaign.SpecYaml(members, Epochs), farm.Folder, "small.yaml").SubmitAsync(farm.Store, Ct);

    private static async Task<CampaignRecord> StartAndWaitAsync(InProcessFarm farm, long campaignId)
    {
        await farm.Cluster.Client.GetGrain<ICampaignGrain>(campaignId).StartAsync();
        return await farm.WaitForEndAsync(campaignId);
    }

    [Fact]
    public async Task ADivergedTrial_FailsAtOnceWithAdvice_InsteadOfStoringNonFinitePredictions()
    {
        await using var farm = await FarmAsync();
        var campaignId = await SubmitAsync(farm, members: 1, learningRate: 1e30);

        var campaign = await farm.WaitForEndAsync(campaignId);

        var trial = Assert.Single(await farm.Store.GetTrialsAsync(campaignId, Ct));
        Assert.Equal(TrialState.Failed, trial.State);
        Assert.Equal(1, trial.Attempt); // a retry with the same seeds would diverge again
        Assert.Contains("training diverged", trial.Error);
        Assert.Contains("training.optimizer.learning_rate", trial.Error);
        Assert.Empty(await farm.Store.GetPredictionsAsync(campaignId, Ct));
        Assert.Equal(CampaignState.Failed, campaign.State);
    }
}
