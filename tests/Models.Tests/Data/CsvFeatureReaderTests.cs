using EnsembleFarm.Models.Data;
using Xunit;

namespace EnsembleFarm.Models.Tests.Data;

public class CsvFeatureReaderTests
{
    private static readonly string[] Features = ["a", "b", "c"];

    private static CsvFeatureReader Open(string text, string? idColumn = null) =>
        new(new StringReader(text), "new.csv", Features, idColumn);

    /// <summary>Every row of the text, read in batches of <paramref name="batchRows"/>.</summary>
    private static (float[] Features, string[] Ids, int Rows) ReadAll(CsvFeatureReader reader, int batchRows)
    {
        var features = new List<float>();
        var ids = new List<string>();
        var buffer = new float[batchRows * Features.Length];
        var idBuffer = new string[reader.HasIds ? batchRows : 0];
        int rows;
        while ((rows = reader.ReadBatch(buffer, idBuffer)) > 0)
        {
            features.AddRange(buffer.AsSpan(0, rows * Features.Length));
            ids.AddRange(idBuffer.Take(rows));
        }
        return ([.. features], [.. ids], reader.RowsRead);
    }

    private static DataFormatException Fails(string text) =>
        Assert.Throws<DataFormatException>(() => ReadAll(Open(text), 4));

    [Fact]
    public void Reads_the_model_features_by_name_and_skips_other_columns_in_batches()
    {
        var reader = Open("id,a,note,b,signal,c\nr1,1,x,2,1,3\nr2,4,\"y, z\",5,0,6\nr3,7,,8,1,9\n", idColumn: "id");

        var (features, ids, rows) = ReadAll(reader, batchRows: 2);

        Assert.True(reader.HasIds);
        Assert.Equal(3, rows);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f], features);
        Assert.Equal(["r1", "r2", "r3"], ids);
    }

    [Fact]
    public void An_id_column_the_file_lacks_gives_rows_without_ids()
    {
        var reader = Open("a,b,c\n1,2,3\n", idColumn: "event_id");

        Assert.False(reader.HasIds);
        Assert.Equal([1f, 2f, 3f], ReadAll(reader, 8).Features);
    }

    [Fact]
    public void A_missing_feature_column_is_named_with_the_columns_the_model_needs()
    {
        var error = Assert.Throws<DataFormatException>(() => Open("a,c,signal\n1,2,0\n"));

        Assert.Equal("new.csv line 1, column 'b': the model's feature column 'b' is not in the header; the model was trained on: a, b, c", error.Message);
        Assert.Equal("b", error.Column);
    }

    [Fact]
    public void Several_missing_feature_columns_are_all_named()
    {
        var error = Assert.Throws<DataFormatException>(() => Open("b,x\n1,2\n"));

        Assert.Equal("new.csv line 1: the model's feature columns 'a', 'c' are not in the header; the model was trained on: a, b, c", error.Message);
    }

    [Fact]
    public void Feature_columns_in_another_order_than_in_training_are_refused_with_the_order_to_use()
    {
        var error = Assert.Throws<DataFormatException>(() => Open("id,b,a,c\n1,2,3,4\n"));

        Assert.Equal("new.csv line 1, column 'b': this feature column stands before 'a', but the model was trained with it after; "
            + "put the feature columns in the training order: a, b, c", error.Message);
    }

    [Theory]
    [InlineData("a,b,c\n1,2,3\n4,NaN,6\n", "new.csv line 3, column 'b': 'NaN' is not a finite number; NaN, infinity and magnitudes beyond 3.4e38 are not allowed")]
    [InlineData("a,b,c\n1,2,-Infinity\n", "new.csv line 2, column 'c': '-Infinity' is not a finite number; NaN, infinity and magnitudes beyond 3.4e38 are not allowed")]
    [InlineData("a,b,c\n1,,3\n", "new.csv line 2, column 'b': the cell is empty; a number is required")]
    [InlineData("a,b,c\n1,2,3\n\n1,two,3\n", "new.csv line 4, column 'b': 'two' is not a number")]
    [InlineData("a,b,c\n1,2,3\n1,2\n", "new.csv line 3: expected 3 cells as in the header, found 2")]
    [InlineData("a,b,c\n", "new.csv: the file has a header but no data rows")]
    public void Bad_cells_and_rows_name_the_line_and_column(string text, string message)
    {
        Assert.Equal(message, Fails(text).Message);
    }

    [Fact]
    public void An_empty_file_or_a_bad_header_is_refused_as_in_training()
    {
        Assert.Equal("new.csv: the file is empty; expected a header row followed by data rows", Assert.Throws<DataFormatException>(() => Open("")).Message);
        Assert.Equal("new.csv line 1, column 'a': the header names this column twice (cells 1 and 4)",
            Assert.Throws<DataFormatException>(() => Open("a,b,c,a\n1,2,3,4\n")).Message);
    }
}
