using System.Globalization;
using System.Net;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Grains.Running;
using EnsembleFarm.Store;
using Microsoft.Extensions.Configuration;

namespace EnsembleFarm.Silo;

/// <summary>
/// The settings of one silo, bound from configuration: appsettings.json, environment variables (what Aspire and
/// Kubernetes set, e.g. <c>EnsembleFarm__Silo__Slots=4</c>) and command-line flags, which override both.
/// One setting, the store, chooses the mode: a SQLite file gives a one-silo farm with localhost clustering; a
/// PostgreSQL connection string gives a cluster whose membership lives in the same database.
/// </summary>
/// <param name="Store">The store location (<see cref="FarmStoreFactory"/>); null: <c>$ENSEMBLEFARM_STORE</c>, else ./.farm/farm.db.</param>
/// <param name="Name">The silo's name: Orleans' silo name (its membership row) and the host <c>farm silos</c> shows (a pod's name in Kubernetes).</param>
/// <param name="Address">The IP address the silo listens on and tells other silos and clients (a pod's IP in Kubernetes).</param>
/// <param name="HttpPort">The health endpoints' port (<c>/health/live</c>, <c>/health/ready</c>).</param>
/// <param name="Gpus">The GPUs this silo offers.</param>
/// <param name="TrialsPerGpu">How many trials may share one GPU.</param>
/// <param name="Commands">The trainer commands this silo may run, by alias (case-insensitive); null when it allows none.</param>
/// <param name="TrainerMemory">Bytes of address space a command trainer may map; null: no limit.</param>
/// <param name="TrainerTimeout">How long one attempt of a command trainer may run; null: no limit.</param>
/// <param name="TrainerGrace">How long a command trainer has between SIGTERM and SIGKILL; null: 10 s.</param>
public sealed record SiloSettings(
    string? Store,
    int Slots,
    string ClusterId,
    string Name,
    IPAddress Address,
    int SiloPort,
    int GatewayPort,
    int HttpPort,
    TimeSpan Lease,
    DrainMode Drain,
    TimeSpan DrainTimeout,
    SiloTrainer Trainer = SiloTrainer.BuiltIn,
    GpuSelection Gpus = default,
    int TrialsPerGpu = 1,
    IReadOnlyDictionary<string, string>? Commands = null,
    long? TrainerMemory = null,
    TimeSpan? TrainerTimeout = null,
    TimeSpan? TrainerGrace = null)
{
    private const int DefaultSiloPort = FarmDefaults.SiloPort;
    private const int DefaultGatewayPort = FarmDefaults.GatewayPort;
    private const int DefaultHttpPort = FarmDefaults.HttpPort;
    private const string DefaultClusterId = FarmDefaults.ClusterId;

    public static readonly SiloSetting StoreSetting = new("EnsembleFarm:Store", "--store",
        "The store: a SQLite file (a one-silo farm) or a PostgreSQL connection string / postgres:// URL (a cluster)", "$ENSEMBLEFARM_STORE, else ./.farm/farm.db");
    public static readonly SiloSetting SlotsSetting = new("EnsembleFarm:Silo:Slots", "--slots", "Slots (cores) of this silo", "the machine's cores");
    public static readonly SiloSetting ClusterIdSetting = new("EnsembleFarm:Silo:ClusterId", "--cluster-id",
        "The cluster's name: silos and clients sharing a database must agree on it", DefaultClusterId);
    public static readonly SiloSetting NameSetting = new("EnsembleFarm:Silo:Name", "--name",
        "The silo's name in the cluster's membership and in 'farm silos' (a pod's name in Kubernetes)", "the machine's host name");
    public static readonly SiloSetting AddressSetting = new("EnsembleFarm:Silo:Address", "--address",
        "IP address to listen on and advertise to other silos and clients", "127.0.0.1");
    public static readonly SiloSetting SiloPortSetting = new("EnsembleFarm:Silo:SiloPort", "--silo-port", "Port for silo-to-silo traffic", $"{DefaultSiloPort}");
    public static readonly SiloSetting GatewayPortSetting = new("EnsembleFarm:Silo:GatewayPort", "--gateway-port", "Port clients connect to", $"{DefaultGatewayPort}");
    public static readonly SiloSetting HttpPortSetting = new("EnsembleFarm:Silo:HttpPort", "--http-port",
        "Port of the health endpoints /health/live and /health/ready", $"{DefaultHttpPort}");
    public static readonly SiloSetting LeaseSetting = new("EnsembleFarm:Silo:Lease", "--lease",
        "How long a trial stays this silo's without a renewal (a backstop: membership notices a dead silo in seconds)", "30s");
    public static readonly SiloSetting DrainSetting = new("EnsembleFarm:Silo:Drain", "--drain",
        "On SIGTERM: finish running trials (giving back what is left after --drain-timeout), or release them at once", "finish");
    public static readonly SiloSetting DrainTimeoutSetting = new("EnsembleFarm:Silo:DrainTimeout", "--drain-timeout",
        "How long 'finish' waits before giving trials back", "60s");

    public static readonly SiloSetting TrainerSetting = new("EnsembleFarm:Silo:Trainer", "--trainer",
        "builtin: the farm's dense-network trainer; none: train nothing (to measure the farm's own costs)", "builtin");

    public static readonly SiloSetting GpusSetting = new("EnsembleFarm:Silo:Gpus", "--gpus",
        "GPUs this silo offers: auto (those nvidia-smi finds), none, or device ids such as 0,1", "auto");

    public static readonly SiloSetting TrialsPerGpuSetting = new("EnsembleFarm:Silo:TrialsPerGpu", "--trials-per-gpu", "Trials that may share one GPU", "1");

    public static readonly SiloSetting TrainerMemorySetting = new("EnsembleFarm:Silo:TrainerMemory", "--trainer-memory",
        "Address space a command trainer may map (RLIMIT_AS), e.g. 8g or 512m; leave unset for CUDA trainers, which map far more than they use", "no limit");

    public static readonly SiloSetting TrainerTimeoutSetting = new("EnsembleFarm:Silo:TrainerTimeout", "--trainer-timeout",
        "How long one attempt of a command trainer may run before it is stopped and fails", "no limit");

    public static readonly SiloSetting TrainerGraceSetting = new("EnsembleFarm:Silo:TrainerGrace", "--trainer-grace",
        "How long a command trainer has to exit after SIGTERM before its process group gets SIGKILL", "10s");

    /// <summary>
    /// The commands a silo may run as trainers, one key per alias. Running what a client sends would be remote code
    /// execution, so only the operator's own configuration names them, and no flag does.
    /// </summary>
    public static readonly SiloSection CommandsSection = new("EnsembleFarm:Silo:Commands", "alias",
        "A trainer command this silo may run: its command line, e.g. /usr/bin/python3 /opt/ensemblefarm/trainers/pytorch_trainer.py");

    public static IReadOnlyList<SiloSetting> All { get; } =
    [
        StoreSetting, SlotsSetting, ClusterIdSetting, NameSetting, AddressSetting, SiloPortSetting, GatewayPortSetting, HttpPortSetting, LeaseSetting, DrainSetting,
        DrainTimeoutSetting, TrainerSetting, GpusSetting, TrialsPerGpuSetting, TrainerMemorySetting, TrainerTimeoutSetting, TrainerGraceSetting,
    ];

    /// <summary>The settings made of entries under a section, read from configuration only.</summary>
    public static IReadOnlyList<SiloSection> Sections { get; } = [CommandsSection];

    /// <summary>Flag → configuration key, for <c>AddCommandLine</c>.</summary>
    public static IDictionary<string, string> SwitchMappings => All.ToDictionary(s => s.Flag, s => s.Key);

    /// <summary>True for a PostgreSQL store: a cluster with ADO.NET membership in the same database.</summary>
    public bool IsCluster => Store is not null && PostgresLocation.IsPostgres(Store);

    /// <summary>The settings in <paramref name="configuration"/>, or every problem with them, each naming its flag and variable.</summary>
    public static (SiloSettings? Settings, IReadOnlyList<string> Errors) Read(IConfiguration configuration)
    {
        var errors = new List<string>();
        var store = Value(configuration, StoreSetting) ?? Environment.GetEnvironmentVariable(FarmPaths.StoreVariable);
        var slots = Parse(configuration, SlotsSetting, errors, Environment.ProcessorCount, PositiveInt);
        var clusterId = Value(configuration, ClusterIdSetting) ?? DefaultClusterId;
        var name = Value(configuration, NameSetting) ?? Environment.MachineName;
        var address = Parse(configuration, AddressSetting, errors, IPAddress.Loopback,
            text => IPAddress.TryParse(text, out var ip) ? (true, ip) : (false, IPAddress.Loopback), "an IP address such as 10.0.0.5");
        var siloPort = Parse(configuration, SiloPortSetting, errors, DefaultSiloPort, Port, "a port from 1 to 65535");
        var gatewayPort = Parse(configuration, GatewayPortSetting, errors, DefaultGatewayPort, Port, "a port from 1 to 65535");
        var httpPort = Parse(configuration, HttpPortSetting, errors, DefaultHttpPort, Port, "a port from 1 to 65535");
        var lease = Parse(configuration, LeaseSetting, errors, TimeSpan.FromSeconds(30), PositiveDuration, "a duration such as 30s or 2m");
        var drain = Parse(configuration, DrainSetting, errors, DrainMode.Finish,
            text => text.ToLowerInvariant() switch { "finish" => (true, DrainMode.Finish), "release" => (true, DrainMode.Release), _ => (false, DrainMode.Finish) },
            "finish or release");
        var drainTimeout = Parse(configuration, DrainTimeoutSetting, errors, TimeSpan.FromSeconds(60),
            text => Duration.TryParse(text, out var d) && d >= TimeSpan.Zero ? (true, d) : (false, d), "a duration such as 60s or 5m");
        var trainer = Parse(configuration, TrainerSetting, errors, SiloTrainer.BuiltIn,
            text => text.ToLowerInvariant() switch { "builtin" => (true, SiloTrainer.BuiltIn), "none" => (true, SiloTrainer.None), _ => (false, SiloTrainer.BuiltIn) },
            "builtin or none");
        var gpus = Parse(configuration, GpusSetting, errors, GpuSelection.Auto,
            text => GpuSelection.TryParse(text, out var selection) ? (true, selection) : (false, selection), "auto, none or distinct GPU ids such as 0,1");
        var trialsPerGpu = Parse(configuration, TrialsPerGpuSetting, errors, 1, PositiveInt);
        var commands = ReadCommands(configuration, errors);
        long? trainerMemory = Parse<long?>(configuration, TrainerMemorySetting, errors, null,
            text => TryParseSize(text, out var bytes) ? (true, bytes) : (false, null), "a size such as 8g, 512m or 1048576 (bytes), at least 16m");
        TimeSpan? trainerTimeout = Parse<TimeSpan?>(configuration, TrainerTimeoutSetting, errors, null,
            text => PositiveDuration(text) is (true, var d) ? (true, d) : (false, null), "a duration such as 30m or 2h");
        TimeSpan? trainerGrace = Parse<TimeSpan?>(configuration, TrainerGraceSetting, errors, null,
            text => PositiveDuration(text) is (true, var d) ? (true, d) : (false, null), "a duration such as 10s");
        if (new[] { siloPort, gatewayPort, httpPort }.Distinct().Count() < 3)
            errors.Add($"{SiloPortSetting.Flag} ({siloPort}), {GatewayPortSetting.Flag} ({gatewayPort}) and {HttpPortSetting.Flag} ({httpPort}) must differ");
        if (errors.Count > 0) return (null, errors);
        return (new SiloSettings(string.IsNullOrWhiteSpace(store) ? null : store, slots, clusterId, name, address, siloPort, gatewayPort, httpPort, lease, drain,
            drainTimeout, trainer, gpus, trialsPerGpu, commands, trainerMemory, trainerTimeout, trainerGrace), []);
    }

    /// <summary>The <see cref="CommandsSection"/> entries: an alias of letters, digits, '-' and '_' naming a command line.</summary>
    private static Dictionary<string, string>? ReadCommands(IConfiguration configuration, List<string> errors)
    {
        var commands = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in configuration.GetSection(CommandsSection.Key).GetChildren())
        {
            var variable = CommandsSection.EnvironmentVariablePrefix + entry.Key;
            if (!entry.Key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                errors.Add($"{variable}: the alias '{entry.Key}' may hold only letters, digits, '-' and '_'");
            else if (string.IsNullOrWhiteSpace(entry.Value))
                errors.Add($"{variable}: the alias '{entry.Key}' names no command line");
            else
                commands[entry.Key] = entry.Value.Trim();
        }
        return commands.Count == 0 ? null : commands;
    }

    private static string? Value(IConfiguration configuration, SiloSetting setting) =>
        configuration[setting.Key] is { Length: > 0 } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private static T Parse<T>(IConfiguration configuration, SiloSetting setting, List<string> errors, T fallback, Func<string, (bool Ok, T Value)> parse,
        string expected = "a whole number of at least 1")
    {
        if (Value(configuration, setting) is not { } text) return fallback;
        if (parse(text) is (true, var value)) return value;
        errors.Add($"{setting.Flag} (or {setting.EnvironmentVariable}): '{text}' is not {expected}");
        return fallback;
    }

    private static (bool, int) PositiveInt(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 1 ? (true, value) : (false, 0);

    /// <summary>Bytes, or a number with k, m or g (binary multiples); below 16 MiB not even a shell starts.</summary>
    private static bool TryParseSize(string text, out long bytes)
    {
        var trimmed = text.Trim().ToLowerInvariant();
        var shift = trimmed.Length > 0 ? trimmed[^1] switch { 'k' => 10, 'm' => 20, 'g' => 30, _ => 0 } : 0;
        var digits = shift == 0 ? trimmed : trimmed[..^1];
        bytes = long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= long.MaxValue >> shift ? number << shift : 0;
        return bytes >= 16L << 20;
    }

    private static (bool, int) Port(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 65535 ? (true, value) : (false, 0);

    private static (bool, TimeSpan) PositiveDuration(string text) =>
        Duration.TryParse(text, out var value) && value > TimeSpan.Zero ? (true, value) : (false, value);
}
