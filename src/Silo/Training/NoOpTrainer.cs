using EnsembleFarm.Grains.Training;
using EnsembleFarm.Store;

namespace EnsembleFarm.Silo.Training;

/// <summary>
/// Trains nothing: every trial ends at once with a prediction of 0.5 for each test row. For measuring what the farm
/// itself costs (scheduling, claims, store writes) without any training in the way: <c>--trainer none</c>.
/// </summary>
public sealed class NoOpTrainer(IFarmStore store) : ITrialTrainer
{
    private static readonly IReadOnlyDictionary<string, double> Metrics = new Dictionary<string, double> { ["trained"] = 0 };

    public async Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, CancellationToken ct)
    {
        var testSet = await store.GetTestSetAsync(trial.Campaign.Id, ct);
        var predictions = new float[testSet.RowIndices.Length];
        Array.Fill(predictions, 0.5f);
        return new TrialOutcome(Metrics, predictions, 1, [], "{}");
    }
}
