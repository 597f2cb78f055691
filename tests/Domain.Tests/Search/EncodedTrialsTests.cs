using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;
using EnsembleFarm.Store;
using Xunit;

namespace EnsembleFarm.Domain.Tests.Search;

/// <summary>The rows and keys kept between suggestions are always those of the context at hand, whatever changed since the last.</summary>
public class EncodedTrialsTests
{
    private static readonly Objective[] Loss = [Objective.Minimize("loss")];

    private static void AssertFresh(EncodedTrials kept, SearchContext context)
    {
        kept.Update(context);
        var codec = new SpaceCodec(context.Space);
        var rows = context.Trials.Select(t => codec.Encode(t.Params)).ToArray();
        for (var i = 0; i < context.Trials.Count; i++) Assert.Equal(rows[i], kept.Row(i).ToArray());
        Assert.True(kept.Taken.SetEquals(SpaceSampling.Taken(context)));
        // A stable sort of the positions by value (NaN, an inactive parameter, first), whether the order was kept or made now.
        for (var column = 0; column < codec.Count; column++)
            Assert.Equal(Enumerable.Range(0, rows.Length).OrderBy(i => rows[i][column]).ToArray(), kept.ByValue(column).ToArray());
    }

    [Fact]
    public void Rows_and_keys_follow_trials_added_replaced_dropped_and_a_change_of_space()
    {
        var space = TestFunctions.ArchitectureSpace;
        var trials = StudyRunner.Run(new RandomSampler(new() { Seed = 2 }), space, TestFunctions.ArchitectureLoss, 40);
        var kept = new EncodedTrials();

        AssertFresh(kept, new SearchContext(space, Loss, trials[..25]));
        AssertFresh(kept, new SearchContext(space, Loss, trials[..26]));
        AssertFresh(kept, new SearchContext(space, Loss, [.. trials[..30], trials[5], trials[5], trials[0]]));
        AssertFresh(kept, new SearchContext(space, Loss, trials));
        trials[3] = trials[3] with { Params = trials[30].Params };
        trials[4] = trials[4] with { State = TrialState.Running, Values = [] };
        AssertFresh(kept, new SearchContext(space, Loss, trials));
        AssertFresh(kept, new SearchContext(space, Loss, trials[7..]));
        var box = TestFunctions.Box(2);
        AssertFresh(kept, new SearchContext(box, Loss, StudyRunner.Run(new RandomSampler(new() { Seed = 3 }), box, TestFunctions.ShiftedQuadratic, 60)));
        AssertFresh(kept, new SearchContext(space, Loss, trials));
    }
}
