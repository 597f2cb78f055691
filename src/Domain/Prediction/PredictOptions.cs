namespace EnsembleFarm.Domain.Prediction;

/// <summary>How <see cref="EnsemblePredictor.Predict"/> reads its input and uses the machine.</summary>
/// <param name="IdColumn">A column copied to the output as <c>id</c> when the input's header has it (the campaign's id column); null for none.</param>
/// <param name="Threads">Members run in parallel on this many threads; 0 for every core.</param>
public sealed record PredictOptions(string? IdColumn = null, int Threads = 0)
{
    public static PredictOptions Default { get; } = new();
}
