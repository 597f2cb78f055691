using EnsembleFarm.Grains.Training;
using EnsembleFarm.Store;

namespace EnsembleFarm.Silo.Training;

/// <summary>Trains each trial with what its campaign's spec asks for: the built-in trainer, or a command the operator allowed.</summary>
public sealed class TrainerChoice(CampaignCache campaigns, BuiltInTrainer builtIn, CommandTrainer command) : ITrialTrainer
{
    public async Task<TrialOutcome> TrainAsync(ClaimedTrial trial, ITrialProgress progress, CancellationToken ct)
    {
        var campaign = await campaigns.GetAsync(trial.Campaign);
        ITrialTrainer trainer = campaign.Spec.Trainer.IsBuiltIn ? builtIn : command;
        return await trainer.TrainAsync(trial, progress, ct);
    }
}
