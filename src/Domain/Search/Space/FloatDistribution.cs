using System.Globalization;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A real number from <paramref name="Low"/> to <paramref name="High"/>: uniform, log-uniform
/// (<paramref name="Log"/>, for scales like a learning rate where 1e-4 → 1e-3 matters as much as
/// 1e-2 → 1e-1), or on a grid of <paramref name="Step"/> (low, low + step, …, high).
/// </summary>
/// <param name="Log">Sample ln(x) uniformly; needs low &gt; 0 and no step.</param>
/// <param name="Step">Only multiples of the step above low; high − low must be a multiple of it.</param>
public sealed record FloatDistribution(double Low, double High, bool Log = false, double? Step = null) : Distribution
{
    private long Cells => (long)Math.Round((High - Low) / Step!.Value) + 1;

    public override long? Cardinality => Step is null ? null : Cells;

    internal override bool IsNumeric => true;

    public override bool Contains(ParamValue value)
    {
        if (!value.IsNumber) return false;
        var x = value.AsDouble();
        if (!double.IsFinite(x) || x < Low || x > High) return false;
        if (Step is not { } step) return true;
        var k = (x - Low) / step;
        return Math.Abs(k - Math.Round(k)) <= 1e-9 * Math.Max(1, Math.Abs(k));
    }

    public override ParamValue FromUnit(double unit)
    {
        unit = Clamp01(unit);
        if (Step is { } step)
        {
            var k = Math.Min((long)Math.Floor(unit * Cells), Cells - 1);
            return Math.Min(High, Low + k * step);
        }
        var x = Log
            ? Math.Exp(Math.Log(Low) + unit * (Math.Log(High) - Math.Log(Low)))
            : Low + unit * (High - Low);
        return Math.Clamp(x, Low, High);
    }

    public override double ToUnit(ParamValue value)
    {
        var x = value.AsDouble();
        if (Step is { } step)
        {
            var k = Math.Clamp(Math.Round((x - Low) / step), 0, Cells - 1);
            return (k + 0.5) / Cells;
        }
        var u = Log
            ? (Math.Log(x) - Math.Log(Low)) / (Math.Log(High) - Math.Log(Low))
            : (x - Low) / (High - Low);
        return Math.Clamp(u, 0.0, 1.0);
    }

    internal override IEnumerable<ParamValue> Enumerate(long limit)
    {
        if (Step is not { } step) throw new InvalidOperationException("a continuous distribution has no list of values");
        for (long k = 0; k < Math.Min(Cells, limit); k++) yield return Math.Min(High, Low + k * step);
    }

    internal override IEnumerable<string> Problems()
    {
        if (!double.IsFinite(Low) || !double.IsFinite(High))
        {
            yield return $"low and high must be finite numbers, got {Describe(Low)} and {Describe(High)}";
            yield break;
        }
        if (Low > High) yield return $"low must not be above high, got low {Describe(Low)} > high {Describe(High)}";
        else if (Low == High) yield return $"empty range: low and high are both {Describe(Low)}; use a fixed value for a parameter that does not vary";
        if (Log && Low <= 0) yield return $"a log scale needs low > 0, got low {Describe(Low)}";
        if (Log && Step is not null) yield return "step and log cannot be used together";
        if (Step is { } step)
        {
            if (!(step > 0) || !double.IsFinite(step)) yield return $"step must be a number > 0, got {Describe(step)}";
            else if (Low < High)
            {
                var k = (High - Low) / step;
                if (Math.Abs(k - Math.Round(k)) > 1e-9 * Math.Max(1, k))
                    yield return $"high - low ({Describe(High - Low)}) must be a multiple of step {Describe(step)}";
            }
        }
    }

    internal override bool CanSatisfy(Condition condition) => condition.CanHoldOnRange(Low, High, this);

    public override string ToString() =>
        $"float from {Describe(Low)} to {Describe(High)}{(Log ? ", log scale" : "")}{(Step is { } s ? $", step {Describe(s)}" : "")}";

    private static string Describe(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
