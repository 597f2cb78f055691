using EnsembleFarm.Deploy.Tests.Checks;

namespace EnsembleFarm.Deploy.Tests;

/// <summary>deploy/systemd's unit and environment file run farm-silo as docs/cluster.md says, with settings it reads.</summary>
public sealed class SystemdTests
{
    [Fact]
    public void TheUnitAndItsEnvironmentFile_AgreeWithTheSilo() =>
        Assert.Empty(SystemdChecks.Problems(File.ReadAllText(SystemdChecks.UnitPath), File.ReadAllText(SystemdChecks.EnvironmentPath)));

    [Theory]
    [InlineData("TimeoutStopSec=120", "TimeoutStopSec=60", "TimeoutStopSec 60 must exceed the drain timeout 60s + 30s")]
    [InlineData("KillMode=mixed", "", "KillMode must be mixed")]
    [InlineData("ExecStart=/opt/ensemblefarm/silo/farm-silo", "ExecStart=/opt/ensemblefarm/silo/farm-silo --slot 4", "farm-silo has no option --slot")]
    [InlineData("ExecStartPre=/opt/ensemblefarm/silo/farm-silo --init-store", "", "ExecStartPre does not run farm-silo --init-store")]
    public void AUnitThatNoLongerMatchesTheSilo_IsRejected(string original, string changed, string expected)
    {
        var unit = File.ReadAllText(SystemdChecks.UnitPath);
        Assert.Contains(original, unit);

        var problems = SystemdChecks.Problems(unit.Replace(original, changed, StringComparison.Ordinal), File.ReadAllText(SystemdChecks.EnvironmentPath));

        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AnEnvironmentFileWithAVariableThatIsNoSetting_IsRejected()
    {
        var environment = File.ReadAllText(SystemdChecks.EnvironmentPath).Replace("EnsembleFarm__Silo__Slots=", "EnsembleFarm__Silo__Slot=", StringComparison.Ordinal);

        var problems = SystemdChecks.Problems(File.ReadAllText(SystemdChecks.UnitPath), environment);

        Assert.Contains(problems, p => p.Contains("EnsembleFarm__Silo__Slot is no setting farm-silo reads", StringComparison.Ordinal));
    }
}
