namespace EnsembleFarm.TrainerAccuracy;

/// <summary>What one trainer produced for every member, in member index order.</summary>
/// <param name="Predictions">P(y = 1) per test row, in test-part order.</param>
/// <param name="Epochs">Epochs run (early stopping included).</param>
/// <param name="MemberSeconds">Each member's training and test prediction, as its side timed it.</param>
/// <param name="WallSeconds">The whole side, from the first member's start to the last one's end.</param>
internal sealed record SideResult(string Name, float[][] Predictions, int[] Epochs, double[] MemberSeconds, double WallSeconds);
