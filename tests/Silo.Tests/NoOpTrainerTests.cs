using EnsembleFarm.Domain.Search;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Silo.Training;
using EnsembleFarm.Store;
using EnsembleFarm.TestKit;

namespace EnsembleFarm.Silo.Tests;

/// <summary>The trainer that trains nothing still gives a search results to learn from: what the search throughput bench relies on.</summary>
public sealed class NoOpTrainerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASearchsTrials_ReportTheSumOfTheirSquaredNumericParametersAsValLoss_AndEnsembleMembersDoNot()
    {
        await using var farm = await InProcessFarm.StartAsync(silos: 1, slotsPerSilo: 2, trainer: store => new NoOpTrainer(new CampaignCache(store)));
        SmallCampaign.WriteDataset(farm.Folder);
        var search = await farm.SubmitAsync("""
            name: noop-search
            kind: search
            seed: 3
            dataset: {path: small.csv, target: y, task: binary, id_column: id}
            model: {hidden: [8]}
            training: {epochs: 5, batch_size: 16, optimizer: {name: sgd, learning_rate: 0.1}}
            search:
              trials: 6
              sampler: {name: random, seed: 1}
              space:
                training.optimizer.learning_rate: {float: [1.0e-4, 1.0]}
                training.batch_size: {int: [8, 64]}
                model.activation: {categorical: [relu, tanh]}
            """, "noop-search.yaml");
        var member = await farm.SubmitAsync(members: 1);

        Assert.Equal(CampaignState.Completed, (await farm.WaitForEndAsync(search)).State);
        Assert.Equal(CampaignState.Completed, (await farm.WaitForEndAsync(member)).State);
        var finals = await farm.Store.GetFinalMetricsOfCampaignAsync(search, Ct);
        var trials = await farm.Store.GetTrialsAsync(search, Ct);
        Assert.Equal(6, trials.Count);
        Assert.All(trials, trial =>
        {
            var parameters = SearchParameters.FromJson(trial.ParamsJson);
            var rate = parameters["training.optimizer.learning_rate"].AsDouble();
            var batch = parameters["training.batch_size"].AsDouble();
            Assert.Equal((rate * rate) + (batch * batch), finals[trial.Id]["val_loss"], 9);
        });
        Assert.Equal(["trained"], (await farm.Store.GetFinalMetricsOfCampaignAsync(member, Ct)).Values.Single().Keys);
    }
}
