using System.Text.Json;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A search or nas campaign as the store holds it, each trial seen as its sampler sees it: parameters, what the sampler
/// noted with them, the objectives' final values and the learning curve of the current attempt. The campaign grain
/// rebuilds its sampler's view from this; <c>farm results</c> and an ensemble's <c>from_search</c> rank trials with it.
/// </summary>
/// <param name="Records">The store's trials, in trial order; <see cref="Trials"/> holds them frozen, in the same order.</param>
public sealed record StoredSearch(CampaignRecord Campaign, CampaignSpec Spec, SearchSpec Search, IReadOnlyList<TrialRecord> Records,
    IReadOnlyList<FrozenTrial> Trials)
{
    /// <summary>The search campaign <paramref name="campaignId"/>; null when there is no such campaign.</summary>
    /// <exception cref="ArgumentException">The campaign is an ensemble.</exception>
    /// <exception cref="SpecException">Its stored spec cannot be read by this build.</exception>
    public static async Task<StoredSearch?> LoadAsync(IFarmStore store, long campaignId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        return await StoreQueries.CurvesAsync(store, campaignId, ct).ConfigureAwait(false) is { } curves ? From(curves) : null;
    }

    /// <summary>The search of a campaign's trials, curves and final metrics, however they were read (store or farm).</summary>
    /// <exception cref="ArgumentException">The campaign is an ensemble.</exception>
    /// <exception cref="SpecException">Its stored spec cannot be read by this build.</exception>
    public static StoredSearch From(CampaignCurves curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var campaign = curves.Campaign;
        var spec = StoredSpec.Read(campaign);
        var search = spec.Search ?? throw new ArgumentException($"campaign {campaign.Id} '{campaign.Name}' is an {campaign.Kind}, not a search", nameof(curves));
        var records = curves.Trials.OrderBy(t => t.Index).ToList();
        var byTrial = curves.Epochs.ToLookup(e => e.TrialId);
        var trials = records.Select(t => Freeze(t, search, curves.FinalMetrics.GetValueOrDefault(t.Id), Steps(byTrial[t.Id], t.Attempt, search))).ToList();
        return new StoredSearch(campaign, spec, search, records, trials);
    }

    /// <summary>A stored trial as the search's sampler and pruner see it.</summary>
    /// <param name="finalMetrics">The trial's final metrics, when it completed; the objectives' values are read from them.</param>
    /// <param name="steps">The first objective's value by epoch, of the trial's current attempt.</param>
    public static FrozenTrial Freeze(TrialRecord trial, SearchSpec search, IReadOnlyDictionary<string, double>? finalMetrics,
        IReadOnlyDictionary<int, double> steps)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentNullException.ThrowIfNull(search);
        return new FrozenTrial(trial.Index, trial.State, SearchParameters.FromJson(trial.ParamsJson))
        {
            Values = trial.State == TrialState.Completed && finalMetrics is not null
                // A missing objective reads NaN: the trial counts as a point taken, never as a result.
                ? [.. search.Objectives.Select(o => finalMetrics.TryGetValue(o.Metric, out var value) ? value : double.NaN)]
                : [],
            IntermediateValues = steps,
            Attributes = trial.AttributesJson is { } json
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? []
                : new Dictionary<string, string>(),
            PrunedStep = trial.PrunedStep,
            PruneReason = trial.State == TrialState.Pruned ? trial.Error : null,
        };
    }

    /// <summary>The first objective's metric by epoch, from the epochs <paramref name="attempt"/> stored (a retry starts its curve afresh).</summary>
    public static Dictionary<int, double> Steps(IEnumerable<EpochMetrics> curve, int attempt, SearchSpec search)
    {
        ArgumentNullException.ThrowIfNull(search);
        var metric = search.Objectives[0].Metric;
        var steps = new Dictionary<int, double>();
        foreach (var epoch in curve)
            if (epoch.Attempt == attempt && epoch.Metrics.TryGetValue(metric, out var value)) steps[epoch.Epoch] = value;
        return steps;
    }

    /// <summary>
    /// The completed trials with a value for every objective, best first: by the first objective alone for one objective;
    /// for several, the Pareto front first, then each further front, each in the order of the first objective.
    /// </summary>
    public IReadOnlyList<FrozenTrial> Ranked() => Rank(Trials, Search.Objectives);

    /// <inheritdoc cref="Ranked()"/>
    public static IReadOnlyList<FrozenTrial> Rank(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<Objective> objectives)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(objectives);
        var completed = trials.Where(t => t.HasResult(objectives.Count)).ToList();
        var fronts = NonDominatedSort.Ranks(completed.Select(t => ParetoFront.Losses(t, objectives)).ToList());
        return [.. completed
            .Select((trial, i) => (trial, front: fronts[i]))
            .OrderBy(x => x.front).ThenBy(x => objectives[0].Loss(x.trial.Values[0])).ThenBy(x => x.trial.Number)
            .Select(x => x.trial)];
    }

    /// <summary>
    /// The best <paramref name="top"/> distinct configurations, best first: what <c>ensemble.from_search</c> trains.
    /// Two trials of the same parameters (an enqueued point the sampler met again) count once, at the better one's place.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, ParamValue>> BestConfigurations(int top)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(top);
        return [.. Ranked().DistinctBy(t => SearchParameters.ToJson(t.Params)).Take(top).Select(t => t.Params)];
    }
}
