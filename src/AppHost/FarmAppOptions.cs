namespace EnsembleFarm.AppHost;

/// <summary>What the AppHost runs, from its command line (paths already absolute).</summary>
/// <param name="SpecPath">The campaign to run.</param>
/// <param name="ClusterSilos">0: the local farm (one silo, SQLite); N: a cluster of N silos on a local PostgreSQL.</param>
/// <param name="SlotsPerSilo">Null: the machine's cores, shared evenly by the silos.</param>
/// <param name="KeepRunning">Leave the farm running after the campaign (until Ctrl+C), for more campaigns and the dashboard.</param>
/// <param name="StorePath">The local farm's SQLite store (the cluster keeps its PostgreSQL data beside it, in .farm/postgres).</param>
internal sealed record FarmAppOptions(string SpecPath, int ClusterSilos, int? SlotsPerSilo, bool KeepRunning, string StorePath)
{
    public bool IsCluster => ClusterSilos > 0;

    public int Silos => Math.Max(1, ClusterSilos);

    public int Slots => SlotsPerSilo ?? Math.Max(1, Environment.ProcessorCount / Silos);

    /// <summary>The folder the farm keeps its files in (the store, PostgreSQL's data).</summary>
    public string FarmFolder => Path.GetDirectoryName(StorePath)!;
}
