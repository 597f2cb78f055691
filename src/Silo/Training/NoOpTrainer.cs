using EnsembleFarm.Domain.Search;
using EnsembleFarm.Grains.Training;
using EnsembleFarm.Store;

namespace EnsembleFarm.Silo.Training;

/// <summary>
/// Trains nothing: every trial ends at once with a prediction of 0.5 for each test row. For measuring what the farm
/// itself costs (scheduling, claims, store writes) without any training in the way: <c>--trainer none</c>.
/// </summary>
/// <remarks>
/// A trial with parameters (a search's) also reports <c>val_loss</c> (a search's default objective) as the sum of the squares of its numeric
/// parameters: without a result the sampler would learn nothing, and a model-based sampler such as TPE would stay in
/// its random start-up phase, which would understate what a search costs the farm. The Optuna side of the throughput
/// bench minimises the same function (bench/optuna_throughput.py).
/// </remarks>
public sealed class NoOpTrainer(CampaignCache campaigns) : ITrialTrainer
{
    private static readonly IReadOnlyDictionary<string, double> Metrics = new Dictionary<string, double> { ["trained"] = 0 };

    public async Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, CancellationToken ct)
    {
        // From the silo's cache, as the real trainers read it: a store read per trial would be measured as the farm's cost.
        var testSet = (await campaigns.GetAsync(trial.Campaign).WaitAsync(ct)).TestSet;
        var predictions = new float[testSet.RowIndices.Length];
        Array.Fill(predictions, 0.5f);
        return new TrialOutcome(MetricsOf(trial.Trial), predictions, 1, [], "{}");
    }

    /// <summary>What a trial reports: a plain ensemble member nothing but <c>trained</c>; a trial with parameters its <c>val_loss</c> too.</summary>
    private static IReadOnlyDictionary<string, double> MetricsOf(TrialRecord trial)
    {
        var parameters = SearchParameters.FromJson(trial.ParamsJson);
        if (parameters.Count == 0) return Metrics;
        var loss = parameters.Values.Where(v => v.Kind is ParamKind.Float or ParamKind.Int).Sum(v => v.AsDouble() * v.AsDouble());
        return new Dictionary<string, double>(Metrics) { ["val_loss"] = loss };
    }
}
