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

        var averageP = (float)(((double)0.1f + 0.51f + 0.51f) / 3);
        Assert.Equal(
            "row,id,target,average_p,vote_fraction,average_decision,vote_decision\n"
            + $"17,\"run 1, event 5\",1,{Invariant(averageP)},{Invariant(2f / 3)},0,1\n"
            + $"42,\"say \"\"hi\"\"\",0,0.5,{Invariant(1f / 3)},0,0\n",
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

        Assert.Equal("row,target_0,target_1,mean_0,mean_1,median_0,median_1\n3,1,2,2,6,2,6\n", Csv(report));
    }
}
