using EnsembleFarm.Domain.Statistics;
using EnsembleFarm.Models;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Statistics;

public class QuantilesTests
{
    [Fact]
    public void Selection_gives_the_sorted_quantile_exactly_with_ties_and_any_size()
    {
        var rng = new Rng(21);
        for (var trial = 0; trial < 500; trial++)
        {
            var count = 1 + rng.NextInt(70);
            // Few distinct values on odd trials: many ties.
            var values = Enumerable.Range(0, count).Select(_ => trial % 2 == 0 ? rng.NextGaussian() : rng.NextInt(4)).ToArray();
            var sorted = values.Order().ToArray();
            foreach (var q in new[] { 0, 0.16, 0.5, 0.84, 1 })
                Assert.Equal(Quantiles.Linear(sorted, q), Quantiles.LinearUnsorted(values.ToArray(), q));
        }
    }

}
