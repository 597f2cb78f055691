using System.Globalization;
using System.Text.Json.Nodes;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Prediction;
using EnsembleFarm.Domain.Statistics;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Models.Data.Synthetic;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Prediction;

public class EnsemblePredictorTests
{
    private static string[] Lines(string csv) => csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string Predict(EnsemblePredictor predictor, string csv, PredictOptions? options = null)
    {
        var output = new StringWriter { NewLine = "\n" };
        predictor.Predict(new StringReader(csv), "new.csv", output, options);
        return output.ToString();
    }

    [Theory]
    [InlineData(TaskKind.Binary)]
    [InlineData(TaskKind.Multiclass)]
    [InlineData(TaskKind.Regression)]
    public void Predicting_the_test_rows_reproduces_the_reports_rows_from_the_stored_predictions_bit_for_bit(TaskKind task)
    {
        var ensemble = TrainedEnsemble.For(task);
        var report = EnsembleAggregator.Aggregate(task, ensemble.ClassCount, ensemble.TestSet, ensemble.Predictions, new BootstrapOptions(Resamples: 0));
        var results = new StringWriter { NewLine = "\n" };
        RowPredictionsCsv.Write(report, results);

        var predicted = Predict(new EnsemblePredictor(ensemble.Deserialized()), ensemble.TestRowsCsv(), new PredictOptions(ColliderSample.IdColumn));

        // results: row,id,target…,predictions…; predict: row,id,predictions…, with rows numbered in file order.
        var targetWidth = ensemble.TestSet.TargetWidth;
        var expected = Lines(results.ToString()).Select((line, i) =>
        {
            var cells = line.Split(',');
            return string.Join(',', [i == 0 ? "row" : (i - 1).ToString(CultureInfo.InvariantCulture), cells[1], .. cells.Skip(2 + targetWidth)]);
        });
        Assert.Equal(expected, Lines(predicted));
        Assert.Equal(ensemble.TestSet.RowIndices.Length + 1, Lines(predicted).Length);
    }

