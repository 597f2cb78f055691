namespace EnsembleFarm.Store;

/// <summary>A trial handed to a silo by a claim, with what it needs to run it.</summary>
[GenerateSerializer(GenerateFieldIds = GenerateFieldIds.PublicProperties), Immutable]
/// <param name="GpuDevices">The silo's GPUs the trial was given (device ids), set by the silo when it starts the trial; empty for none.</param>
public sealed record ClaimedTrial(TrialRecord Trial, CampaignRecord Campaign, TrialLease Lease, IReadOnlyList<int>? GpuDevices = null)
{
    /// <summary>
    /// What the trainer's process gets as <c>CUDA_VISIBLE_DEVICES</c>: its GPUs, or the empty string for a trial given
    /// none, so that a CPU trial on a GPU node cannot take a GPU another trial holds.
    /// </summary>
    public string CudaVisibleDevices => string.Join(',', GpuDevices ?? []);
}
