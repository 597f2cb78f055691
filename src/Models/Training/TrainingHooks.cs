namespace EnsembleFarm.Models.Training;

/// <summary>Observation points inside the training loop, for tests.</summary>
internal sealed class TrainingHooks
{
    public delegate void AdversarialBatchObserver(ReadOnlySpan<float> clean, ReadOnlySpan<float> inputGradient, ReadOnlySpan<float> perturbed);

    /// <summary>Called for each FGSM batch with the standardised clean inputs, ∇x J and the perturbed inputs.</summary>
    public AdversarialBatchObserver? OnAdversarialBatch { get; init; }
}
