namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// The members' predictions, in member index order, each row-major with <see cref="Width"/> values per row (arrays may
/// be longer than <see cref="Rows"/> rows: reused batch buffers).
/// </summary>
internal sealed class MemberPredictions(IReadOnlyList<float[]> members, int rows, int width)
{
    // An array, not the list: rules read it once per member and row, millions of times when predicting.
    private readonly float[][] _members = [.. members];

    public int Count => _members.Length;
    public int Rows => rows;
    public int Width => width;

    public ReadOnlySpan<float> Of(int member, int row) => _members[member].AsSpan(row * width, width);
}
