namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A parameter that does not vary but belongs to every trial's parameters (so the trainer reads all its
/// settings from one place, and a later search can free it without changing the trainer's input).
/// Samplers never model it.
/// </summary>
public sealed record FixedDistribution(ParamValue Value) : Distribution
{
    public override long? Cardinality => 1;

    internal override bool IsNumeric => Value.IsNumber;

    public override bool Contains(ParamValue value) => Value.SameAs(value);

    public override ParamValue FromUnit(double unit) => Value;

    public override double ToUnit(ParamValue value) => 0.5;

    internal override IEnumerable<ParamValue> Enumerate(long limit) => [Value];

    internal override IEnumerable<string> Problems()
    {
        if (Value.Kind == ParamKind.Float && !double.IsFinite(Value.AsDouble())) yield return $"the fixed value must be a finite number, got {Value}";
    }

    internal override bool CanSatisfy(Condition condition) => condition.IsSatisfiedBy(Value);

    public override string ToString() => $"fixed {Value}";
}
