using System.Runtime.InteropServices;
using System.Text.Json;

namespace EnsembleFarm.TrainerAccuracy;

/// <summary>
/// What one trainer produced for every member, in member index order. Kept in a side's folder of the export (the format
/// bench/trainer_accuracy.py writes: member-NNN.f32 and member-NNN.json per member, and side.json), so that a comparison
/// can be reported again without training again.
/// </summary>
/// <param name="Predictions">P(y = 1) per test row, in test-part order.</param>
/// <param name="Epochs">Epochs run (early stopping included).</param>
/// <param name="MemberSeconds">Each member's training and test prediction, as its side timed it.</param>
/// <param name="WallSeconds">The whole side, from the first member's start to the last one's end.</param>
internal sealed record SideResult(string Name, float[][] Predictions, int[] Epochs, double[] MemberSeconds, double WallSeconds)
{
    public static void SaveMember(string folder, int index, float[] predictions, int epochs, double seconds)
    {
        File.WriteAllBytes(Path.Combine(folder, $"member-{index:000}.f32"), MemoryMarshal.AsBytes(predictions.AsSpan()).ToArray());
        File.WriteAllText(Path.Combine(folder, $"member-{index:000}.json"), JsonSerializer.Serialize(new { epochs, seconds }));
    }

    public static void SaveSide(string folder, string name, double wallSeconds) =>
        File.WriteAllText(Path.Combine(folder, "side.json"), JsonSerializer.Serialize(new { name, wall_seconds = wallSeconds }));

    public static SideResult Load(string folder, int members)
    {
        using var side = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "side.json")));
        var predictions = new float[members][];
        var epochs = new int[members];
        var seconds = new double[members];
        for (var i = 0; i < members; i++)
        {
            predictions[i] = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder, $"member-{i:000}.f32"))).ToArray();
            using var member = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, $"member-{i:000}.json")));
            epochs[i] = member.RootElement.GetProperty("epochs").GetInt32();
            seconds[i] = member.RootElement.GetProperty("seconds").GetDouble();
        }
        return new SideResult(side.RootElement.GetProperty("name").GetString()!, predictions, epochs, seconds,
            side.RootElement.GetProperty("wall_seconds").GetDouble());
    }
}
