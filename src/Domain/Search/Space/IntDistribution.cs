using System.Globalization;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A whole number from <paramref name="Low"/> to <paramref name="High"/>, both included: every
/// <paramref name="Step"/>-th value, or log-uniform (<paramref name="Log"/>, for sizes like a layer
/// width where 16 → 32 matters as much as 256 → 512). On the log scale each whole number owns the
/// interval [v − ½, v + ½] of the log axis, so small values are likelier, as they should be.
/// </summary>
/// <param name="Log">Log-uniform; needs low ≥ 1 and step 1.</param>
/// <param name="Step">Only low, low + step, …; high − low must be a multiple of it.</param>
public sealed record IntDistribution(long Low, long High, bool Log = false, long Step = 1) : Distribution
{
    private long Cells => (High - Low) / Step + 1;

    public override long? Cardinality => Cells;

    internal override bool IsNumeric => true;

    public override bool Contains(ParamValue value)
    {
        if (!value.IsNumber) return false;
        var x = value.AsDouble();
        if (x != Math.Floor(x) || x < Low || x > High) return false;
        return ((long)x - Low) % Step == 0;
    }

    public override ParamValue FromUnit(double unit)
    {
        unit = Clamp01(unit);
        if (Log)
        {
            var (a, b) = LogBounds;
            var x = Math.Exp(a + unit * (b - a));
            return Math.Clamp((long)Math.Floor(x + 0.5), Low, High);
        }
        var k = Math.Min((long)Math.Floor(unit * Cells), Cells - 1);
        return Low + k * Step;
    }

    public override double ToUnit(ParamValue value)
    {
        var x = value.AsDouble();
        if (Log)
        {
            var (a, b) = LogBounds;
            return Math.Clamp((Math.Log(x) - a) / (b - a), 0.0, 1.0);
        }
        var k = Math.Clamp(Math.Round((x - Low) / Step), 0, Cells - 1);
        return (k + 0.5) / Cells;
    }

    private (double A, double B) LogBounds => (Math.Log(Low - 0.5), Math.Log(High + 0.5));

    internal override IEnumerable<ParamValue> Enumerate(long limit)
    {
        for (long k = 0; k < Math.Min(Cells, limit); k++) yield return Low + k * Step;
    }

    internal override IEnumerable<string> Problems()
    {
        if (Low > High) yield return $"low must not be above high, got low {Low} > high {High}";
        else if (Low == High) yield return $"empty range: low and high are both {Low}; use a fixed value for a parameter that does not vary";
        if (Log && Low < 1) yield return $"a log scale needs low >= 1 (log of a whole number <= 0 is undefined), got low {Low}";
        if (Step < 1) yield return $"step must be a whole number >= 1, got {Step}";
        else if (Log && Step != 1) yield return $"a log scale takes every whole number: step must be 1, got {Step}";
        else if (Low < High && (High - Low) % Step != 0) yield return $"high - low ({High - Low}) must be a multiple of step {Step}";
    }

    internal override bool CanSatisfy(Condition condition) => condition.CanHoldOnRange(Low, High, this);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"int from {Low} to {High}{(Log ? ", log scale" : "")}{(Step != 1 ? $", step {Step}" : "")}");
}
