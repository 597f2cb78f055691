using EnsembleFarm.Models;
using EnsembleFarm.Models.Metrics;

namespace EnsembleFarm.Domain.Aggregation;

/// <summary>
/// Majority voting of the members' own decisions (binary: p &gt; 0.5; multi-class: arg-max).
/// Ties: a binary vote split exactly in half (30 of 60) goes to the average rule's decision,
/// mean(p) &gt; 0.5; a multi-class plurality tie goes to the tied class with the highest mean
/// probability (then the lowest class index). The binary rule is the multi-class one with K = 2.
/// The score of a row is the share of the votes, which is a probability estimate for the ROC and
/// calibration metrics but not for log loss: one unanimous miss would make it infinite, and clipping
/// would only measure the clip constant, so log loss is reported as undefined for the vote.
/// </summary>
internal sealed class VoteRule(TaskKind task, int classCount) : IEnsembleRule
{
    public const string BinaryTieRule = "a binary vote split exactly in half goes to the average rule's decision, mean(p) > 0.5";
    public const string MulticlassTieRule = "a plurality tie goes to the tied class with the highest mean probability, then the lowest class index";

    public RuleInfo Info { get; } = task == TaskKind.Binary
        ? new RuleInfo("vote", "mean(p > 0.5) > 0.5", "vote_fraction", [TaskMetrics.LogLoss])
        : new RuleInfo("vote", "plurality of the members' arg-max classes", "vote_fraction", [TaskMetrics.LogLoss]);

    public RuleOutput Combine(MemberPredictions members, int size) =>
        task == TaskKind.Binary ? CombineBinary(members, size) : CombineMulticlass(members, size);

    private static RuleOutput CombineBinary(MemberPredictions members, int size)
    {
        var scores = new float[members.Rows];
        var decisions = new int[members.Rows];
        for (var row = 0; row < members.Rows; row++)
        {
            var votes = 0;
            double sum = 0;
            for (var m = 0; m < size; m++)
            {
                var p = members.Of(m, row)[0];
                votes += ClassDecision.FromProbability(p);
                sum += p;
            }
            scores[row] = (float)votes / size;
            decisions[row] = (2 * votes).CompareTo(size) switch
            {
                > 0 => 1,
                < 0 => 0,
                _ => ClassDecision.FromProbability(sum / size),
            };
        }
        return new RuleOutput(scores, 1, decisions);
    }

    private RuleOutput CombineMulticlass(MemberPredictions members, int size)
    {
        var scores = new float[members.Rows * classCount];
        var decisions = new int[members.Rows];
        var votes = new int[classCount];
        var probabilitySums = new double[classCount];
        var own = new double[classCount];
        for (var row = 0; row < members.Rows; row++)
        {
            Array.Clear(votes);
            Array.Clear(probabilitySums);
            for (var m = 0; m < size; m++)
            {
                var probabilities = members.Of(m, row);
                for (var c = 0; c < classCount; c++)
                {
                    own[c] = probabilities[c];
                    probabilitySums[c] += probabilities[c];
                }
                votes[ClassDecision.ArgMax(own)]++;
            }
            var winner = 0;
            for (var c = 1; c < classCount; c++)
            {
                if (votes[c] > votes[winner] || votes[c] == votes[winner] && probabilitySums[c] > probabilitySums[winner]) winner = c;
            }
            decisions[row] = winner;
            for (var c = 0; c < classCount; c++) scores[row * classCount + c] = (float)votes[c] / size;
        }
        return new RuleOutput(scores, classCount, decisions);
    }
}
