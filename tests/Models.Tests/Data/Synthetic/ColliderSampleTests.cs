using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Data.Synthetic;
using Xunit;

namespace EnsembleFarm.Models.Tests.Data.Synthetic;

public class ColliderSampleTests
{
    private const int Rows = 4000;

    private static string WriteText(int rows, ulong seed, TaskKind task)
    {
        var writer = new StringWriter();
        ColliderSample.Write(writer, rows, seed, task);
        return writer.ToString();
    }

    private static float[] Column(Dataset data, string name)
    {
        var j = data.FeatureNames.ToList().IndexOf(name);
        Assert.True(j >= 0, $"no column {name}");
        return Enumerable.Range(0, data.Rows).Select(r => data.Row(r)[j]).ToArray();
    }

    [Theory]
    [InlineData(TaskKind.Binary)]
    [InlineData(TaskKind.Multiclass)]
    [InlineData(TaskKind.Regression)]
    public void The_same_seed_writes_the_same_text(TaskKind task)
    {
        var text = WriteText(300, 17, task);
        Assert.Equal(text, WriteText(300, 17, task));
        Assert.NotEqual(text, WriteText(300, 18, task));
        Assert.DoesNotContain('\r', text);
    }

    [Theory]
    [InlineData(TaskKind.Binary)]
    [InlineData(TaskKind.Multiclass)]
    [InlineData(TaskKind.Regression)]
    public void Reading_the_written_text_gives_back_the_generated_dataset_exactly(TaskKind task)
    {
        var generated = ColliderSample.Generate(500, 3, task);
        var read = CsvDataset.Parse(new StringReader(WriteText(500, 3, task)), ColliderSample.CsvOptions(task), "sample.csv");
        Assert.Equal(generated.FeatureNames, read.FeatureNames);
        Assert.Equal(ColliderSample.FeatureNames(task), read.FeatureNames);
        Assert.Equal(generated.TargetNames, read.TargetNames);
        Assert.Equal(generated.Features, read.Features);
        Assert.Equal(generated.Targets, read.Targets);
        Assert.Equal(generated.Ids!, read.Ids!);
        Assert.Equal(generated.ClassCount, read.ClassCount);
        Assert.Equal("1", read.Ids![0]);
    }

    [Fact]
    public void A_smaller_sample_is_a_prefix_of_a_larger_one()
    {
        var small = ColliderSample.Generate(50, 8);
        var large = ColliderSample.Generate(200, 8);
        Assert.Equal(small.Features, large.Features.AsSpan(0, small.Features.Length).ToArray());
        Assert.Equal(small.Targets, large.Targets.AsSpan(0, 50).ToArray());
    }

    [Fact]
    public void Binary_header_names_id_features_and_signal_label()
    {
        var header = WriteText(1, 1, TaskKind.Binary).Split('\n')[0];
        Assert.Equal("event_id,pt_1,eta_1,phi_1,iso_1,pt_2,eta_2,phi_2,iso_2,m_yy,pt_yy,delta_r,cos_theta_star,n_jets,met,signal", header);
    }

    [Fact]
    public void Signal_is_about_a_quarter_of_the_events()
    {
        var data = ColliderSample.Generate(Rows, 5);
        // Binomial(4000, 0.25): σ ≈ 0.007, so ±0.03 is more than 4σ.
        Assert.InRange(data.Targets.Average(), 0.22, 0.28);
    }

    [Fact]
    public void Every_event_passes_the_documented_selection()
    {
        var data = ColliderSample.Generate(Rows, 6);
        var mass = Column(data, "m_yy");
        var pt1 = Column(data, "pt_1");
        var pt2 = Column(data, "pt_2");
        var eta1 = Column(data, "eta_1");
        var eta2 = Column(data, "eta_2");
        for (var r = 0; r < data.Rows; r++)
        {
            Assert.InRange(mass[r], 105f, 160f);
            Assert.True(pt1[r] >= pt2[r]);
            // Recorded values are rounded to 0.01 GeV.
            Assert.True(pt1[r] >= 0.35f * mass[r] - 0.01f);
            Assert.True(pt2[r] >= 0.25f * mass[r] - 0.01f);
            foreach (var eta in new[] { eta1[r], eta2[r] })
            {
                var a = Math.Abs(eta);
                // Rounding to 4 decimals may land exactly on an edge.
                Assert.True(a <= 2.37f && (a <= 1.37f || a >= 1.52f), $"row {r}: eta {eta} outside the calorimeter");
            }
        }
    }

    [Fact]
    public void Signal_peaks_at_125_GeV_over_a_falling_background()
    {
        var data = ColliderSample.Generate(Rows, 7);
        var mass = Column(data, "m_yy");
        var signal = mass.Where((_, r) => data.Targets[r] == 1).ToArray();
        var background = mass.Where((_, r) => data.Targets[r] == 0).ToArray();
        Assert.InRange(signal.Average(), 124.8, 125.2);
        Assert.True(signal.Count(m => Math.Abs(m - 125) < 3) > 0.85 * signal.Length);
        Assert.True(background.Count(m => Math.Abs(m - 125) < 3) < 0.2 * background.Length);
        Assert.True(background.Count(m => m < 115) > 2 * background.Count(m => m > 150));
    }

    [Fact]
    public void Fake_photons_from_jets_are_less_isolated()
    {
        var data = ColliderSample.Generate(Rows, 9, TaskKind.Multiclass);
        var isolation = Column(data, "iso_1").Zip(Column(data, "iso_2"), Math.Max).ToArray();
        double MeanIsolation(float process) => isolation.Where((_, r) => data.Targets[r] == process).Average();
        Assert.True(MeanIsolation(2) > MeanIsolation(0) + 2);
        Assert.True(MeanIsolation(2) > MeanIsolation(1) + 2);
    }

    [Fact]
    public void Multiclass_labels_the_same_events_by_process()
    {
        var binary = ColliderSample.Generate(Rows, 11, TaskKind.Binary);
        var multi = ColliderSample.Generate(Rows, 11, TaskKind.Multiclass);
        Assert.Equal(binary.Features, multi.Features);
        Assert.Equal(binary.Targets, multi.Targets.Select(p => p == 1 ? 1f : 0f));
        Assert.Equal(3, multi.ClassCount);
        Assert.Equal([0f, 1f, 2f], multi.Targets.Distinct().Order());
        Assert.Equal(["process"], multi.TargetNames);
    }

    [Fact]
    public void Regression_response_drops_where_there_is_more_material()
    {
        var data = ColliderSample.Generate(Rows, 12, TaskKind.Regression);
        Assert.Equal(["pt_true"], data.TargetNames);
        var reco = Column(data, "pt_reco");
        var eta = Column(data, "eta");
        Assert.All(data.Targets, t => Assert.True(t >= 20f));
        double MeanResponse(Func<float, bool> region) =>
            Enumerable.Range(0, data.Rows).Where(r => region(Math.Abs(eta[r]))).Average(r => reco[r] / data.Targets[r]);
        var central = MeanResponse(a => a < 0.6);
        var beforeTransition = MeanResponse(a => a is > 1.1f and < 1.37f);
        Assert.True(beforeTransition < central - 0.03, $"response {beforeTransition} near the transition vs {central} central");
    }

    [Fact]
    public void A_non_positive_row_count_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ColliderSample.Generate(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ColliderSample.Write(new StringWriter(), -1, 1));
    }
}
