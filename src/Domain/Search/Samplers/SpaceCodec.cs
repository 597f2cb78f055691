namespace EnsembleFarm.Domain.Search;

/// <summary>
/// The numeric view of a space that the model-based samplers share: one column per parameter, in the
/// space's order. A numeric parameter's column is its unit coordinate (<see cref="Distribution.ToUnit"/>:
/// log-scaled parameters are already log-transformed, whole numbers sit at their cell centres); a
/// categorical parameter's column is the index of its choice; an inactive parameter's column is NaN.
/// </summary>
internal sealed class SpaceCodec
{
    public SpaceCodec(SearchSpace space)
    {
        Space = space;
        Count = space.Count;
        Choices = space.Parameters.Select(p => p.Distribution is CategoricalDistribution c ? c.Choices.Count : 0).ToArray();
        Fixed = space.Parameters.Select(p => p.Distribution is FixedDistribution).ToArray();
        Discrete = space.Parameters.Select(p => p.Distribution is IntDistribution || p.Distribution is FloatDistribution { Step: not null }).ToArray();
        _parents = space.Parameters.Select(p => p.Conditions.Select(c => (space.IndexOf(c.Parameter), c)).ToArray()).ToArray();
    }

    private readonly (int Parent, Condition Condition)[][] _parents;

    public SearchSpace Space { get; }

    public int Count { get; }

    /// <summary>Number of choices of a categorical column; 0 for a numeric one.</summary>
    public int[] Choices { get; }

    public bool[] Fixed { get; }

    /// <summary>Numeric columns whose values are cells (whole numbers, steps): a unit value is snapped to its cell's centre.</summary>
    public bool[] Discrete { get; }

    public bool IsCategorical(int column) => Choices[column] > 0;

    public double[] Encode(IReadOnlyDictionary<string, ParamValue> values)
    {
        var x = new double[Count];
        Encode(values, x);
        return x;
    }

    /// <summary>Encodes into <paramref name="x"/> (<see cref="Count"/> long), so that many rows can share one array.</summary>
    public void Encode(IReadOnlyDictionary<string, ParamValue> values, Span<double> x)
    {
        for (var j = 0; j < Count; j++)
        {
            var p = Space.Parameters[j];
            // A value the distribution does not hold (a trial from before the space was changed) counts as absent.
            if (!values.TryGetValue(p.Name, out var value) || !p.Distribution.Contains(value)) x[j] = double.NaN;
            else if (p.Distribution is CategoricalDistribution c) x[j] = c.IndexOf(value);
            else x[j] = p.Distribution.ToUnit(value);
        }
    }

    /// <summary>The active parameters of a complete vector (inactive columns' values are ignored).</summary>
    public IReadOnlyDictionary<string, ParamValue> Decode(double[] x) => Space.Resolve((p, j) => ValueOf(p, x[j]));

    public static ParamValue ValueOf(ParameterSpec p, double column) => p.Distribution is CategoricalDistribution c
        ? c.Choices[Math.Clamp(double.IsNaN(column) ? 0 : (int)column, 0, c.Choices.Count - 1)]
        : p.Distribution.FromUnit(column);

    /// <summary>Which columns a complete vector leaves active (as <see cref="Decode"/> would, without building the assignment).</summary>
    public bool[] Activity(double[] x)
    {
        var active = new bool[Count];
        for (var j = 0; j < Count; j++)
        {
            var on = true;
            foreach (var (parent, condition) in _parents[j])
            {
                if (!active[parent] || !condition.IsSatisfiedBy(ValueOf(Space.Parameters[parent], x[parent])))
                {
                    on = false;
                    break;
                }
            }
            active[j] = on;
        }
        return active;
    }

    /// <summary>A unit value moved to the centre of its cell for a discrete column, unchanged otherwise.</summary>
    public double Snap(int column, double unit)
    {
        if (!Discrete[column]) return Math.Clamp(unit, 0, 1);
        var d = Space.Parameters[column].Distribution;
        return d.ToUnit(d.FromUnit(unit));
    }
}
