using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Data.Synthetic;
using Xunit;

namespace EnsembleFarm.Models.Tests.Data.Synthetic;

public class AgnSpectraTests
{
    private static string WriteText(int rows, ulong seed)
    {
        var writer = new StringWriter();
        AgnSpectra.Write(writer, rows, seed);
        return writer.ToString();
    }

    /// <summary>The bin whose centre is nearest <paramref name="observed"/> Å.</summary>
    private static int Bin(double observed) => (int)((observed - 3800) / ((9200.0 - 3800) / AgnSpectra.Bins));

    [Fact]
    public void The_same_seed_writes_the_same_text()
    {
        var text = WriteText(40, 17);
        Assert.Equal(text, WriteText(40, 17));
        Assert.NotEqual(text, WriteText(40, 18));
        Assert.DoesNotContain('\r', text);
    }

    [Fact]
    public void Reading_the_written_text_gives_back_the_generated_dataset_exactly()
    {
        var generated = AgnSpectra.Generate(60, 3);
        var read = CsvDataset.Parse(new StringReader(WriteText(60, 3)), AgnSpectra.CsvOptions, "spectra.csv");
        Assert.Equal(generated.FeatureNames, read.FeatureNames);
        Assert.Equal(generated.Features, read.Features);
        Assert.Equal(generated.Targets, read.Targets);
        Assert.Equal(generated.Ids!, read.Ids!);
        Assert.Equal(TaskKind.Multiclass, read.Task);
        Assert.Equal(AgnSpectra.ClassCount, read.ClassCount);
    }

    [Fact]
    public void A_row_is_an_id_914_flux_bins_named_by_wavelength_and_the_class()
    {
        var header = WriteText(1, 1).Split('\n')[0].Split(',');
        Assert.Equal(1 + 914 + 1, header.Length);
        Assert.Equal("spectrum_id", header[0]);
        Assert.Equal("flux_3803", header[1]);
        Assert.Equal("flux_9197", header[^2]);
        Assert.Equal("class", header[^1]);
        Assert.Equal(914, header.Skip(1).SkipLast(1).Distinct().Count());
    }

    [Fact]
    public void A_smaller_sample_is_a_prefix_of_a_larger_one()
    {
        var small = AgnSpectra.Generate(10, 8);
        var large = AgnSpectra.Generate(30, 8);
        Assert.Equal(small.Features, large.Features.AsSpan(0, small.Features.Length).ToArray());
        Assert.Equal(small.Targets, large.Targets.AsSpan(0, 10).ToArray());
    }

    [Fact]
    public void The_four_classes_come_in_their_documented_shares()
    {
        var data = AgnSpectra.Generate(2000, 5);
        double Share(AgnClass c) => data.Targets.Count(t => t == (int)c) / 2000.0;
        // Binomial(2000, p ≤ 0.35): σ ≤ 0.011, so ±0.05 is more than 4σ.
        Assert.InRange(Share(AgnClass.StarForming), 0.30, 0.40);
        Assert.InRange(Share(AgnClass.Seyfert2), 0.15, 0.25);
        Assert.InRange(Share(AgnClass.Liner), 0.15, 0.25);
        Assert.InRange(Share(AgnClass.Seyfert1), 0.20, 0.30);
    }

    [Fact]
    public void Spectra_are_normalised_and_seyfert_2s_have_the_strongest_oxygen_3()
    {
        var data = AgnSpectra.Generate(1500, 11);
        var width = AgnSpectra.Bins;
        // [O III] λ5007 lands between 5057 and 5508 Å observed (z 0.01..0.1): the peak of that window over its median.
        double Oxygen3(int r)
        {
            var window = data.Features.AsSpan(r * width + Bin(5057), Bin(5508) - Bin(5057)).ToArray();
            Array.Sort(window);
            return window[^1] - window[window.Length / 2];
        }
        double MeanOver(AgnClass c) => Enumerable.Range(0, data.Rows).Where(r => data.Targets[r] == (int)c).Average(Oxygen3);

        var medians = Enumerable.Range(0, data.Rows).Select(r =>
        {
            var row = data.Features.AsSpan(r * width, width).ToArray();
            Array.Sort(row);
            return row[width / 2];
        }).ToArray();
        Assert.InRange(medians.Average(), 0.8, 1.3);
        Assert.True(data.Features.All(float.IsFinite));
        Assert.True(MeanOver(AgnClass.Seyfert2) > 2 * MeanOver(AgnClass.StarForming));
        Assert.True(MeanOver(AgnClass.Seyfert2) > 2 * MeanOver(AgnClass.Liner));
    }

    [Fact]
    public void A_non_positive_row_count_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AgnSpectra.Generate(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AgnSpectra.Write(new StringWriter(), -1, 1));
    }
}
