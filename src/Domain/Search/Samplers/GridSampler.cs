using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Search;

/// <summary>Settings of <see cref="GridSampler"/>.</summary>
public sealed record GridSamplerOptions
{
    /// <summary>Orders the grid when <see cref="Shuffle"/> is on.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Grid points of a float parameter (evenly spaced, log-evenly on a log scale, snapped to its step), and
    /// of an int parameter with more values than this (otherwise every value). Categorical parameters take
    /// every choice.
    /// </summary>
    public int PointsPerDimension { get; init; } = 5;

    /// <summary>The exact values to try for some parameters, instead of the spacing above.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ParamValue>>? Values { get; init; }

    /// <summary>Visit the grid in a seeded random order (as Optuna does): a grid cut short still covers the space evenly.</summary>
    public bool Shuffle { get; init; } = true;
}

/// <summary>
/// Every combination of a few values per parameter, each once. A conditional space gives a tree, not a
/// product: the widths of layers that do not exist are not multiplied in. Points already taken by a trial
/// (in any state) are skipped, so parallel silos take distinct points; when every point is taken,
/// <see cref="Suggest"/> throws <see cref="SearchExhaustedException"/>, and <see cref="Remaining"/> says so
/// beforehand.
/// </summary>
public sealed class GridSampler : ISampler
{
    /// <summary>Larger grids are refused: nobody trains a million models, and the grid is held in memory.</summary>
    public const int MaxPoints = 1_000_000;

    private readonly GridSamplerOptions _options;

    public GridSampler(GridSamplerOptions? options = null)
    {
        _options = options ?? new GridSamplerOptions();
        if (_options.PointsPerDimension < 1) throw new ArgumentOutOfRangeException(nameof(options), $"points_per_dimension must be >= 1, got {_options.PointsPerDimension}");
    }

    /// <summary>The grid of <paramref name="space"/> in the order it is visited.</summary>
    /// <exception cref="ArgumentException">A listed value is outside its parameter's distribution, or the grid is too large.</exception>
    public IReadOnlyList<IReadOnlyDictionary<string, ParamValue>> Grid(SearchSpace space)
    {
        foreach (var name in (_options.Values?.Keys ?? []).Where(n => !space.Contains(n)))
            throw new ArgumentException($"grid values are given for '{name}', which is not a parameter of the search space");
        var grid = new List<IReadOnlyDictionary<string, ParamValue>>();
        foreach (var point in space.Enumerate(ValuesOf))
        {
            if (grid.Count == MaxPoints) throw new ArgumentException($"the grid has more than {MaxPoints} points; give fewer values per parameter");
            grid.Add(point);
        }
        if (_options.Shuffle)
        {
            var order = grid.ToArray();
            new Rng(Rng.Derive(_options.Seed, 0x67726964UL)).Shuffle(order.AsSpan());
            return order;
        }
        return grid;
    }

    /// <summary>How many grid points no trial has taken yet.</summary>
    public int Remaining(SearchContext context)
    {
        var taken = SpaceSampling.Taken(context);
        return Grid(context.Space).Count(p => !taken.Contains(SpaceSampling.Key(p)));
    }

    public Suggestion Suggest(SearchContext context)
    {
        var taken = SpaceSampling.Taken(context);
        var grid = Grid(context.Space);
        foreach (var point in grid)
        {
            if (!taken.Contains(SpaceSampling.Key(point))) return new Suggestion(point);
        }
        throw new SearchExhaustedException(SpaceSampling.Exhausted(context, $"all {grid.Count} points of the grid"));
    }

    private IReadOnlyList<ParamValue> ValuesOf(ParameterSpec p)
    {
        if (_options.Values is { } given && given.TryGetValue(p.Name, out var list))
        {
            var outside = list.Where(v => !p.Distribution.Contains(v)).ToList();
            if (outside.Count > 0) throw new ArgumentException($"grid values of '{p.Name}' outside {p.Distribution}: {string.Join(", ", outside)}");
            if (list.Count == 0) throw new ArgumentException($"grid values of '{p.Name}' are empty");
            return list;
        }
        var k = _options.PointsPerDimension;
        var d = p.Distribution;
        if (d.Cardinality is { } n && n <= k) return d.Enumerate(n).ToList();
        if (d is CategoricalDistribution) return d.Enumerate(long.MaxValue).ToList();
        // k points evenly spaced in the distribution's own scale (log-even on a log scale), snapped to what it allows.
        var values = new List<ParamValue>();
        for (var i = 0; i < k; i++)
        {
            var t = k == 1 ? 0.5 : (double)i / (k - 1);
            var v = Spaced(d, t);
            if (!values.Any(x => x.SameAs(v))) values.Add(v);
        }
        return values;
    }

    private static ParamValue Spaced(Distribution d, double t) => d switch
    {
        FloatDistribution { Log: true } f => Math.Clamp(Math.Exp(Math.Log(f.Low) + t * (Math.Log(f.High) - Math.Log(f.Low))), f.Low, f.High),
        FloatDistribution { Step: { } step } f => Math.Min(f.High, f.Low + Math.Round(t * (f.High - f.Low) / step) * step),
        FloatDistribution f => Math.Min(f.High, f.Low + t * (f.High - f.Low)),
        IntDistribution { Log: true } i => Math.Clamp((long)Math.Round(Math.Exp(Math.Log(i.Low) + t * (Math.Log(i.High) - Math.Log(i.Low)))), i.Low, i.High),
        IntDistribution i => i.Low + (long)Math.Round(t * (i.High - i.Low) / i.Step) * i.Step,
        _ => d.FromUnit(t),
    };
}
