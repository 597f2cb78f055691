using System.Globalization;

namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A test on another parameter's value that decides whether a parameter exists in a trial: the width of
/// layer 2 exists only when <c>depth &gt;= 2</c>, the momentum only when <c>optimizer == sgd</c>. A
/// parameter whose condition refers to an inactive parameter is inactive too, so conditions chain.
/// </summary>
/// <param name="Parameter">The parameter tested; it must come from the same search space.</param>
/// <param name="Values">
/// One number for &lt;, &lt;=, &gt;, &gt;=; one or more values for == (any of them) and != (none of them).
/// </param>
public sealed record Condition(string Parameter, ConditionOperator Operator, IReadOnlyList<ParamValue> Values)
{
    public static Condition Equal(string parameter, params ParamValue[] values) => new(parameter, ConditionOperator.Equal, values);

    public static Condition NotEqual(string parameter, params ParamValue[] values) => new(parameter, ConditionOperator.NotEqual, values);

    public static Condition Less(string parameter, double value) => new(parameter, ConditionOperator.Less, [value]);

    public static Condition LessOrEqual(string parameter, double value) => new(parameter, ConditionOperator.LessOrEqual, [value]);

    public static Condition Greater(string parameter, double value) => new(parameter, ConditionOperator.Greater, [value]);

    /// <summary><c>depth &gt;= 2</c>.</summary>
    public static Condition AtLeast(string parameter, double value) => new(parameter, ConditionOperator.GreaterOrEqual, [value]);

    private bool IsComparison => Operator is not (ConditionOperator.Equal or ConditionOperator.NotEqual);

    public bool IsSatisfiedBy(ParamValue value)
    {
        switch (Operator)
        {
            case ConditionOperator.Equal: return Values.Any(v => v.SameAs(value));
            case ConditionOperator.NotEqual: return !Values.Any(v => v.SameAs(value));
        }
        if (!value.IsNumber || Values.Count != 1 || !Values[0].IsNumber) return false;
        var x = value.AsDouble();
        var bound = Values[0].AsDouble();
        return Operator switch
        {
            ConditionOperator.Less => x < bound,
            ConditionOperator.LessOrEqual => x <= bound,
            ConditionOperator.Greater => x > bound,
            _ => x >= bound,
        };
    }

    /// <summary>What is wrong with this condition on a parameter of distribution <paramref name="parent"/>.</summary>
    internal IEnumerable<string> Problems(Distribution parent)
    {
        if (Values.Count == 0)
        {
            yield return $"condition '{this}' has no value to compare with";
            yield break;
        }
        if (IsComparison)
        {
            if (Values.Count != 1 || !Values[0].IsNumber)
            {
                yield return $"condition '{this}' compares with {Symbol} and needs exactly one number";
                yield break;
            }
            if (!parent.IsNumeric)
            {
                yield return $"condition '{this}' compares with {Symbol} but {Parameter} is not a number ({parent})";
                yield break;
            }
        }
        else
        {
            foreach (var value in Values.Where(v => !parent.Contains(v)))
                yield return $"condition '{this}': {value} is not a possible value of {Parameter} ({parent})";
        }
        if (!parent.CanSatisfy(this)) yield return $"condition '{this}' can never hold: {Parameter} is {parent}";
    }

    /// <summary>Whether some number in [low, high] that <paramref name="distribution"/> contains satisfies the condition.</summary>
    internal bool CanHoldOnRange(double low, double high, Distribution distribution)
    {
        if (distribution.Cardinality is { } n && n <= 100_000) return distribution.Enumerate(n).Any(IsSatisfiedBy);
        return Operator switch
        {
            ConditionOperator.Equal => Values.Any(distribution.Contains),
            ConditionOperator.NotEqual => true,
            ConditionOperator.Less => low < Values[0].AsDouble(),
            ConditionOperator.LessOrEqual => low <= Values[0].AsDouble(),
            ConditionOperator.Greater => high > Values[0].AsDouble(),
            _ => high >= Values[0].AsDouble(),
        };
    }

    private string Symbol => Operator switch
    {
        ConditionOperator.Equal => Values.Count == 1 ? "==" : "in",
        ConditionOperator.NotEqual => Values.Count == 1 ? "!=" : "not in",
        ConditionOperator.Less => "<",
        ConditionOperator.LessOrEqual => "<=",
        ConditionOperator.Greater => ">",
        _ => ">=",
    };

    public bool Equals(Condition? other) =>
        other is not null && Parameter == other.Parameter && Operator == other.Operator
        && Values.Count == other.Values.Count && Values.Zip(other.Values).All(p => p.First.Equals(p.Second));

    public override int GetHashCode() => HashCode.Combine(Parameter, Operator, Values.Count);

    /// <summary>"depth &gt;= 2", "optimizer == sgd", "activation in [relu, gelu]".</summary>
    public override string ToString() => Values.Count == 1
        ? $"{Parameter} {Symbol} {Values[0]}"
        : string.Create(CultureInfo.InvariantCulture, $"{Parameter} {Symbol} [{string.Join(", ", Values)}]");
}
