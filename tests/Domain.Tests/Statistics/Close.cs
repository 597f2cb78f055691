using Xunit;

namespace EnsembleFarm.Domain.Tests.Statistics;

/// <summary>Assertions on doubles by relative difference, since reference p-values span from 1 down to 1e-296.</summary>
internal static class Close
{
    public static void Relative(double expected, double? actual, double tolerance = 1e-12)
    {
        Assert.NotNull(actual);
        var scale = Math.Max(Math.Abs(expected), double.Epsilon);
        Assert.True(Math.Abs(actual.Value - expected) <= tolerance * scale,
            $"expected {expected:R}, got {actual.Value:R} (relative difference {Math.Abs(actual.Value - expected) / scale:E2}, tolerance {tolerance:E0})");
    }
}
