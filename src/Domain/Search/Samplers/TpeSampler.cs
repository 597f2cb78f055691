using System.Buffers;
using System.Runtime.InteropServices;
using EnsembleFarm.Models;
using EnsembleFarm.Store;

namespace EnsembleFarm.Domain.Search;

/// <summary>Settings of <see cref="TpeSampler"/> (Optuna's names, in snake_case in a spec).</summary>
public sealed record TpeSamplerOptions
{
    public ulong Seed { get; init; }

    /// <summary>Uniform random suggestions until this many trials have finished (completed or pruned).</summary>
    public int NStartupTrials { get; init; } = 10;

    /// <summary>Candidates drawn from the "good" density per suggestion; the best ratio wins.</summary>
    public int NEiCandidates { get; init; } = 24;

    /// <summary>Share of the finished trials that form the "good" group: ⌈gamma·n⌉, at most <see cref="MaxGoodTrials"/>.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary>Cap on the "good" group (Optuna's default gamma is min(⌈0.1·n⌉, 25)).</summary>
    public int MaxGoodTrials { get; init; } = 25;

    /// <summary>Weight of the prior (uniform-ish) component against each observation's.</summary>
    public double PriorWeight { get; init; } = 1.0;

    /// <summary>Model the parameters jointly (one density over a group), not each on its own.</summary>
    public bool Multivariate { get; init; } = true;

    /// <summary>Count pending trials in the "bad" group, so parallel suggestions avoid each other's points.</summary>
    public bool ConstantLiar { get; init; } = true;

    /// <summary>How wide each observation's kernel is on a numeric parameter (see <see cref="TpeBandwidth"/>).</summary>
    public TpeBandwidth Bandwidth { get; init; } = TpeBandwidth.Gaps;
}

/// <summary>The bandwidth rule of TPE's kernels on numeric parameters (in unit coordinates, before the magic clip).</summary>
public enum TpeBandwidth
{
    /// <summary>
    /// Each observation's own width per parameter: the larger gap to its neighbours among the group's values of that
    /// parameter and the prior's centre, the outermost ones their inner gap (Optuna's univariate rule, consider_endpoints
    /// off; here for joint kernels too, as in Watanabe 2023's multivariate TPE).
    /// Kernels narrow where observations crowd, so l sharpens around a cluster of good trials and g around the many bad
    /// ones, however many dimensions there are.
    /// </summary>
    Gaps,

    /// <summary>
    /// One width for all observations and parameters, 0.2·n^(−1/(d+4)) (Optuna's multivariate rule, Scott-like; d the
    /// group's parameters). It hardly narrows with n in many dimensions (0.17 at n = 10 and 0.15 at n = 90 for d = 10).
    /// </summary>
    Scott,
}

/// <summary>
/// Tree-structured Parzen estimator (Bergstra et al. 2011; multivariate as Falkner et al. 2018, Optuna's
/// TPESampler with multivariate=True, group=True). The finished trials are split into a "good" group (the
/// best ⌈γ·n⌉) and the rest; a Parzen density l(x) is fitted to the good ones and g(x) to the others, and the
/// candidate drawn from l with the largest l(x)/g(x) is suggested: a cheap, robust default for mixed,
/// conditional spaces and budgets from tens to thousands of trials. Unlike Optuna's multivariate TPE, the joint
/// kernels' widths are by default each observation's gaps to its neighbours (<see cref="TpeBandwidth.Gaps"/>), not
/// one Scott-like width: docs/benchmarks.md, "Samplers vs Optuna", gives the comparison that chose it.
/// <para>
/// Conditional spaces: parameters are grouped by their conditions (all unconditional parameters form one
/// group; "width_2" and "dropout_2" with the same condition "depth &gt;= 2" form another), groups are
/// sampled in the space's order, and a group that the values already chosen make active is sampled
/// jointly, from the trials in which it was active. With <see cref="TpeSamplerOptions.Multivariate"/> off,
/// every parameter is its own group.
/// </para>
/// <para>
/// Pruned trials rank after the completed ones (those that got further first, then by their last value),
/// as in Optuna. Several objectives: trials rank by Pareto front, then by crowding distance (Optuna's
/// MOTPE weighs the good group by hypervolume contribution instead). With the constant liar, pending
/// trials join the bad group, which pushes l/g down around their points.
/// </para>
/// </summary>
public sealed class TpeSampler : ISampler
{
    private readonly TpeSamplerOptions _options;

