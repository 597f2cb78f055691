namespace EnsembleFarm.Domain.Search;

/// <summary>
/// Pareto ranks and crowding distances (Deb et al. 2002), on losses (every objective turned so that
/// smaller is better). Shared by NSGA-II, multi-objective TPE and the Pareto front.
/// </summary>
internal static class NonDominatedSort
{
    /// <summary>Whether <paramref name="a"/> is at least as good everywhere and strictly better somewhere.</summary>
    public static bool Dominates(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var strictly = false;
        for (var k = 0; k < a.Length; k++)
        {
            if (a[k] > b[k]) return false;
            if (a[k] < b[k]) strictly = true;
        }
        return strictly;
    }

    /// <summary>The front of each point: 0 for the non-dominated ones, 1 for those dominated only by front 0, and so on.</summary>
    public static int[] Ranks(IReadOnlyList<double[]> losses)
    {
        var n = losses.Count;
        var dominatedBy = new int[n];
        var dominates = new List<int>[n];
        for (var i = 0; i < n; i++) dominates[i] = [];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (Dominates(losses[i], losses[j])) { dominates[i].Add(j); dominatedBy[j]++; }
                else if (Dominates(losses[j], losses[i])) { dominates[j].Add(i); dominatedBy[i]++; }
            }
        }
        var ranks = new int[n];
        var front = Enumerable.Range(0, n).Where(i => dominatedBy[i] == 0).ToList();
        var rank = 0;
        while (front.Count > 0)
        {
            var next = new List<int>();
            foreach (var i in front)
            {
                ranks[i] = rank;
                foreach (var j in dominates[i])
                {
                    if (--dominatedBy[j] == 0) next.Add(j);
                }
            }
            front = next;
            rank++;
        }
        return ranks;
    }

    /// <summary>
    /// Crowding distance of each member of <paramref name="members"/> (indices into <paramref name="losses"/>,
    /// one front): the perimeter of the box between its neighbours, infinite at the extremes, so that a front is
    /// thinned where it is dense and kept where it is sparse.
    /// </summary>
    public static Dictionary<int, double> Crowding(IReadOnlyList<double[]> losses, IReadOnlyList<int> members)
    {
        var distance = members.ToDictionary(i => i, _ => 0.0);
        if (members.Count <= 2)
        {
            foreach (var i in members) distance[i] = double.PositiveInfinity;
            return distance;
        }
        var objectives = losses[members[0]].Length;
        for (var k = 0; k < objectives; k++)
        {
            var sorted = members.OrderBy(i => losses[i][k]).ThenBy(i => i).ToList();
            var low = losses[sorted[0]][k];
            var high = losses[sorted[^1]][k];
            distance[sorted[0]] = double.PositiveInfinity;
            distance[sorted[^1]] = double.PositiveInfinity;
            if (high <= low) continue;
            for (var m = 1; m < sorted.Count - 1; m++)
                distance[sorted[m]] += (losses[sorted[m + 1]][k] - losses[sorted[m - 1]][k]) / (high - low);
        }
        return distance;
    }

    /// <summary>
    /// All indices ordered best first: by front, then by crowding distance (largest first) within a front,
    /// then by index. The first P of this order is NSGA-II's elitist selection of a population of P.
    /// </summary>
    public static int[] Order(IReadOnlyList<double[]> losses, out int[] ranks, out double[] crowding)
    {
        var r = Ranks(losses);
        var c = new double[losses.Count];
        foreach (var front in Enumerable.Range(0, losses.Count).GroupBy(i => r[i]))
        {
            foreach (var (i, d) in Crowding(losses, front.ToList())) c[i] = d;
        }
        ranks = r;
        crowding = c;
        return Enumerable.Range(0, losses.Count).OrderBy(i => r[i]).ThenByDescending(i => c[i]).ThenBy(i => i).ToArray();
    }
}
