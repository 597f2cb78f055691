namespace EnsembleFarm.Store;

/// <summary>What a submission writes: the campaign row and its test part, with its first trials beside it.</summary>
/// <param name="Task">binary, multiclass or regression: what readers need to aggregate, without parsing the spec again.</param>
/// <param name="SpecYaml">The spec exactly as submitted, so a campaign can always be re-read and re-run.</param>
/// <param name="DatasetSha256">Lower-case hex SHA-256 of the dataset file's bytes.</param>
/// <param name="TestSet">The campaign's held-out rows, fixed for all its trials.</param>
/// <param name="OpenEnded">
/// Its trials are created as it goes (a search): it does not end when its trials have, only once it is sealed
/// (<see cref="IFarmStore.SealCampaignAsync"/>), and it may start with none.
/// </param>
/// <param name="SubmissionKey">
/// The same for two submissions of the same spec text on the same data (see <c>CampaignSubmission</c>): a client that
/// was interrupted finds its unfinished campaign by it instead of submitting a duplicate.
/// </param>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
public sealed record NewCampaign(
    string Name,
    string Kind,
    string Task,
    string SpecYaml,
    string DatasetPath,
    string DatasetSha256,
    int MaxAttempts,
    CampaignTestSet TestSet,
    string SubmissionKey,
    bool OpenEnded = false);
