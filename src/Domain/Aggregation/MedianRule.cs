namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// Regression: the median of the members' outputs, per target (the mean of the two middle values for
/// an even count). Robust to a few members that went astray, where the mean is pulled by them.
/// </summary>
internal sealed class MedianRule : IEnsembleRule
{
    public RuleInfo Info { get; } = new("median", "median of the members' outputs", "median", []);

    public RuleOutput Combine(MemberPredictions members, int size)
    {
        var width = members.Width;
        var scores = new float[members.Rows * width];
        var values = new float[size];
        for (var row = 0; row < members.Rows; row++)
        {
            for (var c = 0; c < width; c++)
            {
                for (var m = 0; m < size; m++) values[m] = members.Of(m, row)[c];
                Array.Sort(values);
                var middle = size / 2;
                scores[row * width + c] = size % 2 == 1 ? values[middle] : (float)((values[middle - 1] + (double)values[middle]) / 2);
            }
        }
        return new RuleOutput(scores, width, null);
    }
}
