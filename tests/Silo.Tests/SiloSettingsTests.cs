using System.Net;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Grains.Running;
using Microsoft.Extensions.Configuration;

namespace EnsembleFarm.Silo.Tests;

/// <summary>The silo's settings come from configuration (what Aspire and Kubernetes set) with flags as overrides.</summary>
public sealed class SiloSettingsTests
{
    private static (SiloSettings? Settings, IReadOnlyList<string> Errors) Read(IDictionary<string, string?>? environment = null, params string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment ?? new Dictionary<string, string?>())
            .AddCommandLine(args, SiloSettings.SwitchMappings)
            .Build();
        return SiloSettings.Read(configuration);
    }

    [Fact]
    public void Defaults_AreOneSlotPerCore_TheFarmsOwnPorts_OnLoopback_AndAThirtySecondLease()
    {
        var (settings, errors) = Read();

        Assert.Empty(errors);
        Assert.Equal(
            new SiloSettings(settings!.Store, Environment.ProcessorCount, FarmDefaults.ClusterId, Environment.MachineName, IPAddress.Loopback, FarmDefaults.SiloPort,
                FarmDefaults.GatewayPort, FarmDefaults.HttpPort, TimeSpan.FromSeconds(30), DrainMode.Finish, TimeSpan.FromSeconds(60)),
            settings);
        Assert.False(settings.IsCluster);
        Assert.Equal((GpuSelection.Auto, 1, null), (settings.Gpus, settings.TrialsPerGpu, settings.Commands));
    }

    [Fact]
    public void EverySetting_IsReadFromConfiguration_AndAFlagOverridesIt()
    {
        var environment = new Dictionary<string, string?>
        {
            ["EnsembleFarm:Store"] = "Host=db;Username=farm;Password=x;Database=farm",
            ["EnsembleFarm:Silo:Slots"] = "8",
            ["EnsembleFarm:Silo:ClusterId"] = "physics",
            ["EnsembleFarm:Silo:Name"] = "farm-silo-7d9c-x2",
            ["EnsembleFarm:Silo:Address"] = "10.1.2.3",
            ["EnsembleFarm:Silo:SiloPort"] = "31000",
            ["EnsembleFarm:Silo:GatewayPort"] = "31001",
            ["EnsembleFarm:Silo:HttpPort"] = "31002",
            ["EnsembleFarm:Silo:Lease"] = "2m",
            ["EnsembleFarm:Silo:Drain"] = "release",
            ["EnsembleFarm:Silo:DrainTimeout"] = "90s",
            ["EnsembleFarm:Silo:Gpus"] = "auto",
            ["EnsembleFarm:Silo:TrialsPerGpu"] = "2",
            ["EnsembleFarm:Silo:Commands:pytorch"] = "/usr/bin/python3 /opt/ensemblefarm/trainers/pytorch_trainer.py",
            ["EnsembleFarm:Silo:Commands:cnn-v2"] = " /opt/cnn/train ",
        };

        var (settings, errors) = Read(environment, "--slots", "3", "--drain-timeout", "5s", "--gpus", "2,0");

        Assert.Empty(errors);
        Assert.Equal(
            new SiloSettings("Host=db;Username=farm;Password=x;Database=farm", 3, "physics", "farm-silo-7d9c-x2", IPAddress.Parse("10.1.2.3"), 31000, 31001, 31002,
                TimeSpan.FromMinutes(2), DrainMode.Release, TimeSpan.FromSeconds(5), SiloTrainer.BuiltIn, GpuSelection.Of(2, 0), 2),
            settings! with { Commands = null });
        Assert.True(settings.IsCluster);
        Assert.Equal(
            new Dictionary<string, string> { ["pytorch"] = "/usr/bin/python3 /opt/ensemblefarm/trainers/pytorch_trainer.py", ["cnn-v2"] = "/opt/cnn/train" },
            settings.Commands);
        Assert.Equal("/opt/cnn/train", settings.Commands!["CNN-V2"]);
    }

    [Theory]
    [InlineData("auto", null)]
    [InlineData("AUTO", null)]
    [InlineData("none", new int[0])]
    [InlineData("0", new[] { 0 })]
    [InlineData(" 3 , 1 ", new[] { 3, 1 })]
    public void Gpus_AreAutoNoneOrAListOfDeviceIds(string text, int[]? ids)
    {
        var (settings, errors) = Read(null, "--gpus", text);

        Assert.Empty(errors);
        Assert.Equal(ids is null ? GpuSelection.Auto : GpuSelection.Of(ids), settings!.Gpus);
        Assert.Equal(ids is null ? "auto" : ids.Length == 0 ? "none" : string.Join(',', ids), settings.Gpus.ToString());
    }

    [Theory]
    [InlineData("EnsembleFarm:Silo:Commands:pytorch", "  ", "EnsembleFarm__Silo__Commands__pytorch: the alias 'pytorch' names no command line")]
    [InlineData("EnsembleFarm:Silo:Commands:py torch", "/bin/true", "EnsembleFarm__Silo__Commands__py torch: the alias 'py torch' may hold only letters, digits, '-' and '_'")]
    [InlineData("EnsembleFarm:Silo:Commands:pytorch:gpu", "/bin/true", "EnsembleFarm__Silo__Commands__pytorch: the alias 'pytorch' names no command line")]
    public void ACommandWithoutACommandLineOrWithAnOddAlias_IsRefused_NamingItsVariable(string key, string value, string expected)
    {
        var (settings, errors) = Read(new Dictionary<string, string?> { [key] = value });

        Assert.Null(settings);
        Assert.Equal(expected, Assert.Single(errors));
    }

    [Theory]
    [InlineData("--slots", "0", "--slots (or EnsembleFarm__Silo__Slots): '0' is not a whole number of at least 1")]
    [InlineData("--slots", "many", "--slots (or EnsembleFarm__Silo__Slots): 'many' is not a whole number of at least 1")]
    [InlineData("--gateway-port", "70000", "--gateway-port (or EnsembleFarm__Silo__GatewayPort): '70000' is not a port from 1 to 65535")]
    [InlineData("--address", "localhost", "--address (or EnsembleFarm__Silo__Address): 'localhost' is not an IP address such as 10.0.0.5")]
    [InlineData("--lease", "soon", "--lease (or EnsembleFarm__Silo__Lease): 'soon' is not a duration such as 30s or 2m")]
    [InlineData("--drain", "wait", "--drain (or EnsembleFarm__Silo__Drain): 'wait' is not finish or release")]
    [InlineData("--trainer", "pytorch", "--trainer (or EnsembleFarm__Silo__Trainer): 'pytorch' is not builtin or none")]
    [InlineData("--gpus", "0,0", "--gpus (or EnsembleFarm__Silo__Gpus): '0,0' is not auto, none or distinct GPU ids such as 0,1")]
    [InlineData("--gpus", "-1", "--gpus (or EnsembleFarm__Silo__Gpus): '-1' is not auto, none or distinct GPU ids such as 0,1")]
    [InlineData("--gpus", "gpu0", "--gpus (or EnsembleFarm__Silo__Gpus): 'gpu0' is not auto, none or distinct GPU ids such as 0,1")]
    [InlineData("--gpus", "0,", "--gpus (or EnsembleFarm__Silo__Gpus): '0,' is not auto, none or distinct GPU ids such as 0,1")]
    [InlineData("--trials-per-gpu", "0", "--trials-per-gpu (or EnsembleFarm__Silo__TrialsPerGpu): '0' is not a whole number of at least 1")]
    [InlineData("--http-port", "21112", "--silo-port (21111), --gateway-port (21112) and --http-port (21112) must differ")]
    public void ABadValue_IsRefused_NamingTheFlagAndTheVariable(string flag, string value, string expected)
    {
        var (settings, errors) = Read(null, flag, value);

        Assert.Null(settings);
        Assert.Equal(expected, Assert.Single(errors));
    }

    [Fact]
    public void UnknownFlags_AreFound_RatherThanTakenSilently()
    {
        Assert.Equal(["--slot", "--id"], SiloHost.UnknownFlags(["--slot", "4", "--store=x.db", "--id", "a", SiloHost.InitStoreFlag]));
    }

    [Fact]
    public void Help_ListsEverySettingWithItsVariable()
    {
        var help = SiloHost.Help();

        Assert.All(SiloSettings.All, s => Assert.Contains($"  {s.Flag}", help));
        Assert.Contains("variable: EnsembleFarm__Silo__DrainTimeout", help);
        Assert.Contains(SiloHost.ReadyPath, help);
        Assert.Contains(SiloHost.InitStoreFlag, help);
        Assert.Contains("variable: EnsembleFarm__Silo__Commands__<alias>", help);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5", 1_500)]
    public void Duration_ReadsUnitsAndPlainSeconds(string text, double milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fast")]
    [InlineData("10 parsecs")]
    [InlineData("NaN")]
    public void Duration_RefusesWhatIsNotADuration(string text) => Assert.False(Duration.TryParse(text, out _));
}
