namespace EnsembleFarm.Domain.Prediction;

/// <summary>What a prediction run did.</summary>
/// <param name="Rows">Data rows read and predicted.</param>
/// <param name="WithIds">Whether the output carries the input's id column.</param>
public sealed record PredictionSummary(int Rows, bool WithIds);
