using System.Globalization;
using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Store;
using EnsembleFarm.Models;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Aggregation;

public class RowPredictionsCsvTests
{
    private static string Csv(EnsembleReport report)
    {
        var writer = new StringWriter { NewLine = "\n" };
        RowPredictionsCsv.Write(report, writer);
        return writer.ToString();
    }

    private static string Invariant(float value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Binary_rows_carry_id_target_both_scores_and_both_decisions()
    {
        var testSet = new CampaignTestSet([17, 42], [1, 0], 1, ["run 1, event 5", "say \"hi\""]);
        var report = EnsembleAggregator.Aggregate(TaskKind.Binary, 2, testSet,
        [
            new TrialPredictions(1, 0, [0.1f, 0.25f], 1),
            new TrialPredictions(2, 1, [0.51f, 0.5f], 1),
            new TrialPredictions(3, 2, [0.51f, 0.75f], 1),
        ]);

        var mean = ((double)0.1f + 0.51f + 0.51f) / 3;
        var std = Math.Sqrt((Math.Pow(0.1f - mean, 2) + 2 * Math.Pow(0.51f - mean, 2)) / 2);
        // Three members: the 16 % quantile lies 0.32 of the way from the lowest to the middle value, the 84 % one 0.68 from the middle to the highest.
        var q16 = 0.1f + 0.32 * ((double)0.51f - 0.1f);
        Assert.Equal(
            "row,id,target,average_p,vote_fraction,average_decision,vote_decision,member_std,member_q16,member_q84\n"
            + $"17,\"run 1, event 5\",1,{Invariant((float)mean)},{Invariant(2f / 3)},0,1,{Invariant((float)std)},{Invariant((float)q16)},0.51\n"
            + $"42,\"say \"\"hi\"\"\",0,0.5,{Invariant(1f / 3)},0,0,0.25,0.33,0.67\n",
            Csv(report));
    }

    [Fact]
    public void Regression_rows_have_a_column_per_target_and_no_decisions()
    {
        var testSet = new CampaignTestSet([3], [1, 2], 2, null);
        var report = EnsembleAggregator.Aggregate(TaskKind.Regression, 0, testSet,
        [
            new TrialPredictions(1, 0, [1, 4], 2),
            new TrialPredictions(2, 1, [3, 8], 2),
        ]);

        Assert.Equal(
            "row,target_0,target_1,mean_0,mean_1,median_0,median_1,member_std_0,member_std_1,member_q16_0,member_q16_1,member_q84_0,member_q84_1\n"
            + $"3,1,2,2,6,2,6,{Invariant((float)Math.Sqrt(2))},{Invariant((float)Math.Sqrt(8))},1.32,4.64,2.68,7.36\n",
            Csv(report));
    }

    [Fact]
    public void Multiclass_rows_have_a_column_per_class_and_the_members_std_without_quantiles()
    {
        var testSet = new CampaignTestSet([0], [2], 1, null);
        var report = EnsembleAggregator.Aggregate(TaskKind.Multiclass, 3, testSet,
        [
            new TrialPredictions(1, 0, [0.5f, 0.25f, 0.25f], 3),
            new TrialPredictions(2, 1, [0.5f, 0.25f, 0.25f], 3),
        ]);

        Assert.Equal(
            "row,target,average_p_0,average_p_1,average_p_2,vote_fraction_0,vote_fraction_1,vote_fraction_2,"
            + "average_decision,vote_decision,member_std_0,member_std_1,member_std_2\n"
            + "0,2,0.5,0.25,0.25,1,0,0,0,0,0,0,0\n",
            Csv(report));
    }
}
