using System.Globalization;

namespace EnsembleFarm.Models.Data;

/// <summary>How the farm's CSV readers read a numeric cell and quote a bad one in a message, so both say the same.</summary>
internal static class CsvCell
{
    private const int MaxQuotedLength = 40;

    /// <summary>The cell as a finite float32 (invariant culture, surrounding blanks ignored).</summary>
    /// <exception cref="DataFormatException">The cell is empty, not a number, or not finite.</exception>
    public static float ParseFinite(CsvRecordReader record, int index, string column, string source)
    {
        var cell = record.Field(index);
        if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new DataFormatException(source, record.Line, column,
                cell.IsWhiteSpace() ? "the cell is empty; a number is required" : $"{Quote(cell)} is not a number");
        }
        if (!float.IsFinite(value))
            throw new DataFormatException(source, record.Line, column,
                $"{Quote(cell)} is not a finite number; NaN, infinity and magnitudes beyond 3.4e38 are not allowed");
        return value;
    }

    /// <summary>The cell in single quotes, cut after 40 characters so a stray blob does not flood the message.</summary>
    public static string Quote(ReadOnlySpan<char> cell) =>
        cell.Length <= MaxQuotedLength ? $"'{cell}'" : $"'{cell[..MaxQuotedLength]}...'";
}
