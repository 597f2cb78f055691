namespace EnsembleFarm.Domain.Prediction;

/// <summary>A batch of input rows on its way through the prediction pipeline, and the CSV text its rows become; reused batch after batch.</summary>
internal sealed class PredictionBatch(int capacity, int inputWidth, bool withIds, string newLine)
{
    /// <summary>Raw features, rows × inputs, row-major.</summary>
    public float[] Features { get; } = new float[capacity * inputWidth];

    /// <summary>The rows' ids; empty when the input has no id column.</summary>
    public string[] Ids { get; } = withIds ? new string[capacity] : [];

    /// <summary>The batch's output lines.</summary>
    public StringWriter Text { get; } = new() { NewLine = newLine };

    /// <summary>Position of the batch in the file: 0 for the first.</summary>
    public int Sequence { get; set; }

    /// <summary>The 0-based data row of the batch's first row.</summary>
    public int FirstRow { get; set; }

    public int Rows { get; set; }
}
