using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// The trade-offs of a search with several objectives: the completed trials no other completed trial
/// beats on every objective at once, and the hypervolume they dominate (how a front is scored).
/// </summary>
public static class ParetoFront
{
    /// <summary>The non-dominated completed trials, by trial number. With one objective: the best trial(s).</summary>
    public static IReadOnlyList<FrozenTrial> Of(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<Objective> objectives)
    {
        var completed = trials.Where(t => t.HasResult(objectives.Count)).OrderBy(t => t.Number).ToList();
        var losses = completed.Select(t => Losses(t, objectives)).ToList();
        var ranks = NonDominatedSort.Ranks(losses);
        return completed.Where((_, i) => ranks[i] == 0).ToList();
    }

    /// <summary>
    /// The volume of objective space the completed trials dominate up to <paramref name="reference"/> (one
    /// value per objective, worse than any trial of interest). Larger is better; the true front's value is the
    /// largest possible. Exact: a sweep in two dimensions, slicing along the last objective in more.
    /// </summary>
    public static double Hypervolume(IReadOnlyList<FrozenTrial> trials, IReadOnlyList<Objective> objectives, IReadOnlyList<double> reference)
    {
        if (reference.Count != objectives.Count) throw new ArgumentException($"the reference point needs {objectives.Count} values, got {reference.Count}", nameof(reference));
        var r = objectives.Select((o, k) => o.Loss(reference[k])).ToArray();
        var points = Of(trials, objectives).Select(t => Losses(t, objectives))
            .Where(p => p.Select((v, k) => v < r[k]).All(x => x))
            .ToList();
        return Volume(points, r);
    }

    internal static double[] Losses(FrozenTrial trial, IReadOnlyList<Objective> objectives) =>
        objectives.Select((o, k) => o.Loss(trial.Values[k])).ToArray();

    /// <summary>Dominated volume of <paramref name="points"/> (losses, each below <paramref name="reference"/>).</summary>
    internal static double Volume(List<double[]> points, double[] reference)
    {
        if (points.Count == 0) return 0;
        var d = reference.Length;
        if (d == 1) return reference[0] - points.Min(p => p[0]);
        if (d == 2)
        {
            var sorted = points.OrderBy(p => p[0]).ThenBy(p => p[1]).ToList();
            var volume = 0.0;
            var bestY = reference[1];
            foreach (var p in sorted)
            {
                if (p[1] >= bestY) continue;
                volume += (reference[0] - p[0]) * (bestY - p[1]);
                bestY = p[1];
            }
            return volume;
        }
        // Slice along the last objective: between consecutive values, the (d−1)-volume of the points below.
        var levels = points.Select(p => p[d - 1]).Distinct().Order().ToList();
        var total = 0.0;
        for (var i = 0; i < levels.Count; i++)
        {
            var top = i + 1 < levels.Count ? levels[i + 1] : reference[d - 1];
            var slice = points.Where(p => p[d - 1] <= levels[i]).Select(p => p[..(d - 1)]).ToList();
            total += (top - levels[i]) * Volume(slice, reference[..(d - 1)]);
        }
        return total;
    }
}
