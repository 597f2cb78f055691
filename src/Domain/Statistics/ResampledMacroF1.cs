using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace EnsembleFarm.Domain.Statistics;

/// <summary>
/// Macro F1 of MulticlassMetrics with row weights: per class F1 = 2·TP / (actual + predicted weight), averaged over the
/// classes a resample holds as actual or predicted.
/// </summary>
internal sealed class ResampledMacroF1(int[] predicted, int[] actual, int classes) : IResampledStatistic
{
    private const int StackClasses = 32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Evaluate(ReadOnlySpan<double> weights, Span<double> values)
    {
        ResampleBlock.Check(weights, values, actual.Length);
        Vector512<double>[]? rented = null;
        var buffer = classes <= StackClasses
            ? stackalloc Vector512<double>[2 * StackClasses]
            : (rented = ArrayPool<Vector512<double>>.Shared.Rent(2 * classes));
        var truePositives = buffer[..classes];
        var sizes = buffer.Slice(classes, classes);
        truePositives.Clear();
        sizes.Clear();
        for (var i = 0; i < actual.Length; i++)
        {
            var w = ResampleBlock.Row(weights, i);
            int truth = actual[i], guess = predicted[i];
            sizes[truth] += w;
            sizes[guess] += w;
            if (truth == guess) truePositives[truth] += w;
        }
        Vector512<double> sum = default, present = default;
        for (var c = 0; c < classes; c++)
        {
            // A class a resample holds neither as actual nor as predicted does not count (its 0/0 is masked out).
            var held = Vector512.GreaterThan(sizes[c], Vector512<double>.Zero);
            sum += Vector512.ConditionalSelect(held, (truePositives[c] + truePositives[c]) / sizes[c], Vector512<double>.Zero);
            present += Vector512.ConditionalSelect(held, Vector512<double>.One, Vector512<double>.Zero);
        }
        if (rented is not null) ArrayPool<Vector512<double>>.Shared.Return(rented);
        ResampleBlock.Store(sum / present, values);
    }
}
