using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// Which parameters mattered, for <c>farm results</c>: permutation importance on a fitted surrogate.
/// A Gaussian process (the GP sampler's model: Matérn 5/2, ARD, categorical Hamming distance, inactive
/// parameters imputed) is fitted to the completed trials; then, one parameter at a time, its column is
/// shuffled across the trials and the mean squared change of the surrogate's predictions is measured. The
/// importances are normalised to sum to 1.
/// <para>
/// Why not fANOVA on a random forest (Optuna's default): it needs a forest and a variance decomposition
/// over its partitions, a lot of code for a ranking; permutation importance answers the same question
/// ("how much does the predicted result move when this parameter is scrambled?") on a model the library
/// already has. It reflects the surrogate, so with few trials it is a hint, not a measurement.
/// </para>
/// </summary>
public static class ParameterImportance
{
    /// <param name="objectiveIndex">Which objective to explain when there are several.</param>
    /// <param name="repeats">Shuffles per parameter, averaged.</param>
    /// <returns>Importance per non-fixed parameter, in the space's order, summing to 1.</returns>
    /// <exception cref="ArgumentException">Fewer than 4 completed trials.</exception>
    public static IReadOnlyDictionary<string, double> Evaluate(
        SearchSpace space, IReadOnlyList<FrozenTrial> trials, IReadOnlyList<Objective> objectives,
        int objectiveIndex = 0, ulong seed = 0, int repeats = 5)
    {
        var completed = trials.Where(t => t.HasResult(objectives.Count)).OrderBy(t => t.Number).TakeLast(300).ToList();
        if (completed.Count < 4) throw new ArgumentException($"parameter importance needs at least 4 completed trials, got {completed.Count}", nameof(trials));
        var codec = new SpaceCodec(space);
        var columns = Enumerable.Range(0, codec.Count).Where(j => !codec.Fixed[j]).ToArray();
        var categorical = columns.Select(codec.IsCategorical).ToArray();
        var x = completed.Select(t =>
        {
            var encoded = codec.Encode(t.Params);
            return GaussianProcess.Impute(columns.Select(j => encoded[j]).ToArray(), categorical);
        }).ToArray();
        var objective = objectives[objectiveIndex];
        var losses = completed.Select(t => objective.Loss(t.Values[objectiveIndex])).ToArray();
        var mean = losses.Average();
        var sd = Math.Sqrt(losses.Select(l => (l - mean) * (l - mean)).Average());
        if (!(sd > 1e-12)) sd = 1;
        var gp = GaussianProcess.Fit(x, categorical, losses.Select(l => (l - mean) / sd).ToArray());
        var baseline = x.Select(gp.PredictMean).ToArray();

        var rng = new Rng(seed);
        var raw = new double[columns.Length];
        var order = Enumerable.Range(0, x.Length).ToArray();
        for (var c = 0; c < columns.Length; c++)
        {
            for (var r = 0; r < repeats; r++)
            {
                rng.Shuffle(order.AsSpan());
                for (var i = 0; i < x.Length; i++)
                {
                    var shuffled = (double[])x[i].Clone();
                    shuffled[c] = x[order[i]][c];
                    var change = gp.PredictMean(shuffled) - baseline[i];
                    raw[c] += change * change;
                }
            }
            raw[c] /= repeats * x.Length;
        }
        var total = raw.Sum();
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var c = 0; c < columns.Length; c++)
            result[space.Parameters[columns[c]].Name] = total > 0 ? raw[c] / total : 1.0 / columns.Length;
        return result;
    }
}
