namespace EnsembleFarm.Store;

/// <summary>What a completed trial leaves behind.</summary>
/// <param name="TestPredictions">On the campaign's test rows, in their order: P(y=1) per row (binary), K probabilities per row (multi-class), outputs per row (regression).</param>
/// <param name="PredictionWidth">Values per test row in <paramref name="TestPredictions"/>.</param>
/// <param name="ModelWeights">The model's weights in safetensors format.</param>
/// <param name="ModelJson">The model's architecture, task and feature standardisation.</param>
public sealed record TrialOutcome(
    IReadOnlyDictionary<string, double> FinalMetrics,
    float[] TestPredictions,
    int PredictionWidth,
    byte[] ModelWeights,
    string ModelJson);
