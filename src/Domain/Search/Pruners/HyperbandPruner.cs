using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Search;

/// <summary>Settings of <see cref="HyperbandPruner"/> (Optuna's names, in snake_case in a spec).</summary>
public sealed record HyperbandPrunerOptions
{
    /// <summary>The epoch of the first rung of the most aggressive bracket.</summary>
    public int MinResource { get; init; } = 1;

    /// <summary>The most epochs a trial trains (the training's epoch limit).</summary>
    public int MaxResource { get; init; } = 81;

    /// <summary>η, as in successive halving; also sets how many brackets there are.</summary>
    public int ReductionFactor { get; init; } = 3;

    public int BootstrapCount { get; init; }

    /// <summary>Varies which trials fall in which bracket; the same seed gives the same assignment.</summary>
    public ulong Seed { get; init; }
}

/// <summary>
/// Hyperband (Li et al. 2018) as Optuna runs it: several successive-halving brackets side by side, from
/// the most aggressive (first rung at min_resource) to the most patient (first rung near max_resource),
/// because how early a curve can be judged depends on the problem and nobody knows it in advance. There
/// are ⌊log_η(max/min)⌋ + 1 brackets; a trial belongs to one bracket for its whole life, chosen from a
/// hash of its number (so every silo and every restart agrees), with more trials in the aggressive
/// brackets (bracket b gets ⌈n·η^s/(s+1)⌉ shares, s = n − 1 − b). A trial only competes with the trials of
/// its own bracket.
/// </summary>
public sealed class HyperbandPruner : IPruner
{
    private readonly HyperbandPrunerOptions _options;
    private readonly SuccessiveHalvingPruner[] _brackets;
    private readonly int[] _budgets;
    private readonly int _totalBudget;

    public HyperbandPruner(HyperbandPrunerOptions options)
    {
        _options = options;
        if (options.MinResource < 1) throw new ArgumentOutOfRangeException(nameof(options), $"min_resource must be >= 1, got {options.MinResource}");
        if (options.MaxResource < options.MinResource) throw new ArgumentOutOfRangeException(nameof(options), $"max_resource must be >= min_resource ({options.MinResource}), got {options.MaxResource}");
        if (options.ReductionFactor < 2) throw new ArgumentOutOfRangeException(nameof(options), $"reduction_factor must be >= 2, got {options.ReductionFactor}");
        var count = (int)Math.Floor(Math.Log((double)options.MaxResource / options.MinResource) / Math.Log(options.ReductionFactor) + 1e-9) + 1;
        _brackets = new SuccessiveHalvingPruner[count];
        _budgets = new int[count];
        for (var b = 0; b < count; b++)
        {
            _brackets[b] = new SuccessiveHalvingPruner(new SuccessiveHalvingPrunerOptions
            {
                MinResource = options.MinResource,
                ReductionFactor = options.ReductionFactor,
                MinEarlyStoppingRate = b,
                BootstrapCount = options.BootstrapCount,
            });
            var s = count - 1 - b;
            _budgets[b] = (int)Math.Ceiling(count * Math.Pow(options.ReductionFactor, s) / (s + 1));
        }
        _totalBudget = _budgets.Sum();
    }

    public int BracketCount => _brackets.Length;

    /// <summary>The bracket trial <paramref name="trialNumber"/> belongs to (0: the most aggressive).</summary>
    public int BracketOf(int trialNumber)
    {
        var n = (long)(Rng.Derive(_options.Seed ^ 0x487970657262616EUL, (ulong)trialNumber) % (ulong)_totalBudget);
        for (var b = 0; b < _budgets.Length; b++)
        {
            n -= _budgets[b];
            if (n < 0) return b;
        }
        return _budgets.Length - 1;
    }

    /// <summary>The successive-halving pruner of bracket <paramref name="bracket"/> (its rungs).</summary>
    public SuccessiveHalvingPruner Bracket(int bracket) => _brackets[bracket];

    public PruneDecision Decide(FrozenTrial trial, IReadOnlyList<FrozenTrial> others, Objective objective)
    {
        var bracket = BracketOf(trial.Number);
        var mates = others.Where(t => BracketOf(t.Number) == bracket).ToList();
        return _brackets[bracket].Decide(trial, mates, objective, $" of bracket {bracket} of {_brackets.Length}");
    }
}
