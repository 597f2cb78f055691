using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// Average precision (the PR AUC of BinaryMetrics.PrAuc, scikit-learn's average_precision_score) with row weights:
/// from the highest score down, each group of tied scores adds (its positive weight / all positive weight) × the
/// precision at its threshold. NaN when a resample has no positive.
/// </summary>
internal sealed class ResampledAveragePrecision(ScoreOrder order) : IResampledStatistic
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(ReadOnlySpan<double> weights, Span<double> values)
    {
        var entries = order.Entries;
        ResampleBlock.Check(weights, values, entries.Length);
        Vector512<double> truePositives = default, seen = default, tiedPositives = default, tied = default, sum = default;
        for (var k = entries.Length - 1; k >= 0; k--)
        {
            var entry = entries[k];
            var w = ResampleBlock.Row(weights, entry >> ScoreOrder.RowShift);
            tiedPositives = Vector512.FusedMultiplyAdd(w, Vector512.Create((double)(entry & ScoreOrder.Positive)), tiedPositives);
            tied += w;
            if ((entry & ScoreOrder.FirstOfTie) != 0)
            {
                truePositives += tiedPositives;
                seen += tied;
                // Until a resample has seen a row, its true positives are 0 too: precision 0 then, not 0/0.
                sum = Vector512.FusedMultiplyAdd(tiedPositives, truePositives / Vector512.Max(seen, Vector512<double>.One), sum);
                tiedPositives = tied = Vector512<double>.Zero;
            }
        }
        ResampleBlock.Store(sum / truePositives, values);
    }
}
