namespace EnsembleFarm.Models.Data.Synthetic;

/// <summary>One kind of simulated event: what its columns are called, how finely each is recorded, and the next event.</summary>
internal interface IEventSource
{
    IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Decimal places kept per feature: the precision a detector would record, and what keeps the CSV short.</summary>
    IReadOnlyList<int> FeatureDecimals { get; }

    string TargetName { get; }

    int TargetDecimals { get; }

    /// <summary>Simulates the next accepted event into <paramref name="features"/> and returns its target.</summary>
    double Next(Span<double> features);
}
