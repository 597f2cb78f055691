namespace EnsembleFarm.Domain.Search;

/// <summary>
/// What a search optimises: one metric a trial reports (its final value, and per epoch for the pruners)
/// and which way is better. A search has one objective or several (a Pareto front).
/// </summary>
/// <param name="Metric">The metric's name as trials report it ("val_loss", "roc_auc").</param>
public sealed record Objective(string Metric, Direction Direction = Direction.Minimize)
{
    public static Objective Minimize(string metric) => new(metric, Direction.Minimize);

    public static Objective Maximize(string metric) => new(metric, Direction.Maximize);

    /// <summary>The value turned so that smaller is better: every sampler and pruner minimises internally.</summary>
    public double Loss(double value) => Direction == Direction.Minimize ? value : -value;

    /// <summary>Whether <paramref name="a"/> is strictly better than <paramref name="b"/>.</summary>
    public bool IsBetter(double a, double b) => Loss(a) < Loss(b);

    public override string ToString() => $"{(Direction == Direction.Minimize ? "minimize" : "maximize")} {Metric}";
}
