using EnsembleFarm.Domain.Search;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

public class StableOrderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1001)]
    public void Sort_gives_the_order_of_a_stable_sort_with_ties_by_index(int n)
    {
        // Few distinct values (long runs of ties), zeros of both signs, the bounds and NaN: the introsort underneath
        // reorders runs of equal keys, which must come back by index.
        var random = new Random(n);
        double[] levels = [0.0, -0.0, 0.5, 1.0, 0.25, 0.75, 0.1, 0.9, double.NaN];
        var values = Enumerable.Range(0, n).Select(i => i % 5 == 0 ? random.NextDouble() : levels[random.Next(levels.Length)]).ToArray();
        var keys = values.ToArray();
        var order = new int[n];

        StableOrder.Sort(keys, order);

        Assert.Equal(Enumerable.Range(0, n).OrderBy(i => values[i]).ToArray(), order);
        Assert.Equal(order.Select(i => values[i]).ToArray(), keys);
    }
}
