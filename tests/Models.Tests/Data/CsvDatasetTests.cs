using EnsembleFarm.Models.Data;
using Xunit;

namespace EnsembleFarm.Models.Tests.Data;

public class CsvDatasetTests
{
    private static readonly CsvDatasetOptions BinaryWithId = new(["y"], TaskKind.Binary, IdColumn: "id");

    private static Dataset Parse(string text, CsvDatasetOptions options) =>
        CsvDataset.Parse(new StringReader(text), options, "data/x.csv");

    private static DataFormatException ParseFails(string text, CsvDatasetOptions options) =>
        Assert.Throws<DataFormatException>(() => Parse(text, options));

    [Fact]
    public void Reads_header_features_target_and_ids()
    {
        var data = Parse("id,a,y,b\nr1,1.5,1,-2e-3\nr2,3,0,4\n", BinaryWithId);
        Assert.Equal(["a", "b"], data.FeatureNames);
        Assert.Equal(["y"], data.TargetNames);
        Assert.Equal([1.5f, -2e-3f, 3f, 4f], data.Features);
        Assert.Equal([1f, 0f], data.Targets);
        Assert.Equal(["r1", "r2"], data.Ids!);
        Assert.Equal(2, data.ClassCount);
        Assert.Equal(TaskKind.Binary, data.Task);
    }

    [Fact]
    public void Accepts_quotes_CRLF_blank_lines_and_no_final_line_end()
    {
        var data = Parse("\"id\",\"a,b\",y\r\n\r\n\"x \"\"1\"\"\", \"2.5\" ,0\r\n\"line\nbreak\",7,1", BinaryWithId);
        Assert.Equal(["a,b"], data.FeatureNames);
        Assert.Equal([2.5f, 7f], data.Features);
        Assert.Equal(["x \"1\"", "line\nbreak"], data.Ids!);
    }

    [Fact]
    public void Records_split_across_reads_of_the_underlying_reader_parse_the_same()
    {
        const string text = "\"id\",\"a,b\",y\r\n\"x \"\"1\"\"\",2.5,0\r\n\"line\nbreak\",  7 ,1\r\n";
        var whole = Parse(text, BinaryWithId);
        var trickled = CsvDataset.Parse(new TrickleReader(text), BinaryWithId, "data/x.csv");
        Assert.Equal(whole.Features, trickled.Features);
        Assert.Equal(whole.Targets, trickled.Targets);
        Assert.Equal(whole.Ids!, trickled.Ids!);
        Assert.Equal(["x \"1\"", "line\nbreak"], trickled.Ids!);
    }

    /// <summary>Hands out at most two characters per read, so every state of the parser meets a buffer boundary.</summary>
    private sealed class TrickleReader(string text) : TextReader
    {
        private int _position;

        public override int Read(char[] buffer, int index, int count)
        {
            var n = Math.Min(Math.Min(count, 2), text.Length - _position);
            text.CopyTo(_position, buffer, index, n);
            _position += n;
            return n;
        }
    }

    [Fact]
    public void Reads_only_the_feature_columns_asked_for_in_their_order()
    {
        var options = new CsvDatasetOptions(["y"], TaskKind.Binary, FeatureColumns: ["c", "a"]);
        var data = Parse("a,note,c,y\n1,free text,2,0\n3,more,4,1\n", options);
        Assert.Equal(["c", "a"], data.FeatureNames);
        Assert.Equal([2f, 1f, 4f, 3f], data.Features);
    }

    [Fact]
    public void Regression_takes_several_real_targets()
    {
        var data = Parse("x,t1,t2\n1,0.5,-3\n2,1e3,7.25\n", new CsvDatasetOptions(["t1", "t2"], TaskKind.Regression));
        Assert.Equal([0.5f, -3f, 1000f, 7.25f], data.Targets);
        Assert.Equal(2, data.TargetWidth);
        Assert.Equal(0, data.ClassCount);
    }

    [Fact]
    public void Multiclass_class_count_is_the_largest_label_plus_one()
    {
        var data = Parse("x,k\n1,2\n2,0\n3,1\n4,2\n", new CsvDatasetOptions(["k"], TaskKind.Multiclass));
        Assert.Equal(3, data.ClassCount);
        Assert.Equal([2f, 0f, 1f, 2f], data.Targets);
    }

    [Fact]
    public void Read_names_the_file_path_in_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"efarm-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "a,y\n1,0\nabc,1\n");
            var e = Assert.Throws<DataFormatException>(() => CsvDataset.Read(path, new CsvDatasetOptions(["y"], TaskKind.Binary)));
            Assert.Equal($"{path} line 3, column 'a': 'abc' is not a number", e.Message);
            File.WriteAllText(path, "\uFEFFa,y\n1,0\n2,1\n");
            Assert.Equal(["a"], CsvDataset.Read(path, new CsvDatasetOptions(["y"], TaskKind.Binary)).FeatureNames);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ReadPinned_parses_the_bytes_it_fingerprints_and_names_the_file_in_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"efarm-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "\uFEFFid,a,y\nr1,0.5,0\nr2,1.5,1\n");
            var (data, sha256) = CsvDataset.ReadPinned(path, BinaryWithId);
            Assert.Equal(DatasetFingerprint.Sha256(path), sha256);
            var read = CsvDataset.Read(path, BinaryWithId);
            Assert.Equal(read.Features, data.Features);
            Assert.Equal(read.Targets, data.Targets);
            Assert.Equal(["r1", "r2"], data.Ids!);

