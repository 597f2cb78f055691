namespace EnsembleFarm.Grains.Tests;

/// <summary>A stopping silo waits for its components' loops only as long as its stop token allows.</summary>
public sealed class SiloStopTests
{
    [Fact(Timeout = 30_000)]
    public async Task AKilledSilo_DoesNotWaitForALoopStuckInACallThatNeverAnswers()
    {
        var neverAnswered = new TaskCompletionSource().Task;
        using var killed = new CancellationTokenSource();
        await killed.CancelAsync();

        await SiloStop.WaitForLoopsAsync(neverAnswered, killed.Token);

        Assert.False(neverAnswered.IsCompleted);
    }

    [Fact(Timeout = 30_000)]
    public async Task AGracefulStop_WaitsForTheLoopsToEnd_UntilItsTokenRunsOut()
    {
        var loop = new TaskCompletionSource();
        using var stop = new CancellationTokenSource();
        var waiting = SiloStop.WaitForLoopsAsync(loop.Task, stop.Token);

        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(waiting.IsCompleted);
        loop.SetResult();
        await waiting;

        var stuck = new TaskCompletionSource().Task;
        var cut = SiloStop.WaitForLoopsAsync(stuck, stop.Token);
        await stop.CancelAsync();
        await cut;
        Assert.False(stuck.IsCompleted);
    }
}