    // What the last context's trials encode to, reused for the trials the next one still holds: a cost saving only,
    // every suggestion is the one a new sampler would make (EncodedTrials says why).
    private readonly EncodedTrials _trials = new();

    public TpeSampler(TpeSamplerOptions? options = null)
    {
        _options = options ?? new TpeSamplerOptions();
        if (_options.NStartupTrials < 0) throw new ArgumentOutOfRangeException(nameof(options), $"n_startup_trials must be >= 0, got {_options.NStartupTrials}");
        if (_options.NEiCandidates < 1) throw new ArgumentOutOfRangeException(nameof(options), $"n_ei_candidates must be >= 1, got {_options.NEiCandidates}");
        if (!(_options.Gamma is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(options), $"gamma must be in (0, 1], got {_options.Gamma}");
        if (_options.MaxGoodTrials < 1) throw new ArgumentOutOfRangeException(nameof(options), $"max_good_trials must be >= 1, got {_options.MaxGoodTrials}");
        if (!(_options.PriorWeight >= 0)) throw new ArgumentOutOfRangeException(nameof(options), $"prior_weight must be >= 0, got {_options.PriorWeight}");
    }

    public Suggestion Suggest(SearchContext context)
    {
        // The kept rows serve one suggestion at a time: a sampler shared between threads makes them wait their turn.
        lock (_trials)
        {
            _trials.Update(context);
            return Propose(context);
        }
    }

    private Suggestion Propose(SearchContext context)
    {
        var rng = SpaceSampling.RngFor(_options.Seed, context);
        var ranked = Rank(context);
        if (ranked.Count < Math.Max(1, _options.NStartupTrials)) return new Suggestion(SpaceSampling.NewUniform(context, rng, _trials.Taken));

        var good = Math.Min(Math.Min((int)Math.Ceiling(_options.Gamma * ranked.Count), _options.MaxGoodTrials), ranked.Count);
        good = Math.Max(good, 1);
        var rest = ranked.GetRange(good, ranked.Count - good);
        if (_options.ConstantLiar)
        {
            for (var i = 0; i < context.Trials.Count; i++)
            {
                if (context.Trials[i].IsPending) rest.Add(i);
            }
        }
        var below = ByNumber(context.Trials, CollectionsMarshal.AsSpan(ranked)[..good]);
        var above = ByNumber(context.Trials, CollectionsMarshal.AsSpan(rest));
        var codec = _trials.Codec;
        var groups = Groups(context.Space);
        var estimators = new (ParzenEstimator Good, ParzenEstimator Bad)?[groups.Count];
        try
        {
            return new Suggestion(SpaceSampling.FirstNew(context, rng, Candidates(), taken: _trials.Taken));
        }
        finally
        {
            foreach (var pair in estimators)
            {
                pair?.Good.Dispose();
                pair?.Bad.Dispose();
            }
        }

        IEnumerable<IReadOnlyDictionary<string, ParamValue>> Candidates()
        {
            while (true)
            {
                var chosen = new Dictionary<string, ParamValue>(StringComparer.Ordinal);
                for (var g = 0; g < groups.Count; g++)
                {
                    var columns = groups[g];
                    var first = context.Space.Parameters[columns[0]];
                    if (!SearchSpace.IsActive(first, chosen)) continue;
                    if (first.Distribution is FixedDistribution f)
                    {
                        chosen[first.Name] = f.Value;
                        continue;
                    }
                    estimators[g] ??= (Estimator(below, columns), Estimator(above, columns));
                    var x = Best(estimators[g]!.Value, columns, codec, rng);
                    for (var i = 0; i < columns.Length; i++)
                        chosen[context.Space.Parameters[columns[i]].Name] = SpaceCodec.ValueOf(context.Space.Parameters[columns[i]], x[i]);
                }
                yield return context.Space.Resolve((p, _) => chosen[p.Name]);
            }
        }
    }

    /// <summary>
    /// Finished trials best first, as positions in the context: completed by loss (Pareto front and crowding for several
    /// objectives), then pruned (those that got further first, then by their last value). Ties go by trial number.
    /// </summary>
    private static List<int> Rank(SearchContext context)
    {
        var trials = context.Trials;
        var single = context.Objectives.Count == 1;
        var first = context.Objectives[0];
        var completed = new List<Ranking>();
        var pruned = new List<Ranking>();
        for (var i = 0; i < trials.Count; i++)
        {
            var t = trials[i];
            if (t.HasResult(context.Objectives.Count)) completed.Add(new Ranking(single ? first.Loss(t.Values[0]) : 0, 0, t.Number, i));
            else if (t.State == TrialState.Pruned && t.LastStep is { } step && !double.IsNaN(t.IntermediateValues[step]))
                pruned.Add(new Ranking(-step, first.Loss(t.IntermediateValues[step]), t.Number, i));
        }
        completed.Sort();
        pruned.Sort();
        var ranked = new List<int>(completed.Count + pruned.Count);
        if (single)
        {
            foreach (var r in completed) ranked.Add(r.Position);
        }
        else
        {
            var losses = completed.Select(r => ParetoFront.Losses(trials[r.Position], context.Objectives)).ToList();
            ranked.AddRange(NonDominatedSort.Order(losses, out _, out _).Select(k => completed[k].Position));
        }
        foreach (var r in pruned) ranked.Add(r.Position);
        return ranked;
    }

    /// <summary>A place in <see cref="Rank"/>'s order; the trial's position last keeps the sort stable, as LINQ's was.</summary>
    private readonly record struct Ranking(double Primary, double Secondary, int Number, int Position) : IComparable<Ranking>
    {
        public int CompareTo(Ranking other)
        {
            var c = Primary.CompareTo(other.Primary);
            if (c == 0) c = Secondary.CompareTo(other.Secondary);
            if (c == 0) c = Number.CompareTo(other.Number);
            return c != 0 ? c : Position.CompareTo(other.Position);
        }
    }

    /// <summary>The positions in trial-number order (stable: a number given twice keeps the order it came in).</summary>
    private static int[] ByNumber(IReadOnlyList<FrozenTrial> trials, ReadOnlySpan<int> positions)
    {
        var order = new (int Number, int Sequence)[positions.Length];
        for (var k = 0; k < positions.Length; k++) order[k] = (trials[positions[k]].Number, k);
        Array.Sort(order);
        var sorted = new int[positions.Length];
        for (var k = 0; k < positions.Length; k++) sorted[k] = positions[order[k].Sequence];
        return sorted;
    }

    /// <summary>
    /// Column groups in the space's order: the parameters sharing exactly the same conditions form one group
    /// (one per parameter when univariate); a fixed parameter is a group of its own that is never modelled.
    /// </summary>
    private List<int[]> Groups(SearchSpace space)
    {
        var groups = new List<int[]>();
        var byConditions = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var order = new List<List<int>>();
        for (var j = 0; j < space.Count; j++)
        {
            var p = space.Parameters[j];
            if (p.Distribution is FixedDistribution || !_options.Multivariate)
            {
                order.Add([j]);
                continue;
            }
            var key = string.Join(" && ", p.Conditions.Select(c => c.ToString()).Order(StringComparer.Ordinal));
            if (!byConditions.TryGetValue(key, out var members))
            {
                members = [];
                byConditions[key] = members;
                order.Add(members);
            }
            members.Add(j);
        }
        groups.AddRange(order.Select(m => m.ToArray()));
        return groups;
    }

    /// <summary>The density over <paramref name="columns"/> of the trials at <paramref name="positions"/> in which all of them are active.</summary>
    private ParzenEstimator Estimator(int[] positions, int[] columns)
    {
        var rows = new List<int>(positions.Length);
        foreach (var position in positions)
        {
            var row = _trials.Row(position);
            var active = true;
            foreach (var c in columns) active &= !double.IsNaN(row[c]);
            if (active) rows.Add(position);
        }
        var n = rows.Count;
        var observations = ArrayPool<double>.Shared.Rent(columns.Length * n);
        var weights = ArrayPool<double>.Shared.Rent(n);
        try
        {
            for (var k = 0; k < columns.Length; k++)
            {
                for (var i = 0; i < n; i++) observations[k * n + i] = _trials.Row(rows[i])[columns[k]];
            }
            Weights(weights.AsSpan(0, n));
            var choices = new int[columns.Length];
            for (var k = 0; k < columns.Length; k++) choices[k] = _trials.Codec.Choices[columns[k]];
            var orders = _options.Bandwidth == TpeBandwidth.Gaps ? Orders(rows, columns, choices, observations) : null;
            try
            {
                return new ParzenEstimator(observations.AsSpan(0, columns.Length * n), weights.AsSpan(0, n), choices, _options.PriorWeight, _options.Bandwidth,
                    orders is null ? default : orders.AsSpan(0, columns.Length * (n + 1)));
            }
            finally
            {
                if (orders is not null) ArrayPool<int>.Shared.Return(orders);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(observations);
            ArrayPool<double>.Shared.Return(weights);
        }
    }

    /// <summary>
    /// The orders <see cref="ParzenEstimator"/>'s gap rule needs (observation k is the trial at <c>rows[k]</c>), read off the
    /// columns <see cref="EncodedTrials"/> keeps sorted instead of sorting each group's values again. Returned from the pool.
    /// </summary>
    private int[] Orders(List<int> rows, int[] columns, int[] choices, double[] observations)
    {
        var n = rows.Count;
        var orders = ArrayPool<int>.Shared.Rent(columns.Length * (n + 1));
        var index = ArrayPool<int>.Shared.Rent(_trials.Count);
        var keys = ArrayPool<double>.Shared.Rent(n + 1);
        try
        {
            index.AsSpan(0, _trials.Count).Fill(-1);
            for (var k = 0; k < n; k++) index[rows[k]] = k;
            for (var c = 0; c < columns.Length; c++)
            {
                if (choices[c] > 0) continue;
                var order = orders.AsSpan(c * (n + 1), n + 1);
                var m = 0;
                var priorPlaced = false;
                foreach (var position in _trials.ByValue(columns[c]))
                {
                    var k = index[position];
                    if (k < 0) continue;
                    var value = observations[c * n + k];
                    // The prior's centre 0.5 has the highest index, so it follows the observations equal to it.
                    if (!priorPlaced && value > 0.5) (keys[m], order[m++], priorPlaced) = (0.5, n, true);
                    (keys[m], order[m++]) = (value, k);
                }
                if (!priorPlaced) (keys[m], order[m]) = (0.5, n);
                // In the kept order ties go by position; the estimator's indices follow trial numbers.
                StableOrder.BreakTies(keys.AsSpan(0, n + 1), order);
            }
            return orders;
        }
        finally
        {
            ArrayPool<int>.Shared.Return(index);
            ArrayPool<double>.Shared.Return(keys);
        }
    }

    /// <summary>Optuna's default weights: 1 for the 25 most recent observations, a ramp from 1/n up for older ones.</summary>
    private static void Weights(Span<double> weights)
    {
        var n = weights.Length;
        weights.Fill(1);
        if (n < 25) return;
        var ramp = n - 25;
        for (var i = 0; i < ramp; i++) weights[i] = ramp == 1 ? 1.0 / n : 1.0 / n + (1 - 1.0 / n) * i / (ramp - 1);
    }

    /// <summary>The candidate drawn from l with the largest log l − log g.</summary>
    private double[] Best((ParzenEstimator Good, ParzenEstimator Bad) estimators, int[] columns, SpaceCodec codec, Rng rng)
    {
        double[]? best = null;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < _options.NEiCandidates; i++)
        {
            var x = estimators.Good.Sample(rng);
            for (var k = 0; k < columns.Length; k++)
            {
                if (!codec.IsCategorical(columns[k])) x[k] = codec.Snap(columns[k], x[k]);
            }
            var score = estimators.Good.LogPdf(x) - estimators.Bad.LogPdf(x);
            if (best is null || score > bestScore)
            {
                best = x;
                bestScore = score;
            }
        }
        return best!;
    }
}
