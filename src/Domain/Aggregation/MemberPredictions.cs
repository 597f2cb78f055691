namespace EnsembleFarm.Domain.Aggregation;

/// <summary>The members' test predictions, in member index order, each row-major with <see cref="Width"/> values per row.</summary>
internal sealed class MemberPredictions(IReadOnlyList<float[]> members, int rows, int width)
{
    public int Count => members.Count;
    public int Rows => rows;
    public int Width => width;

    public ReadOnlySpan<float> Of(int member, int row) => members[member].AsSpan(row * width, width);
}
