namespace EnsembleFarm.Models.Metrics;

/// <summary>
/// Metrics of a binary classifier. Labels are 0/1 floats (anything else is rejected); probabilities or scores
/// are one per row. All results are computed in double precision. A NaN prediction (a diverged model) makes
/// the metric NaN rather than being silently counted as one class.
/// </summary>
public static class BinaryMetrics
{
    /// <summary>Bounds applied to probabilities before taking logarithms, so a confident miss costs ~16, not infinity.</summary>
    public const double ProbabilityClip = 1e-7;

    /// <summary>Equal-width probability bins of the expected calibration error, unless a caller asks for others.</summary>
    public const int CalibrationBins = 10;

    /// <summary>Fraction of rows where (p &gt; <paramref name="threshold"/>) equals the label.</summary>
    public static double Accuracy(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, float threshold = 0.5f)
    {
        Check(probabilities, labels);
        if (MetricInputs.ContainsNaN(probabilities)) return double.NaN;
        var correct = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var predicted = probabilities[i] > threshold ? 1f : 0f;
            if (predicted == labels[i]) correct++;
        }
        return (double)correct / probabilities.Length;
    }

    /// <summary>
    /// Area under the ROC curve, computed as the Mann–Whitney U statistic: the probability that a random positive
    /// scores above a random negative, ties counting one half (tied scores share their mid-rank). O(n log n).
    /// NaN when only one class is present, since the area is then undefined.
    /// </summary>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        Check(scores, labels);
        if (MetricInputs.ContainsNaN(scores)) return double.NaN;
        var positives = CountPositives(labels);
        var negatives = labels.Length - positives;
        if (positives == 0 || negatives == 0) return double.NaN;

        var (sortedScores, sortedLabels) = SortByScore(scores, labels);
        double positiveRankSum = 0;
        var start = 0;
        while (start < sortedScores.Length)
        {
            var end = start;
            var positivesInTie = 0;
            while (end < sortedScores.Length && sortedScores[end] == sortedScores[start])
            {
                if (sortedLabels[end] == 1f) positivesInTie++;
                end++;
            }
            // Ranks start+1 .. end share their mean.
            var midRank = (start + 1 + end) / 2.0;
            positiveRankSum += positivesInTie * midRank;
            start = end;
        }
        var u = positiveRankSum - positives * (positives + 1.0) / 2.0;
        return u / ((double)positives * negatives);
    }

    /// <summary>
    /// Area under the precision–recall curve as average precision (scikit-learn's <c>average_precision_score</c>):
    /// AP = Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the distinct score thresholds taken from high to low, where tied scores enter
    /// together. It is a step sum, not a trapezoid, so it is not optimistic. NaN when there is no positive row.
    /// </summary>
    public static double PrAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        Check(scores, labels);
        if (MetricInputs.ContainsNaN(scores)) return double.NaN;
        var positives = CountPositives(labels);
        if (positives == 0) return double.NaN;

        var (sortedScores, sortedLabels) = SortByScore(scores, labels);
        double averagePrecision = 0, previousRecall = 0;
        int truePositives = 0, seen = 0;
        var end = sortedScores.Length;
        // Walk from the highest score down; each group of equal scores is one threshold.
        while (end > 0)
        {
            var start = end - 1;
            while (start > 0 && sortedScores[start - 1] == sortedScores[end - 1]) start--;
            for (var i = start; i < end; i++)
            {
                if (sortedLabels[i] == 1f) truePositives++;
            }
            seen += end - start;
            var recall = (double)truePositives / positives;
            var precision = (double)truePositives / seen;
            averagePrecision += (recall - previousRecall) * precision;
            previousRecall = recall;
            end = start;
        }
        return averagePrecision;
    }

    /// <summary>Mean binary cross-entropy in nats, probabilities clipped to [1e-7, 1 − 1e-7].</summary>
    public static double LogLoss(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        Check(probabilities, labels);
        double sum = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp((double)probabilities[i], ProbabilityClip, 1 - ProbabilityClip);
            sum -= labels[i] == 1f ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / probabilities.Length;
    }

    /// <summary>Brier score: mean squared difference between probability and label (0 is perfect, 0.25 is a coin).</summary>
    public static double Brier(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        Check(probabilities, labels);
        double sum = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var d = (double)probabilities[i] - labels[i];
            sum += d * d;
        }
        return sum / probabilities.Length;
    }

    /// <summary>
    /// Expected calibration error: probabilities fall in <paramref name="bins"/> equal-width bins over [0, 1]
    /// (a probability of exactly 1 goes in the last bin); ECE = Σ_b (n_b / n)·|mean p_b − fraction of positives_b|.
    /// Empty bins contribute nothing. Probabilities outside [0, 1] are rejected.
    /// </summary>
    public static double ExpectedCalibrationError(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels, int bins = CalibrationBins)
    {
        Check(probabilities, labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        if (MetricInputs.ContainsNaN(probabilities)) return double.NaN;
        var count = new int[bins];
        var probabilitySum = new double[bins];
        var positiveCount = new int[bins];
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i];
            if (p < 0f || p > 1f)
                throw new ArgumentException($"Probability at index {i} is {p}; expected a value in [0, 1].", nameof(probabilities));
            var bin = Math.Min((int)(p * bins), bins - 1);
            count[bin]++;
            probabilitySum[bin] += p;
            if (labels[i] == 1f) positiveCount[bin]++;
        }
        double ece = 0;
        for (var b = 0; b < bins; b++)
        {
            if (count[b] == 0) continue;
            var gap = Math.Abs(probabilitySum[b] / count[b] - (double)positiveCount[b] / count[b]);
            ece += (double)count[b] / probabilities.Length * gap;
        }
        return ece;
    }

    private static void Check(ReadOnlySpan<float> predictions, ReadOnlySpan<float> labels)
    {
        MetricInputs.RequireSameNonEmptyLength(predictions.Length, labels.Length, "predictions", nameof(labels));
        MetricInputs.RequireBinaryLabels(labels, nameof(labels));
    }

    private static int CountPositives(ReadOnlySpan<float> labels)
    {
        var positives = 0;
        foreach (var y in labels)
        {
            if (y == 1f) positives++;
        }
        return positives;
    }

    /// <summary>Copies of scores and labels, sorted by ascending score.</summary>
    private static (float[] Scores, float[] Labels) SortByScore(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        var sortedScores = scores.ToArray();
        var sortedLabels = labels.ToArray();
        Array.Sort(sortedScores, sortedLabels);
        return (sortedScores, sortedLabels);
    }
}
