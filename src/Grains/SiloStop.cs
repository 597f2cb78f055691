namespace EnsembleFarm.Grains;

internal static class SiloStop
{
    /// <summary>
    /// Waits for a silo component's background loops to end, but no longer than the stop allows: a loop may be inside a
    /// grain call that a stopping silo never answers, and the silo's lifecycle waits for each stage however long it
    /// takes. A silo killed in the grain tests (its stop token already cancelled) hung so, about once in twenty
    /// whole-suite runs.
    /// </summary>
    public static async Task WaitForLoopsAsync(Task loops, CancellationToken stop)
    {
        try
        {
            await loops.WaitAsync(stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Left to end with the process; nothing they still do counts (the store fences what is no longer the silo's).
        }
    }
}
