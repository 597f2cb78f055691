namespace EnsembleFarm.Domain.Search;

/// <summary>
/// The values a parameter may take. Every sampler works through one mapping, the unit coordinate:
/// a value in [0, 1) that <see cref="FromUnit"/> turns into a value of the distribution, uniform in the
/// distribution's own sense (log-uniform for a log scale, every whole number or category equally
/// likely). Model-based samplers therefore see log-scaled dimensions already transformed, and a random
/// draw, a Sobol coordinate or a CMA-ES coordinate all become values the same way.
/// </summary>
public abstract record Distribution
{
    private protected Distribution() { }

    /// <summary>Whether <paramref name="value"/> is one of this distribution's values.</summary>
    public abstract bool Contains(ParamValue value);

    /// <summary>The value at unit coordinate <paramref name="unit"/> (clamped to [0, 1]).</summary>
    public abstract ParamValue FromUnit(double unit);

    /// <summary>The unit coordinate of <paramref name="value"/>: the centre of its cell for a discrete distribution, so that <c>FromUnit(ToUnit(v)) == v</c>.</summary>
    public abstract double ToUnit(ParamValue value);

    /// <summary>How many values there are; null when the distribution is continuous.</summary>
    public abstract long? Cardinality { get; }

    /// <summary>Every value, in order, when the distribution is finite (at most <paramref name="limit"/> of them).</summary>
    internal abstract IEnumerable<ParamValue> Enumerate(long limit);

    /// <summary>What is wrong with the distribution's own settings; empty when it is valid.</summary>
    internal abstract IEnumerable<string> Problems();

    /// <summary>Whether a value of this distribution can satisfy the comparison.</summary>
    internal abstract bool CanSatisfy(Condition condition);

    /// <summary>True when the values are numbers (so &lt;, &gt;, … conditions on it make sense).</summary>
    internal abstract bool IsNumeric { get; }

    private protected static double Clamp01(double unit) => double.IsNaN(unit) ? 0.5 : Math.Clamp(unit, 0.0, 1.0);
}
