using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// ROC AUC as the Mann–Whitney statistic with row weights: Σ over positives of w·(weight of negatives scored lower + half
/// the tied ones), over (weight of positives)·(weight of negatives). Weights are whole numbers, so every sum is an exact
/// integer in double and unit weights give exactly the unweighted area; NaN when a resample lacks a class.
/// </summary>
internal sealed class ResampledRocAuc(ScoreOrder order) : IResampledStatistic
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(ReadOnlySpan<double> weights, Span<double> values)
    {
        var entries = order.Entries;
        ResampleBlock.Check(weights, values, entries.Length);
        Vector512<double> negativesBelow = default, positives = default, tiedPositives = default, tiedNegatives = default, twiceU = default;
        foreach (var entry in entries)
        {
            var w = ResampleBlock.Row(weights, entry >> ScoreOrder.RowShift);
            var positive = w * Vector512.Create((double)(entry & ScoreOrder.Positive));
            tiedPositives += positive;
            tiedNegatives += w - positive;
            if ((entry & ScoreOrder.LastOfTie) != 0)
            {
                twiceU = Vector512.FusedMultiplyAdd(tiedPositives, negativesBelow + negativesBelow + tiedNegatives, twiceU);
                negativesBelow += tiedNegatives;
                positives += tiedPositives;
                tiedPositives = tiedNegatives = Vector512<double>.Zero;
            }
        }
        // A missing class makes both sides 0, and 0/0 the NaN that says so.
        ResampleBlock.Store(twiceU / (positives * negativesBelow * 2), values);
    }
}
