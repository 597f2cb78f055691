using EnsembleFarm.Client.Connection;
using EnsembleFarm.Client.Output;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.Models;
using EnsembleFarm.Store;

namespace EnsembleFarm.Client.Commands;

/// <summary>A campaign's results as <c>results</c>, <c>compare</c> and <c>report</c> show them: its stored data and the report computed from it.</summary>
internal sealed record CampaignResults(CampaignResultsData Data, EnsembleReport Report)
{
    public CampaignRecord Campaign => Data.Campaign;

    /// <param name="sizeCurveIntervals">Also compute the size curve's intervals (a bootstrap per size: the report's bands).</param>
    /// <exception cref="FarmCliException">No campaign has that id (exit 3), it is a search (exit 2), or none of its members has completed (exit 1).</exception>
    public static async Task<CampaignResults> LoadAsync(IFarmConnection farm, long campaignId, bool sizeCurveIntervals, CancellationToken ct)
    {
        var data = await farm.ResultsDataAsync(campaignId, ct) ?? throw FarmCli.NotFound(campaignId);
        FarmCli.RefuseSearch(data.Campaign, "combining its trials");
        if (data.Predictions.Count == 0) throw FarmCli.NoCompletedMember(data.Campaign, "no results");
        var task = TaskNames.Parse(data.Campaign.Task);
        // The aggregation is CPU work: off the caller's thread, so a cancellation is noticed when it ends.
        var report = await Task.Run(() => EnsembleAggregator.Aggregate(task, ClassCount(task, data.Predictions), data.TestSet, data.Predictions,
            sizeCurveIntervals: sizeCurveIntervals), ct);
        return new CampaignResults(data, report);
    }

    /// <summary>Says the results stand on fewer members than the campaign planned, and why; null when all completed.</summary>
    public string? Partial()
    {
        var (campaign, progress) = (Data.Campaign, Data.Progress);
        if (Report.Members == progress.Total) return null;
        var why = campaign.State switch
        {
            CampaignState.Queued or CampaignState.Running => $"is {Formats.State(campaign.State)}",
            CampaignState.Cancelled => "was cancelled",
            CampaignState.Failed => "failed",
            _ => $"completed with {progress.Failed} failed members",
        };
        return $"partial results: campaign {campaign.Id} {why}; these are the {Report.Members} of its {progress.Total} members that completed";
    }

    /// <summary>A multi-class member predicts one probability per class; binary is 2 classes, regression none.</summary>
    private static int ClassCount(TaskKind task, IReadOnlyList<TrialPredictions> predictions) => task switch
    {
        TaskKind.Binary => 2,
        TaskKind.Multiclass => predictions[0].PredictionWidth,
        _ => 0,
    };
}
