namespace EnsembleFarm.Domain.Aggregation;

/// <summary>A rule's answer for every test row.</summary>
/// <param name="Scores">Row-major, <paramref name="Width"/> values per row (see <see cref="RowPrediction.Scores"/>).</param>
/// <param name="Decisions">The decided class per row (classification); null for regression.</param>
internal sealed record RuleOutput(float[] Scores, int Width, int[]? Decisions);
