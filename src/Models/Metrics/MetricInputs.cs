namespace EnsembleFarm.Models.Metrics;

/// <summary>Argument checks shared by the metric functions, so every metric rejects bad input with the same words.</summary>
internal static class MetricInputs
{
    public static void RequireSameNonEmptyLength(int predictions, int targets, string predictionsName, string targetsName)
    {
        if (predictions == 0) throw new ArgumentException("A metric needs at least one row.", predictionsName);
        if (predictions != targets)
            throw new ArgumentException($"{predictionsName} has {predictions} values but {targetsName} has {targets}.", targetsName);
    }

    /// <summary>Binary labels must be exactly 0 or 1: anything else means the caller passed the wrong array.</summary>
    public static void RequireBinaryLabels(ReadOnlySpan<float> labels, string name)
    {
        for (var i = 0; i < labels.Length; i++)
        {
            var y = labels[i];
            if (y != 0f && y != 1f)
                throw new ArgumentException($"Binary label at index {i} is {y}; labels must be 0 or 1.", name);
        }
    }

    public static void RequireClassIndices(ReadOnlySpan<int> values, int classes, string name)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if ((uint)values[i] >= (uint)classes)
                throw new ArgumentException($"Class index at position {i} is {values[i]}; expected 0..{classes - 1}.", name);
        }
    }

    public static void RequireClassCount(int classes, string name)
    {
        if (classes < 2) throw new ArgumentOutOfRangeException(name, classes, "A classification task has at least two classes.");
    }

    public static bool ContainsNaN(ReadOnlySpan<float> values)
    {
        foreach (var v in values)
        {
            if (float.IsNaN(v)) return true;
        }
        return false;
    }
}
