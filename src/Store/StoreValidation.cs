using System.Text.Json;

namespace EnsembleFarm.Store;

/// <summary>
/// Checks of what callers hand to a store, shared by every implementation so they refuse the same input
/// with the same messages. Each message names the offending field.
/// </summary>
internal static class StoreValidation
{
    public static void ValidateNewCampaign(NewCampaign campaign, IReadOnlyList<NewTrial> trials)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(trials);
        RequireText(campaign.Name, "NewCampaign.Name");
        RequireText(campaign.Kind, "NewCampaign.Kind");
        if (campaign.Task is not ("binary" or "multiclass" or "regression"))
            throw new ArgumentException($"NewCampaign.Task must be binary, multiclass or regression, got '{campaign.Task}'.", nameof(campaign));
        RequireText(campaign.SubmissionKey, "NewCampaign.SubmissionKey");
        RequireText(campaign.SpecYaml, "NewCampaign.SpecYaml");
        RequireText(campaign.DatasetPath, "NewCampaign.DatasetPath");
        if (campaign.DatasetSha256 is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException(
                $"NewCampaign.DatasetSha256 must be 64 lower-case hex digits, got '{campaign.DatasetSha256}'.", nameof(campaign));
        if (campaign.MaxAttempts < 1)
            throw new ArgumentException($"NewCampaign.MaxAttempts must be at least 1, got {campaign.MaxAttempts}.", nameof(campaign));
        ValidateTestSet(campaign.TestSet);

        if (trials.Count == 0 && !campaign.OpenEnded)
            throw new ArgumentException("A campaign needs at least one trial (only an open-ended one may start with none).", nameof(trials));
        ValidateTrials(trials);
    }

    /// <summary>Indices not negative and distinct, slots at least one, parameters a JSON object.</summary>
    public static void ValidateTrials(IReadOnlyList<NewTrial> trials)
    {
        var indices = new HashSet<int>();
        for (var i = 0; i < trials.Count; i++)
        {
            var trial = trials[i] ?? throw new ArgumentException($"trials[{i}] is null.", nameof(trials));
            if (trial.Index < 0)
                throw new ArgumentException($"trials[{i}].Index must not be negative, got {trial.Index}.", nameof(trials));
            if (!indices.Add(trial.Index))
                throw new ArgumentException($"trials[{i}].Index {trial.Index} appears twice.", nameof(trials));
            if (trial.Slots < 1)
                throw new ArgumentException($"trials[{i}].Slots must be at least 1, got {trial.Slots}.", nameof(trials));
            if (!IsJsonObject(trial.ParamsJson))
                throw new ArgumentException($"trials[{i}].ParamsJson must be a JSON object, got '{trial.ParamsJson}'.", nameof(trials));
            if (trial.AttributesJson is { } attributes && !IsJsonObject(attributes))
                throw new ArgumentException($"trials[{i}].AttributesJson must be a JSON object, got '{attributes}'.", nameof(trials));
        }
    }

    public static void ValidateLease(TrialLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        RequireText(lease.SiloId, "TrialLease.SiloId");
    }

    /// <summary>The devices as the store keeps them (<c>0,1</c>): at least one, none negative, none twice.</summary>
    public static string GpuDevices(IReadOnlyList<int> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (devices.Count == 0 || devices.Any(d => d < 0) || devices.Distinct().Count() != devices.Count)
            throw new ArgumentException($"GPU devices must be distinct non-negative ids, at least one: [{string.Join(", ", devices)}]", nameof(devices));
        return string.Join(',', devices);
    }

    public static void ValidateOutcome(TrialOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.FinalMetrics is null) throw new ArgumentException("TrialOutcome.FinalMetrics is null.", nameof(outcome));
        if (outcome.TestPredictions is null) throw new ArgumentException("TrialOutcome.TestPredictions is null.", nameof(outcome));
        if (outcome.ModelWeights is null) throw new ArgumentException("TrialOutcome.ModelWeights is null.", nameof(outcome));
        RequireText(outcome.ModelJson, "TrialOutcome.ModelJson");
        if (outcome.PredictionWidth < 1)
            throw new ArgumentException($"TrialOutcome.PredictionWidth must be at least 1, got {outcome.PredictionWidth}.", nameof(outcome));
    }

    /// <summary>The predictions must cover exactly the campaign's test rows, or aggregation would misalign members.</summary>
    public static void ValidatePredictionCount(TrialOutcome outcome, int testRows)
    {
        var expected = (long)testRows * outcome.PredictionWidth;
        if (outcome.TestPredictions.Length != expected)
            throw new ArgumentException(
                $"TrialOutcome.TestPredictions has {outcome.TestPredictions.Length} values; the campaign's {testRows} test rows " +
                $"× width {outcome.PredictionWidth} need {expected}.", nameof(outcome));
    }

    public static void RequireText(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{field} must not be empty.", field);
    }

    private static void ValidateTestSet(CampaignTestSet testSet)
    {
        if (testSet is null) throw new ArgumentException("NewCampaign.TestSet is null.", nameof(testSet));
        if (testSet.RowIndices is null || testSet.Targets is null)
            throw new ArgumentException("NewCampaign.TestSet needs RowIndices and Targets.", nameof(testSet));
        if (testSet.TargetWidth < 1)
            throw new ArgumentException($"NewCampaign.TestSet.TargetWidth must be at least 1, got {testSet.TargetWidth}.", nameof(testSet));
        var rows = testSet.RowIndices.Length;
        if (testSet.Targets.Length != (long)rows * testSet.TargetWidth)
            throw new ArgumentException(
                $"NewCampaign.TestSet.Targets has {testSet.Targets.Length} values; {rows} rows × width {testSet.TargetWidth} need {(long)rows * testSet.TargetWidth}.",
                nameof(testSet));
        if (testSet.Ids is not null && testSet.Ids.Length != rows)
            throw new ArgumentException($"NewCampaign.TestSet.Ids has {testSet.Ids.Length} entries for {rows} rows.", nameof(testSet));
        var negative = Array.FindIndex(testSet.RowIndices, row => row < 0);
        if (negative >= 0)
            throw new ArgumentException($"NewCampaign.TestSet.RowIndices[{negative}] is negative ({testSet.RowIndices[negative]}).", nameof(testSet));
    }

    private static bool IsJsonObject(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return false;
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