    [Fact]
    public void A_single_members_average_is_its_stored_prediction_bit_for_bit()
    {
        var ensemble = TrainedEnsemble.For(TaskKind.Binary);

        var predicted = Predict(new EnsemblePredictor([ensemble.Deserialized()[1]]), ensemble.TestRowsCsv());

        var averages = Lines(predicted).Skip(1).Select(line => float.Parse(line.Split(',')[1], CultureInfo.InvariantCulture));
        Assert.Equal(ensemble.Predictions[1].TestPredictions.Select(BitConverter.SingleToInt32Bits), averages.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Files_longer_than_a_batch_are_numbered_on_and_predicted_as_in_one_call()
    {
        var model = TrainedEnsemble.For(TaskKind.Binary).Deserialized()[0];
        var rows = EnsemblePredictor.BatchRows + 301;
        var data = ColliderSample.Generate(rows, seed: 8);
        var text = new StringWriter { NewLine = "\n" };
        ColliderSample.Write(text, rows, seed: 8);

        var lines = Lines(Predict(new EnsemblePredictor([model, model]), text.ToString(), new PredictOptions(Threads: 1)));

        var expected = model.Predict(data);
        Assert.Equal(rows + 1, lines.Length);
        for (var r = 0; r < rows; r++)
        {
            var cells = lines[r + 1].Split(',');
            Assert.Equal(r.ToString(CultureInfo.InvariantCulture), cells[0]);
            Assert.Equal(expected[r], float.Parse(cells[1], CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void The_output_has_the_columns_it_announces_and_ids_only_when_the_input_has_them()
    {
        var predictor = new EnsemblePredictor(TrainedEnsemble.For(TaskKind.Binary).Deserialized());
        var csv = TrainedEnsemble.For(TaskKind.Binary).TestRowsCsv();

        var withIds = Lines(Predict(predictor, csv, new PredictOptions("event_id")));
        var withoutIds = Lines(Predict(predictor, csv));

        Assert.Equal("row,id,average_p,vote_fraction,average_decision,vote_decision,member_std,member_q16,member_q84", withIds[0]);
        Assert.Equal(string.Join(',', predictor.Columns(withIds: false)), withoutIds[0]);
        Assert.Equal(withIds[0].Split(',').Length, withIds[1].Split(',').Length);
        Assert.Equal(3, predictor.Members);
        Assert.Equal(["average", "vote"], predictor.Rules.Select(r => r.Name));
        Assert.Contains("exactly in half", predictor.TieRule);
        Assert.Equal(
            "row,average_p_0,average_p_1,average_p_2,vote_fraction_0,vote_fraction_1,vote_fraction_2,average_decision,vote_decision,member_std_0,member_std_1,member_std_2",
            string.Join(',', new EnsemblePredictor(TrainedEnsemble.For(TaskKind.Multiclass).Deserialized()).Columns(false)));
        Assert.Equal("row,mean,median,member_std,member_q16,member_q84",
            string.Join(',', new EnsemblePredictor(TrainedEnsemble.For(TaskKind.Regression).Deserialized()).Columns(false)));
    }

    [Fact]
    public void One_thread_and_all_cores_write_the_same_file()
    {
        var ensemble = TrainedEnsemble.For(TaskKind.Regression);
        var predictor = new EnsemblePredictor(ensemble.Deserialized());

        Assert.Equal(Predict(predictor, ensemble.TestRowsCsv(), new PredictOptions(Threads: 1)), Predict(predictor, ensemble.TestRowsCsv()));
    }

    /// <summary>The test rows' CSV changed by <paramref name="change"/>: drop:COLUMN, cell:LINE:COLUMN:TEXT, or swap:A:B (two columns' places).</summary>
    [Theory]
    [InlineData("drop:m_yy", "new.csv line 1, column 'm_yy': the model's feature column 'm_yy' is not in the header; the model was trained on: ")]
    [InlineData("cell:3:met:NaN", "new.csv line 3, column 'met': 'NaN' is not a finite number; NaN, infinity and magnitudes beyond 3.4e38 are not allowed")]
    [InlineData("swap:eta_1:pt_1", "new.csv line 1, column 'eta_1': this feature column stands before 'pt_1', but the model was trained with it after; put the feature columns in the training order: pt_1, eta_1, ")]
    [InlineData("cell:2:pt_2:", "new.csv line 2, column 'pt_2': the cell is empty; a number is required")]
    public void Bad_input_is_refused_with_the_line_and_column_to_fix(string change, string message)
    {
        var csv = Lines(TrainedEnsemble.For(TaskKind.Binary).TestRowsCsv()).Select(l => l.Split(',')).ToList();
        var parts = change.Split(':');
        var column = csv[0].ToList().IndexOf(parts[1]);
        switch (parts[0])
        {
            case "drop":
                csv = [.. csv.Select(cells => cells.Where((_, i) => i != column).ToArray())];
                break;
            case "cell":
                column = csv[0].ToList().IndexOf(parts[2]);
                csv[int.Parse(parts[1], CultureInfo.InvariantCulture) - 1][column] = parts[3];
                break;
            default:
                var other = csv[0].ToList().IndexOf(parts[2]);
                foreach (var cells in csv) (cells[column], cells[other]) = (cells[other], cells[column]);
                break;
        }
        var predictor = new EnsemblePredictor(TrainedEnsemble.For(TaskKind.Binary).Deserialized());

        var error = Assert.Throws<DataFormatException>(() => Predict(predictor, string.Join('\n', csv.Select(c => string.Join(',', c))) + "\n"));

        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void Models_of_different_ensembles_cannot_be_combined()
    {
        var binary = TrainedEnsemble.For(TaskKind.Binary).Deserialized();
        var regression = TrainedEnsemble.For(TaskKind.Regression).Deserialized();

        Assert.StartsWith("Member 1 predicts Regression with 1 outputs, but member 0 predicts Binary with 1",
            Assert.Throws<ArgumentException>(() => new EnsemblePredictor([binary[0], regression[0]])).Message);
        Assert.Throws<ArgumentException>(() => new EnsemblePredictor([]));
    }

    [Fact]
    public void An_exported_ensemble_holds_each_member_as_stored_and_loads_back_to_the_same_predictions()
    {
        var ensemble = TrainedEnsemble.For(TaskKind.Multiclass);
        var directory = Path.Combine(Path.GetTempPath(), "ef-export-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Given out of order: the folder lists them by index.
            EnsembleFolder.Write(directory, [.. ensemble.Models.Select((m, i) => new ExportedMember(i, 100 + i, m.Weights, m.Json)).Reverse()]);

            var loaded = EnsembleFolder.Load(directory);

            Assert.Equal(ensemble.Models[2].Weights, File.ReadAllBytes(Path.Combine(directory, "member-002", TrainedModel.WeightsFileName)));
            Assert.Equal(ensemble.Models[2].Json, File.ReadAllText(Path.Combine(directory, "member-002", TrainedModel.DescriptionFileName)));
            Assert.Equal(3, TrainedModel.Load(Path.Combine(directory, "member-000")).ClassCount);
            var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(directory, EnsembleFolder.ManifestFileName)))!;
            Assert.Equal("ensemblefarm.ensemble", (string?)manifest["format"]);
            Assert.Equal("multiclass", (string?)manifest["task"]);
            Assert.Equal(3, (int?)manifest["class_count"]);
            Assert.Equal(ColliderSample.FeatureNames(TaskKind.Multiclass), manifest["feature_names"]!.AsArray().Select(n => (string)n!));
            Assert.Equal(["member-000", "member-001", "member-002"], manifest["members"]!.AsArray().Select(m => (string)m!["folder"]!));
            Assert.Equal(102L, (long?)manifest["members"]![2]!["trial_id"]);
            Assert.Equal(Predict(new EnsemblePredictor(ensemble.Deserialized()), ensemble.TestRowsCsv()), Predict(loaded, ensemble.TestRowsCsv()));
            Assert.Throws<FileNotFoundException>(() => EnsembleFolder.Load(Path.Combine(directory, "member-000")));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
