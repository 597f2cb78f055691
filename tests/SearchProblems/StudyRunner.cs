using EnsembleFarm.Domain.Search;
using EnsembleFarm.Store;

namespace EnsembleFarm.SearchProblems;

/// <summary>
/// What a campaign grain does with a sampler, reduced to a loop: ask, train (evaluate a function), record.
/// Parallel runs ask for a batch of suggestions with the earlier ones of the batch still pending, as
/// several silos asking at once would.
/// </summary>
public static class StudyRunner
{
    public static List<FrozenTrial> Run(ISampler sampler, SearchSpace space, Func<IReadOnlyDictionary<string, ParamValue>, double> f,
        int budget, Objective? objective = null) =>
        RunMany(sampler, space, p => [f(p)], budget, [objective ?? Objective.Minimize("loss")]);

    public static List<FrozenTrial> RunMany(ISampler sampler, SearchSpace space, Func<IReadOnlyDictionary<string, ParamValue>, double[]> f,
        int budget, IReadOnlyList<Objective> objectives, int workers = 1)
    {
        var trials = new List<FrozenTrial>();
        while (trials.Count < budget)
        {
            var batch = new List<FrozenTrial>();
            for (var w = 0; w < workers && trials.Count + batch.Count < budget; w++)
            {
                var suggestion = sampler.Suggest(new SearchContext(space, objectives, [.. trials, .. batch]));
                batch.Add(new FrozenTrial(trials.Count + batch.Count, TrialState.Running, suggestion.Params) { Attributes = suggestion.Attributes });
            }
            trials.AddRange(batch.Select(t => t with { State = TrialState.Completed, Values = f(t.Params) }));
        }
        return trials;
    }

    public static double Best(IEnumerable<FrozenTrial> trials) => trials.Where(t => t.State == TrialState.Completed).Min(t => t.Values[0]);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
    }

    /// <summary>The best value found by each seed's run.</summary>
    public static double[] BestPerSeed(Func<ulong, ISampler> sampler, SearchSpace space, Func<IReadOnlyDictionary<string, ParamValue>, double> f,
        int budget, int seeds = 5) =>
        Enumerable.Range(1, seeds).Select(s => Best(Run(sampler((ulong)s), space, f, budget))).ToArray();

    /// <summary>Random search's mean best value with the same budget, over more seeds (it is cheap).</summary>
    public static double RandomMeanBest(SearchSpace space, Func<IReadOnlyDictionary<string, ParamValue>, double> f, int budget, int seeds = 20) =>
        BestPerSeed(s => new RandomSampler(new RandomSamplerOptions { Seed = 1000 + s }), space, f, budget, seeds).Average();
}
