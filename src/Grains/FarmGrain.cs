using EnsembleFarm.Domain.Planning;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Models.Data;
using EnsembleFarm.Store;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Core.Internal;

namespace EnsembleFarm.Grains;

/// <summary>The farm's front door (see <see cref="IFarmGrain"/>): a stateless worker, so any silo answers and reads scale out.</summary>
[StatelessWorker]
internal sealed partial class FarmGrain(IFarmStore store, ILogger<FarmGrain> logger) : Grain, IFarmGrain
{
    private IDispatcherGrain Dispatcher => GrainFactory.GetGrain<IDispatcherGrain>(0);

    public async Task<SubmitResult> SubmitAsync(SubmitRequest request)
    {
        CampaignSubmission submission;
        try
        {
            var (configurations, warning) = await SearchConfigurations.ForAsync(store, request.SpecYaml, request.SpecDirectory, request.SpecName);
            // Reading and planning a data set takes a while: off the grain's scheduler, whose thread serves other calls.
            submission = await Task.Run(() => CampaignSubmission.Prepare(request.SpecYaml, request.SpecDirectory, request.SpecName, configurations));
            if (warning is not null) submission = submission with { Warnings = [warning, .. submission.Warnings] };
        }
        catch (Exception e) when (e is SpecException or DataFormatException)
        {
            return SubmitResult.Refused(SubmitOutcome.Refused, [e.Message]);
        }

        if (request.Resume && await store.FindOpenCampaignAsync(submission.Campaign.SubmissionKey) is { } unfinished)
        {
            await GrainFactory.GetGrain<ICampaignGrain>(unfinished.Id).StartAsync();
            LogResumed(unfinished.Id, unfinished.Name);
            return Accepted(SubmitOutcome.Resumed, unfinished, submission);
        }

        var resources = submission.Spec.Resources;
        var capacity = await Dispatcher.GetCapacityAsync();
        if (capacity.WhyNot(resources.Slots) is { } whyNot)
            return SubmitResult.Refused(SubmitOutcome.CannotRun,
                [$"{request.SpecName}: resources.slots: {whyNot}, so no silo of this cluster could ever run it; lower resources.slots (or training.threads) or add a larger silo"]);
        if (capacity.WhyNot(resources.Slots, resources.Gpus) is { } noGpus)
            return SubmitResult.Refused(SubmitOutcome.CannotRun,
                [$"{request.SpecName}: resources.gpus: {noGpus}, so no silo of this cluster could ever run it; lower resources.gpus or add silos with GPUs (docs/silo.md, GPUs)"]);

        if (submission.Spec.Trainer.Command is { } alias && (await Dispatcher.GetCapacityAsync()).WhyNotCommand(alias) is { } notAllowed)
            return SubmitResult.Refused(SubmitOutcome.CannotRun, [$"{request.SpecName}: trainer: {notAllowed}"]);

        var id = await submission.SubmitAsync(store);
        var campaign = await store.GetCampaignAsync(id) ?? throw new InvalidOperationException($"campaign {id} vanished after it was written");
        await GrainFactory.GetGrain<ICampaignGrain>(id).StartAsync();
        LogSubmitted(id, campaign.Name, submission.Trials.Count);
        return Accepted(SubmitOutcome.Created, campaign, submission);
    }

    public Task<IReadOnlyList<CampaignListing>> ListCampaignsAsync() => StoreQueries.ListAsync(store);

    public async Task<CampaignStatus?> GetStatusAsync(long campaignId)
    {
        var status = await StoreQueries.StatusAsync(store, campaignId);
        if (status is null || status.Progress.Queued == 0) return status;
        return status with { Waiting = await GrainFactory.GetGrain<ICampaignGrain>(campaignId).GetWaitingAsync() };
    }

    public Task<CampaignResultsData?> GetResultsDataAsync(long campaignId) => StoreQueries.ResultsAsync(store, campaignId);

    public Task<CampaignModels?> GetModelsAsync(long campaignId, IReadOnlyList<int>? members) =>
        StoreQueries.ModelsAsync(store, campaignId, members);

    public Task<CampaignCurves?> GetCurvesAsync(long campaignId) => StoreQueries.CurvesAsync(store, campaignId);

    public async Task<CampaignDeletion> DeleteCampaignAsync(long campaignId)
    {
        var deletion = await store.DeleteCampaignAsync(campaignId);
        if (deletion != CampaignDeletion.Deleted) return deletion;
        // The campaign grain caches the campaign: an activation that outlived the deletion would still answer for it.
        await GrainFactory.GetGrain<ICampaignGrain>(campaignId).Cast<IGrainManagementExtension>().DeactivateOnIdle();
        LogDeleted(campaignId);
        return deletion;
    }

    public Task<IReadOnlyList<SiloReport>> ListSilosAsync() => Dispatcher.ListSilosAsync();

    private static SubmitResult Accepted(SubmitOutcome outcome, CampaignRecord campaign, CampaignSubmission submission) =>
        new(outcome, campaign, submission.Trials.Count, submission.Campaign.TestSet.RowIndices.Length, [], submission.Warnings);

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId} '{Name}' submitted: {Trials} trials")]
    private partial void LogSubmitted(long campaignId, string name, int trials);

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId} '{Name}' resumed by a resubmission")]
    private partial void LogResumed(long campaignId, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId} deleted")]
    private partial void LogDeleted(long campaignId);
}
