namespace EnsembleFarm.Models;

/// <summary>What a network predicts; it fixes the output layer, the default loss and the metrics.</summary>
public enum TaskKind
{
    /// <summary>One logit; predictions are P(y = 1).</summary>
    Binary,
    /// <summary>K logits with softmax; targets are class indices 0..K-1.</summary>
    Multiclass,
    /// <summary>One or more real-valued outputs.</summary>
    Regression,
}
