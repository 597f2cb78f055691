using EnsembleFarm.Store;

namespace EnsembleFarm.GrainInterfaces;

/// <summary>What became of a submission.</summary>
/// <param name="Campaign">The campaign created or resumed; null when refused.</param>
/// <param name="Problems">Why it was refused: one line each (spec errors name the file, line and field).</param>
/// <param name="Warnings">What the user should know about an accepted campaign (e.g. a very small test part).</param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record SubmitResult(
    SubmitOutcome Outcome,
    CampaignRecord? Campaign,
    int Trials,
    int TestRows,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Warnings)
{
    public static SubmitResult Refused(SubmitOutcome outcome, IReadOnlyList<string> problems) => new(outcome, null, 0, 0, problems, []);
}
