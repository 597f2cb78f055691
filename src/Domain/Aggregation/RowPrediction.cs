namespace EnsembleFarm.Domain.Aggregation;

/// <summary>The ensemble's prediction for one test row.</summary>
/// <param name="Row">The row's index in the dataset.</param>
/// <param name="Id">The row's id, when the dataset has an id column.</param>
/// <param name="Target">The true value: the class for classification, every target for regression.</param>
/// <param name="Scores">
/// Rule → what it gives for the row: "average", P(y = 1) (binary) or each class's mean probability;
/// "vote", the fraction of members voting 1 (binary) or each class's share of the votes; "mean" and
/// "median", one value per regression target.
/// </param>
/// <param name="Decisions">Rule → the class it decides (classification); null for regression.</param>
/// <param name="Spread">How the members' own predictions for the row spread.</param>
public sealed record RowPrediction(
    int Row,
    string? Id,
    float[] Target,
    IReadOnlyDictionary<string, float[]> Scores,
    IReadOnlyDictionary<string, int>? Decisions,
    MemberSpread Spread);
