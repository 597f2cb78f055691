namespace EnsembleFarm.Bench;

/// <summary>
/// One benchmark network: layer widths input side first (the last is the output), the batch size, and how much
/// data one timed repetition trains on. bench/pytorch_mlp.py builds the same networks from the same numbers.
/// </summary>
internal sealed record MlpShape(string Name, IReadOnlyList<int> Widths, int BatchSize, int Rows, int Epochs)
{
    /// <summary>Output width 1: binary cross-entropy on one logit; wider: softmax cross-entropy over that many classes.</summary>
    public int Classes => Widths[^1] == 1 ? 2 : Widths[^1];
}

internal static class MlpShapes
{
    // Rows × epochs sized so that one timed fit takes about a second on one quiet Zen 4 core: shorter fits (0.1 s)
    // swung with every scheduler hiccup on the shared machine.
    public static readonly IReadOnlyList<MlpShape> All =
    [
        new("mlp-10", [10, 64, 64, 1], 256, 16384, 40),
        new("mlp-81", [81, 128, 128, 128, 1], 256, 16384, 12),
        new("mlp-914", [914, 256, 128, 4], 64, 4096, 8),
    ];

    public static MlpShape Find(string name) =>
        All.FirstOrDefault(s => s.Name == name)
        ?? throw new ArgumentException($"Unknown network '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}.", nameof(name));
}
