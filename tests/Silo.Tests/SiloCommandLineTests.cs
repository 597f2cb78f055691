using Xunit;

namespace EnsembleFarm.Silo.Tests;

public sealed class SiloCommandLineTests
{
    private static (SiloOptions? Options, int ExitCode, string Output, string Error) Parse(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (options, exitCode) = SiloCommandLine.Parse(args, output, error);
        return (options, exitCode, output.ToString(), error.ToString());
    }

    [Fact]
    public void Defaults_AreOneSlotPerCoreAThirtySecondLeaseAndThreeHeartbeatsPerLease()
    {
        var (options, exitCode, _, _) = Parse();

        Assert.Equal(0, exitCode);
        Assert.NotNull(options);
        Assert.Equal((Environment.ProcessorCount, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(250)),
            (options.Slots, options.Lease, options.Heartbeat, options.Poll));
        Assert.Equal((DrainMode.Finish, TimeSpan.FromSeconds(60), false, (string?)null),
            (options.Drain, options.DrainTimeout, options.OnceIdleExit, options.Store));
        Assert.StartsWith($"{Environment.MachineName}-{Environment.ProcessId}-", options.Id);
    }

    [Fact]
    public void EveryOption_IsRead()
    {
        var (options, exitCode, _, error) = Parse(
            "--store", "sqlite:/tmp/f.db", "--slots", "3", "--id", "gpu-node-2", "--lease", "2s", "--heartbeat", "500ms",
            "--poll", "0.1", "--drain", "release", "--drain-timeout", "1m", "--once-idle-exit");

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Equal(
            new SiloOptions("sqlite:/tmp/f.db", 3, "gpu-node-2", TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500),
                TimeSpan.FromMilliseconds(100), DrainMode.Release, TimeSpan.FromMinutes(1), OnceIdleExit: true),
            options);
    }

    [Fact]
    public void Heartbeat_DefaultsToAThirdOfTheGivenLease()
    {
        var (options, _, _, _) = Parse("--lease", "3s");

        Assert.Equal(TimeSpan.FromSeconds(1), options!.Heartbeat);
    }

    [Theory]
    [InlineData("--lease", "soon", "--lease")]
    [InlineData("--slots", "many", "--slots")]
    [InlineData("--slots", "0", "--slots must be at least 1")]
    [InlineData("--drain", "later", "finish or release")]
    [InlineData("--heartbeat", "30s", "--heartbeat (30s) must be shorter than --lease (30s)")]
    public void BadValues_ExitWithTwoAndNameTheOption(string option, string value, string expected)
    {
        var (options, exitCode, _, error) = Parse(option, value);

        Assert.Null(options);
        Assert.Equal(SiloExitCodes.BadArguments, exitCode);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void EnvironmentVariables_FillWhatTheCommandLineLeavesOut()
    {
        var slots = SiloCommandLine.EnvironmentVariable("--slots");
        var drainTimeout = SiloCommandLine.EnvironmentVariable("--drain-timeout");
        Assert.Equal(("ENSEMBLEFARM_SILO_SLOTS", "ENSEMBLEFARM_SILO_DRAIN_TIMEOUT"), (slots, drainTimeout));
        try
        {
            Environment.SetEnvironmentVariable(slots, "5");
            Environment.SetEnvironmentVariable(drainTimeout, "90s");

            var fromEnvironment = Parse().Options!;
            Assert.Equal((5, TimeSpan.FromSeconds(90)), (fromEnvironment.Slots, fromEnvironment.DrainTimeout));
            Assert.Equal(7, Parse("--slots", "7").Options!.Slots);

            Environment.SetEnvironmentVariable(slots, "lots");
            var (options, exitCode, _, error) = Parse();
            Assert.Null(options);
            Assert.Equal(SiloExitCodes.BadArguments, exitCode);
            Assert.Contains("ENSEMBLEFARM_SILO_SLOTS='lots'", error);
        }
        finally
        {
            Environment.SetEnvironmentVariable(slots, null);
            Environment.SetEnvironmentVariable(drainTimeout, null);
        }
    }

    [Fact]
    public void Help_ListsTheOptionsAndRunsNothing()
    {
        var (options, exitCode, output, _) = Parse("--help");

        Assert.Null(options);
        Assert.Equal(0, exitCode);
        Assert.Contains("--drain-timeout", output);
        Assert.Contains("--once-idle-exit", output);
    }

    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5", 1_500)]
    [InlineData(" 10S ", 10_000)]
    public void Duration_ReadsUnitsAndPlainSeconds(string text, double milliseconds)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("ten seconds")]
    [InlineData("1e300h")]
    [InlineData("NaN")]
    public void Duration_RefusesWhatIsNotADuration(string text) => Assert.False(Duration.TryParse(text, out _));
}
