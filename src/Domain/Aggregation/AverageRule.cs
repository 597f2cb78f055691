using EnsembleFarm.Models;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// The mean of the members' outputs. Classification decides on the mean probability (binary:
/// mean(p) &gt; 0.5; multi-class: its arg-max); regression predicts the mean ("mean" rule).
/// </summary>
internal sealed class AverageRule(TaskKind task) : IEnsembleRule
{
    public RuleInfo Info { get; } = task switch
    {
        TaskKind.Binary => new RuleInfo("average", "mean(p) > 0.5", "average_p", []),
        TaskKind.Multiclass => new RuleInfo("average", "arg-max of the mean class probabilities", "average_p", []),
        _ => new RuleInfo("mean", "mean of the members' outputs", "mean", []),
    };

    public RuleOutput Combine(MemberPredictions members, int size)
    {
        var width = members.Width;
        var scores = new float[members.Rows * width];
        var decisions = task == TaskKind.Regression ? null : new int[members.Rows];
        var sums = new double[width];
        for (var row = 0; row < members.Rows; row++)
        {
            Array.Clear(sums);
            for (var m = 0; m < size; m++)
            {
                var values = members.Of(m, row);
                for (var c = 0; c < width; c++) sums[c] += values[c];
            }
            for (var c = 0; c < width; c++)
            {
                sums[c] /= size;
                scores[row * width + c] = (float)sums[c];
            }
            if (decisions is not null)
                decisions[row] = task == TaskKind.Binary ? ClassDecision.FromProbability(sums[0]) : ClassDecision.ArgMax(sums);
        }
        return new RuleOutput(scores, width, decisions);
    }
}
