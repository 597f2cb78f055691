namespace EnsembleFarm.Domain.Search;

/// <summary>
/// One of a list of choices: texts ("adam", "sgd"), numbers (16, 0.5) or booleans, mixed if need be.
/// The order carries no meaning to the samplers: no sampler assumes neighbouring choices are alike.
/// </summary>
public sealed record CategoricalDistribution : Distribution
{
    public CategoricalDistribution(IReadOnlyList<ParamValue> choices) => Choices = choices.ToArray();

    public CategoricalDistribution(params ParamValue[] choices) : this((IReadOnlyList<ParamValue>)choices) { }

    public IReadOnlyList<ParamValue> Choices { get; }

    public override long? Cardinality => Choices.Count;

    internal override bool IsNumeric => Choices.Count > 0 && Choices.All(c => c.IsNumber);

    /// <summary>The index of <paramref name="value"/> among the choices (numbers compared by value), or −1.</summary>
    public int IndexOf(ParamValue value)
    {
        for (var i = 0; i < Choices.Count; i++)
        {
            if (Choices[i].SameAs(value)) return i;
        }
        return -1;
    }

    public override bool Contains(ParamValue value) => IndexOf(value) >= 0;

    public override ParamValue FromUnit(double unit) =>
        Choices[Math.Min((int)Math.Floor(Clamp01(unit) * Choices.Count), Choices.Count - 1)];

    public override double ToUnit(ParamValue value)
    {
        var index = IndexOf(value);
        if (index < 0) throw new ArgumentException($"'{value}' is not one of the choices [{string.Join(", ", Choices)}]", nameof(value));
        return (index + 0.5) / Choices.Count;
    }

    internal override IEnumerable<ParamValue> Enumerate(long limit) => Choices.Take((int)Math.Min(limit, Choices.Count));

    internal override IEnumerable<string> Problems()
    {
        if (Choices.Count == 0) yield return "a categorical parameter needs at least one choice";
        for (var i = 0; i < Choices.Count; i++)
        {
            if (Choices[i].Kind == ParamKind.Float && !double.IsFinite(Choices[i].AsDouble())) yield return $"choice {Choices[i]} is not a finite number";
            for (var j = 0; j < i; j++)
            {
                if (Choices[i].SameAs(Choices[j])) yield return $"choice '{Choices[i]}' is listed twice";
            }
        }
    }

    internal override bool CanSatisfy(Condition condition) => Choices.Any(condition.IsSatisfiedBy);

    public bool Equals(CategoricalDistribution? other) =>
        other is not null && Choices.Count == other.Choices.Count && Choices.Zip(other.Choices).All(p => p.First.Equals(p.Second));

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var choice in Choices) hash.Add(choice);
        return hash.ToHashCode();
    }

    public override string ToString() => $"one of [{string.Join(", ", Choices)}]";
}
