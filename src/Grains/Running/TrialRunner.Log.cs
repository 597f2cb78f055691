using Microsoft.Extensions.Logging;

namespace EnsembleFarm.Grains.Running;

// Trials are named as users see them, "campaign 3 #12" (the member number `farm status` shows), with the store's
// trial id only where an operator would need it to look a row up.
public sealed partial class TrialRunner
{
    [LoggerMessage(Level = LogLevel.Information, Message = "silo {SiloId} ready with {Slots} slots and {Gpus}")]
    private partial void LogReady(string siloId, int slots, string gpus);

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId} #{Index} started (attempt {Attempt}, trial id {TrialId}, slots {Slots})")]
    private partial void LogStarted(long campaignId, int index, int attempt, long trialId, string slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId} #{Index} completed in {Seconds:F1} s")]
    private partial void LogCompleted(long campaignId, int index, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "campaign {CampaignId} #{Index} failed on attempt {Attempt}: {Error}")]
    private partial void LogTrialFailed(long campaignId, int index, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId} #{Index} pruned at epoch {Step}: {Reason}")]
    private partial void LogPruned(long campaignId, int index, int step, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId} #{Index} given back to the queue")]
    private partial void LogReleased(long campaignId, int index);

    [LoggerMessage(Level = LogLevel.Warning, Message = "campaign {CampaignId} #{Index} is no longer this silo's (its campaign ended, or it was handed to another silo); dropped")]
    private partial void LogNoLongerOurs(long campaignId, int index);

    [LoggerMessage(Level = LogLevel.Warning, Message = "campaign {CampaignId} #{Index} finished after it stopped being this silo's; result discarded")]
    private partial void LogResultDiscarded(long campaignId, int index);

    [LoggerMessage(Level = LogLevel.Error, Message = "campaign {CampaignId} failed: {Reason}")]
    private partial void LogCampaignFailed(long campaignId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "campaign {CampaignId} #{Index}: could not write to the store ({Error}); its lease will expire and it will be retried")]
    private partial void LogStoreWriteFailed(Exception exception, long campaignId, int index, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "could not tell campaign {CampaignId} that trial id {TrialId} ended ({Error}); it will see it in the store")]
    private partial void LogTellFailed(long campaignId, long trialId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "campaign {CampaignId} trial id {TrialId} was claimed for this silo (attempt {Attempt}) but the claim never reached it; given back to the queue")]
    private partial void LogStrayReleased(long campaignId, long trialId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "asking for work failed: {Error}")]
    private partial void LogPullFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "reporting to the dispatcher failed: {Error}")]
    private partial void LogReportFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "renewing leases failed: {Error}")]
    private partial void LogRenewFailed(string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "draining: {Count} trials running ({Mode})")]
    private partial void LogDraining(int count, DrainMode mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "giving back {Count} unfinished trials")]
    private partial void LogReleasing(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "stopped before {Count} trials finished giving back their slots; the cluster requeues them when it sees this silo gone")]
    private partial void LogDrainCut(int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "the store cannot be used any more; stopping the silo and its trials: {Error}")]
    private partial void LogStoreLost(string error);
}
