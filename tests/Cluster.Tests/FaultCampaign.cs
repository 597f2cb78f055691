using EnsembleFarm.TestKit;

namespace EnsembleFarm.Cluster.Tests;

/// <summary>
/// The campaign every fault test runs: 60 members on small data, each training for a few tenths of a second (long
/// enough to be caught mid-training), and what it must come to, computed once without the farm.
/// </summary>
public sealed class FaultCampaign : IDisposable
{
    public const int Members = 60;

    private readonly TempFolder _folder = new("farm-faults-");
    private readonly Lazy<DirectEnsemble> _expected;

    public FaultCampaign()
    {
        SmallCampaign.WriteDataset(_folder.Path, rows: 2000);
        SpecYaml = SmallCampaign.SpecYaml(Members, epochs: 40, name: "faults", retries: 2, hidden: 24);
        SpecPath = _folder["faults.yaml"];
        File.WriteAllText(SpecPath, SpecYaml);
        _expected = new Lazy<DirectEnsemble>(() => DirectEnsemble.Compute(SpecYaml, _folder.Path));
    }

    public string SpecYaml { get; }

    public string SpecPath { get; }

    public string Folder => _folder.Path;

    internal DirectEnsemble Expected => _expected.Value;

    public void Dispose() => _folder.Dispose();
}
