namespace EnsembleFarm.Domain.Prediction;

/// <summary>How <see cref="EnsemblePredictor.Predict"/> reads its input and uses the machine.</summary>
/// <param name="IdColumn">A column copied to the output as <c>id</c> when the input's header has it (the campaign's id column); null for none.</param>
/// <param name="Threads">Worker threads, each predicting whole batches with every member; 0 for one per core. A reader and the writer run besides them.</param>
public sealed record PredictOptions(string? IdColumn = null, int Threads = 0)
{
    /// <summary>No id column; one worker per core.</summary>
    public static PredictOptions Default { get; } = new();
}
