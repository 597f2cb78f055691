using System.Globalization;
using EnsembleFarm.Domain.Prediction;
using EnsembleFarm.Models.Data;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Prediction;

public class PredictionPipelineTests
{
    private const int BatchRows = 10;

    /// <summary>A CSV whose column x holds the row number, with <paramref name="bad"/> in place of row <paramref name="badRow"/>'s number.</summary>
    private static CsvFeatureReader Input(int rows, int badRow = -1, string bad = "")
    {
        var text = "x\n" + string.Concat(Enumerable.Range(0, rows).Select(r => (r == badRow ? bad : r.ToString(CultureInfo.InvariantCulture)) + "\n"));
        return new CsvFeatureReader(new StringReader(text), "in.csv", ["x"]);
    }

    /// <summary>Writes each row's first row number and its x, slowly on the first batch so that later batches finish first.</summary>
    private static void Echo(object _, PredictionBatch batch)
    {
        if (batch.Sequence == 0) Thread.Sleep(50);
        for (var r = 0; r < batch.Rows; r++) batch.Text.WriteLine($"{batch.FirstRow + r}:{batch.Features[r]}");
    }

    [Fact]
    public void Batches_are_written_in_file_order_whichever_worker_finishes_first()
    {
        var output = new StringWriter { NewLine = "\n" };

        var rows = PredictionPipeline.Run(Input(95), output, workers: 3, BatchRows, () => new object(), Echo);

        Assert.Equal(95, rows);
        Assert.Equal(string.Concat(Enumerable.Range(0, 95).Select(r => $"{r}:{r}\n")), output.ToString());
    }

    [Fact]
    public void A_bad_row_stops_the_run_after_the_batches_read_before_it_are_written()
    {
        var output = new StringWriter { NewLine = "\n" };

        var error = Assert.Throws<DataFormatException>(() =>
            PredictionPipeline.Run(Input(60, badRow: 34, bad: "NaN"), output, workers: 2, BatchRows, () => new object(), Echo));

        Assert.Equal("in.csv line 36, column 'x': 'NaN' is not a finite number; NaN, infinity and magnitudes beyond 3.4e38 are not allowed", error.Message);
        Assert.Equal(string.Concat(Enumerable.Range(0, 30).Select(r => $"{r}:{r}\n")), output.ToString());
    }

    [Fact]
    public void A_failing_worker_or_writer_ends_the_run_with_its_error()
    {
        var worker = Assert.Throws<InvalidOperationException>(() => PredictionPipeline.Run(Input(200), new StringWriter(), workers: 2, BatchRows,
            () => new object(), (_, batch) => { if (batch.Sequence == 7) throw new InvalidOperationException("worker broke"); }));
        Assert.Equal("worker broke", worker.Message);

        var writer = Assert.Throws<IOException>(() => PredictionPipeline.Run(Input(200), new FullDisk(), workers: 2, BatchRows, () => new object(), Echo));
        Assert.Equal("No space left on device", writer.Message);
    }

    private sealed class FullDisk : StringWriter
    {
        public override void Write(System.Text.StringBuilder? value) => throw new IOException("No space left on device");
    }
}