            File.WriteAllText(path, "id,a,y\nr1,NaN,0\n");
            var e = Assert.Throws<DataFormatException>(() => CsvDataset.ReadPinned(path, BinaryWithId));
            Assert.StartsWith($"{path} line 2, column 'a'", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_non_numeric_cell_is_named_by_line_and_column()
    {
        var e = ParseFails("id,pt_1,y\na,1,0\n\nb,abc,1\n", BinaryWithId);
        // The blank line still counts: the bad row is on line 4 of the file.
        Assert.Equal("data/x.csv line 4, column 'pt_1': 'abc' is not a number", e.Message);
        Assert.Equal("data/x.csv", e.Source);
        Assert.Equal(4, e.Line);
        Assert.Equal("pt_1", e.Column);
    }

    [Fact]
    public void Line_numbers_count_line_breaks_inside_quoted_fields()
    {
        var e = ParseFails("id,a,y\n\"two\nlines\",1,0\nb,x,1\n", BinaryWithId);
        Assert.Equal(4, e.Line);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e39")]
    public void NaN_and_infinity_are_refused(string cell)
    {
        var e = ParseFails($"a,y\n1,0\n{cell},1\n", new CsvDatasetOptions(["y"], TaskKind.Binary));
        Assert.Equal($"data/x.csv line 3, column 'a': '{cell}' is not a finite number; NaN, infinity and magnitudes beyond 3.4e38 are not allowed", e.Message);
    }

    [Fact]
    public void An_empty_cell_is_refused()
    {
        var e = ParseFails("a,b,y\n1,,0\n", new CsvDatasetOptions(["y"], TaskKind.Binary));
        Assert.Equal("data/x.csv line 2, column 'b': the cell is empty; a number is required", e.Message);
    }

    [Fact]
    public void A_missing_target_column_lists_the_columns_there_are()
    {
        var e = ParseFails("a,b,label\n1,2,0\n", new CsvDatasetOptions(["y"], TaskKind.Binary));
        Assert.Equal("data/x.csv line 1, column 'y': the target column is not in the header (columns: a, b, label)", e.Message);
    }

    [Fact]
    public void Missing_id_and_feature_columns_are_named()
    {
        Assert.Contains("column 'id': the id column is not in the header", ParseFails("a,y\n1,0\n", BinaryWithId).Message);
        var features = new CsvDatasetOptions(["y"], TaskKind.Binary, FeatureColumns: ["a", "eta"]);
        Assert.Contains("column 'eta': the feature column is not in the header", ParseFails("a,y\n1,0\n", features).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\r\n")]
    public void An_empty_file_is_refused(string text)
    {
        var e = ParseFails(text, BinaryWithId);
        Assert.Equal("data/x.csv: the file is empty; expected a header row followed by data rows", e.Message);
        Assert.Null(e.Line);
    }

    [Fact]
    public void A_header_without_rows_is_refused()
    {
        Assert.Equal("data/x.csv: the file has a header but no data rows", ParseFails("id,a,y\n", BinaryWithId).Message);
    }

    [Fact]
    public void A_target_with_one_class_names_the_column()
    {
        var e = ParseFails("a,signal\n1,1\n2,1\n", new CsvDatasetOptions(["signal"], TaskKind.Binary));
        Assert.Equal("data/x.csv, column 'signal': every row has class 1; a classifier needs at least two classes", e.Message);
        Assert.Equal("signal", e.Column);
        var multi = ParseFails("a,k\n1,0\n2,0\n", new CsvDatasetOptions(["k"], TaskKind.Multiclass));
        Assert.Contains("column 'k': every row has class 0", multi.Message);
    }

    [Fact]
    public void A_multiclass_target_with_a_gap_says_which_class_is_missing()
    {
        var e = ParseFails("a,k\n1,0\n2,3\n3,1\n", new CsvDatasetOptions(["k"], TaskKind.Multiclass));
        Assert.Equal("data/x.csv, column 'k': classes are numbered 0..3 (from the largest label), but class 2 never appears", e.Message);
        var two = ParseFails("a,k\n1,0\n2,4\n3,1\n", new CsvDatasetOptions(["k"], TaskKind.Multiclass));
        Assert.EndsWith("but classes 2, 3 never appear", two.Message);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0.5")]
    [InlineData("-1")]
    public void A_binary_target_must_be_zero_or_one(string label)
    {
        var e = ParseFails($"a,y\n1,0\n2,{label}\n", new CsvDatasetOptions(["y"], TaskKind.Binary));
        Assert.Equal($"data/x.csv line 3, column 'y': '{label}' is not a binary label; a binary target must be 0 or 1", e.Message);
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-1")]
    [InlineData("70000")]
    public void A_multiclass_target_must_be_a_class_index(string label)
    {
        var e = ParseFails($"a,k\n1,0\n2,{label}\n", new CsvDatasetOptions(["k"], TaskKind.Multiclass));
        Assert.Equal($"data/x.csv line 3, column 'k': '{label}' is not a class index; a multi-class target must be an integer 0..65535", e.Message);
    }

    [Fact]
    public void Targets_are_numbers_only()
    {
        var e = ParseFails("a,y\n1,true\n", new CsvDatasetOptions(["y"], TaskKind.Binary));
        Assert.Equal("data/x.csv line 2, column 'y': 'true' is not a number", e.Message);
    }

    [Fact]
    public void Duplicate_header_names_are_refused()
    {
        var e = ParseFails("a,b,a,y\n1,2,3,0\n", new CsvDatasetOptions(["y"], TaskKind.Binary));
        Assert.Equal("data/x.csv line 1, column 'a': the header names this column twice (cells 1 and 3)", e.Message);
    }

    [Fact]
    public void An_empty_header_name_is_refused()
    {
        var e = ParseFails("a,,y\n1,2,0\n", new CsvDatasetOptions(["y"], TaskKind.Binary));
        Assert.Equal("data/x.csv line 1: header cell 2 is empty; every column needs a name", e.Message);
    }

    [Theory]
    [InlineData("id,a,y\nr1,1,0\nr2,2\n")]
    [InlineData("id,a,y\nr1,1,0\nr2,2,1,9\n")]
    public void A_row_with_the_wrong_cell_count_names_its_line(string text)
    {
        var e = ParseFails(text, BinaryWithId);
        Assert.Equal(3, e.Line);
        Assert.Matches(@"^data/x\.csv line 3: expected 3 cells as in the header, found [24]$", e.Message);
    }

    [Fact]
    public void Duplicate_and_empty_ids_are_refused()
    {
        var duplicate = ParseFails("id,a,y\nr1,1,0\nr2,2,1\nr1,3,0\n", BinaryWithId);
        Assert.Equal("data/x.csv line 4, column 'id': id 'r1' already appears on line 2", duplicate.Message);
        var empty = ParseFails("id,a,y\nr1,1,0\n ,2,1\n", BinaryWithId);
        Assert.Equal("data/x.csv line 3, column 'id': the id is empty", empty.Message);
    }

    [Fact]
    public void Broken_quoting_is_refused_with_its_line()
    {
        var unclosed = ParseFails("id,a,y\nr1,1,0\n\"r2,2,1\n", BinaryWithId);
        Assert.Equal("data/x.csv line 3: a quoted field is not closed before the end of the file", unclosed.Message);
        var junk = ParseFails("id,a,y\n\"r1\"x,1,0\n", BinaryWithId);
        Assert.StartsWith("data/x.csv line 2: unexpected 'x' after a closing quote (field 1)", junk.Message);
    }

    [Fact]
    public void Long_cells_are_shortened_in_messages()
    {
        var cell = new string('z', 100);
        var e = ParseFails($"a,y\n{cell},0\n", new CsvDatasetOptions(["y"], TaskKind.Binary));
        Assert.Equal($"data/x.csv line 2, column 'a': '{new string('z', 40)}...' is not a number", e.Message);
    }

    [Fact]
    public void Contradictory_options_are_refused()
    {
        Assert.Contains("exactly one target column",
            Assert.Throws<ArgumentException>(() => Parse("a,b,c\n1,2,3\n", new CsvDatasetOptions(["b", "c"], TaskKind.Binary))).Message);
        Assert.Contains("Column 'a' is named more than once",
            Assert.Throws<ArgumentException>(() => Parse("a,b\n1,0\n", new CsvDatasetOptions(["a"], TaskKind.Regression, FeatureColumns: ["a"]))).Message);
        Assert.Contains("at least one target",
            Assert.Throws<ArgumentException>(() => Parse("a,b\n1,0\n", new CsvDatasetOptions([], TaskKind.Regression))).Message);
    }

    [Fact]
    public void A_file_with_nothing_but_target_and_id_has_no_features()
    {
        var e = ParseFails("id,y\nr1,0\nr2,1\n", BinaryWithId);
        Assert.Equal("data/x.csv line 1: no feature columns are left besides the target and id columns", e.Message);
    }

    [Fact]
    public void Rows_beyond_the_first_buffer_are_kept_in_order()
    {
        var text = new System.Text.StringBuilder("a,b,y\n");
        for (var i = 0; i < 5000; i++) text.Append(i).Append(',').Append(-i * 0.5).Append(',').Append(i % 2).Append('\n');
        var data = Parse(text.ToString(), new CsvDatasetOptions(["y"], TaskKind.Binary));
        Assert.Equal(5000, data.Rows);
        Assert.Equal([4999f, -2499.5f], data.Row(4999).ToArray());
        Assert.Equal(1f, data.Target(4999)[0]);
    }
}
