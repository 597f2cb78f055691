using EnsembleFarm.Models.Data;
using Xunit;

namespace EnsembleFarm.Models.Tests.Data;

public class SplitsTests
{
    [Fact]
    public void Random_split_is_a_sorted_partition_of_the_requested_size()
    {
        var (first, second) = Splits.Random(100, 0.2, seed: 42);
        Assert.Equal(20, second.Length);
        Assert.Equal(80, first.Length);
        AssertSortedPartition(100, first, second);
    }

    [Fact]
    public void Random_split_depends_only_on_the_seed()
    {
        Assert.Equal(Splits.Random(1000, 0.3, 5).Second, Splits.Random(1000, 0.3, 5).Second);
        Assert.NotEqual(Splits.Random(1000, 0.3, 5).Second, Splits.Random(1000, 0.3, 6).Second);
    }

    [Fact]
    public void Random_split_rounds_half_away_from_zero_and_keeps_both_parts_non_empty()
    {
        Assert.Equal(3, Splits.Random(5, 0.5, 1).Second.Length);
        Assert.Single(Splits.Random(3, 0.01, 1).Second);
        Assert.Single(Splits.Random(3, 0.99, 1).First);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.2)]
    [InlineData(double.NaN)]
    public void A_fraction_outside_zero_to_one_is_rejected(double fraction)
    {
        var e = Assert.Throws<ArgumentException>(() => Splits.Random(10, fraction, 1));
        Assert.Contains("strictly between 0 and 1", e.Message);
    }

    [Fact]
    public void A_single_row_cannot_be_split()
    {
        var e = Assert.Throws<ArgumentException>(() => Splits.Random(1, 0.5, 1));
        Assert.Contains("at least 2 rows", e.Message);
    }

    [Fact]
    public void Stratified_split_keeps_each_class_share()
    {
        var labels = Labels((0, 70), (1, 30));
        var (first, second) = Splits.Stratified(labels, 0.2, seed: 9);
        AssertSortedPartition(100, first, second);
        Assert.Equal(6, second.Count(r => labels[r] == 1));
        Assert.Equal(14, second.Count(r => labels[r] == 0));
    }

    [Fact]
    public void Stratified_split_shares_the_rounding_by_largest_remainder()
    {
        // 11 rows, half → 6 (5.5 rounded up). Exact shares 3.82, 1.64, 0.55; floors 3, 1, 0;
        // the two missing rows go to the two largest remainders (classes 0 and 1).
        var labels = Labels((0, 7), (1, 3), (2, 1));
        var (_, second) = Splits.Stratified(labels, 0.5, seed: 3);
        Assert.Equal(6, second.Length);
        Assert.Equal(4, second.Count(r => labels[r] == 0));
        Assert.Equal(2, second.Count(r => labels[r] == 1));
        Assert.Equal(0, second.Count(r => labels[r] == 2));
    }

    [Fact]
    public void Stratified_split_depends_only_on_the_seed()
    {
        var labels = Labels((0, 50), (1, 50));
        Assert.Equal(Splits.Stratified(labels, 0.3, 1).Second, Splits.Stratified(labels, 0.3, 1).Second);
        Assert.NotEqual(Splits.Stratified(labels, 0.3, 1).Second, Splits.Stratified(labels, 0.3, 2).Second);
    }

    [Fact]
    public void Stratified_split_rejects_a_NaN_label()
    {
        var e = Assert.Throws<ArgumentException>(() => Splits.Stratified([0, float.NaN, 1], 0.5, 1));
        Assert.Contains("row 1", e.Message);
    }

    [Fact]
    public void KFold_validation_parts_cover_every_row_once_with_sizes_within_one()
    {
        var folds = Splits.KFold(10, 3, seed: 11);
        Assert.Equal(3, folds.Count);
        Assert.Equal([3, 3, 4], folds.Select(f => f.Validation.Length).Order());
        foreach (var (train, validation) in folds) AssertSortedPartition(10, train, validation);
        Assert.Equal(Enumerable.Range(0, 10), folds.SelectMany(f => f.Validation).Order());
    }

    [Fact]
    public void StratifiedKFold_balances_classes_and_sizes()
    {
        var labels = Labels((0, 5), (1, 4));
        var folds = Splits.StratifiedKFold(labels, 3, seed: 2);
        foreach (var (train, validation) in folds)
        {
            AssertSortedPartition(9, train, validation);
            Assert.Equal(3, validation.Length);
            Assert.InRange(validation.Count(r => labels[r] == 1), 1, 2);
        }
        Assert.Equal(Enumerable.Range(0, 9), folds.SelectMany(f => f.Validation).Order());
    }

    [Fact]
    public void KFold_rejects_impossible_fold_counts()
    {
        Assert.Contains("at least 2 folds", Assert.Throws<ArgumentException>(() => Splits.KFold(10, 1, 1)).Message);
        Assert.Contains("4 rows into 5", Assert.Throws<ArgumentException>(() => Splits.StratifiedKFold([0, 1, 0, 1], 5, 1)).Message);
    }

    private static float[] Labels(params (float Label, int Count)[] classes)
    {
        // Interleave so class membership does not follow row order.
        var labels = classes.SelectMany(c => Enumerable.Repeat(c.Label, c.Count)).ToArray();
        new Rng(123).Shuffle(labels.AsSpan());
        return labels;
    }

    private static void AssertSortedPartition(int rows, int[] first, int[] second)
    {
        Assert.Equal(first.Order(), first);
        Assert.Equal(second.Order(), second);
        Assert.Empty(first.Intersect(second));
        Assert.Equal(Enumerable.Range(0, rows), first.Concat(second).Order());
    }
}
