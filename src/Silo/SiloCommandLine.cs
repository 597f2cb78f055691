using System.CommandLine;
using System.CommandLine.Parsing;
using EnsembleFarm.Store;

namespace EnsembleFarm.Silo;

/// <summary>
/// The <c>farm-silo</c> command line. Every option may also come from an environment variable
/// <c>ENSEMBLEFARM_SILO_&lt;OPTION&gt;</c> (e.g. <c>ENSEMBLEFARM_SILO_SLOTS=4</c>); the command line wins.
/// The store falls back to <c>ENSEMBLEFARM_STORE</c>, then <c>./.farm/farm.db</c>.
/// </summary>
public static class SiloCommandLine
{
    public const int BadArguments = 2;
    private const string EnvironmentPrefix = "ENSEMBLEFARM_SILO_";

    /// <summary>
    /// Parses and validates <paramref name="args"/>. Returns the options to run with, or null with the exit
    /// code to end with: 0 after --help, <see cref="BadArguments"/> after an error (written to <paramref name="error"/>).
    /// </summary>
    public static (SiloOptions? Options, int ExitCode) Parse(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var store = new Option<string?>("--store")
        {
            Description = $"The store: a SQLite file path (default: ${FarmPaths.StoreVariable}, else ./.farm/farm.db)",
            DefaultValueFactory = result => FromEnvironment(result, "--store", null, text => (true, text)),
        };
        var slots = new Option<int>("--slots")
        {
            Description = "Slots' worth of trials run at once (default: one per core)",
            CustomParser = result => Parsed(result, "--slots", 0, ParseInt),
            DefaultValueFactory = result => FromEnvironment(result, "--slots", SiloOptions.DefaultSlots, ParseInt),
        };
        var id = new Option<string>("--id")
        {
            Description = "The silo's id in the store (default: host-pid-random)",
            DefaultValueFactory = result => FromEnvironment(result, "--id", SiloOptions.NewId(), text => (true, text)),
        };
        var lease = DurationOption("--lease", "How long a claimed trial stays this silo's without a heartbeat", SiloOptions.DefaultLease);
        var heartbeat = new Option<TimeSpan?>("--heartbeat")
        {
            Description = "How often leases are renewed (default: lease / 3)",
            CustomParser = result => Parsed<TimeSpan?>(result, "--heartbeat", null, text => ParseDuration(text) is (true, var d) ? (true, d) : (false, null)),
            DefaultValueFactory = result => FromEnvironment<TimeSpan?>(result, "--heartbeat", null,
                text => ParseDuration(text) is (true, var d) ? (true, d) : (false, null)),
        };
        var poll = DurationOption("--poll", "How often idle slots look for queued trials", SiloOptions.DefaultPoll);
        var drain = new Option<DrainMode>("--drain")
        {
            Description = "On SIGTERM: finish running trials (then release what is left after --drain-timeout) or release them at once",
            CustomParser = result => Parsed(result, "--drain", DrainMode.Finish, ParseDrain),
            DefaultValueFactory = result => FromEnvironment(result, "--drain", DrainMode.Finish, ParseDrain),
        };
        var drainTimeout = DurationOption("--drain-timeout", "How long --drain finish waits before releasing", SiloOptions.DefaultDrainTimeout);
        var onceIdleExit = new Option<bool>("--once-idle-exit")
        {
            Description = "Exit once no campaign is open and this silo runs nothing (tests, local farms)",
            DefaultValueFactory = result => FromEnvironment(result, "--once-idle-exit", false, ParseBool),
        };

        SiloOptions? options = null;
        var root = new RootCommand("farm-silo: an EnsembleFarm worker that claims trials from the store and trains them")
        {
            store, slots, id, lease, heartbeat, poll, drain, drainTimeout, onceIdleExit,
        };
        root.SetAction(parsed =>
        {
            var leaseValue = parsed.GetValue(lease);
            options = new SiloOptions(
                parsed.GetValue(store),
                parsed.GetValue(slots),
                parsed.GetValue(id)!,
                leaseValue,
                parsed.GetValue(heartbeat) ?? SiloOptions.DefaultHeartbeat(leaseValue),
                parsed.GetValue(poll),
                parsed.GetValue(drain),
                parsed.GetValue(drainTimeout),
                parsed.GetValue(onceIdleExit));
            return 0;
        });

        var parseResult = root.Parse([.. args]);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors) error.WriteLine($"error: {parseError.Message}");
            error.WriteLine("Run 'farm-silo --help' for usage.");
            return (null, BadArguments);
        }
        var exitCode = parseResult.Invoke(new InvocationConfiguration { Output = output, Error = error });
        if (options is null) return (null, exitCode);

        var problems = options.Validate();
        if (problems.Count == 0) return (options, 0);
        foreach (var problem in problems) error.WriteLine($"error: {problem}");
        return (null, BadArguments);
    }

    private static Option<TimeSpan> DurationOption(string name, string description, TimeSpan fallback) => new(name)
    {
        Description = $"{description} (e.g. 250ms, 30s, 2m; default {Duration.Format(fallback)})",
        CustomParser = result => Parsed(result, name, fallback, ParseDuration),
        DefaultValueFactory = result => FromEnvironment(result, name, fallback, ParseDuration),
    };

    /// <summary>The environment variable behind an option: --drain-timeout → ENSEMBLEFARM_SILO_DRAIN_TIMEOUT.</summary>
    public static string EnvironmentVariable(string option) =>
        EnvironmentPrefix + option.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    private static T Parsed<T>(ArgumentResult result, string option, T fallback, Func<string, (bool Ok, T Value)> parse)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(' ', result.Tokens.Select(t => t.Value));
        if (parse(text) is (true, var value)) return value;
        result.AddError($"'{text}' is not a valid value for {option}{Expected(option)}");
        return fallback;
    }

    private static T FromEnvironment<T>(ArgumentResult result, string option, T fallback, Func<string, (bool Ok, T Value)> parse)
    {
        var variable = EnvironmentVariable(option);
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (parse(text) is (true, var value)) return value;
        result.AddError($"{variable}='{text}' is not a valid value for {option}{Expected(option)}");
        return fallback;
    }

    private static string Expected(string option) => option switch
    {
        "--slots" => " (a whole number)",
        "--drain" => " (finish or release)",
        "--once-idle-exit" => " (true or false)",
        _ => " (a duration such as 250ms, 30s, 2m)",
    };

    private static (bool, int) ParseInt(string text) => (int.TryParse(text, out var value), value);

    private static (bool, TimeSpan) ParseDuration(string text) => (Duration.TryParse(text, out var value), value);

    private static (bool, bool) ParseBool(string text) => (bool.TryParse(text, out var value), value);

    private static (bool, DrainMode) ParseDrain(string text) =>
        Enum.TryParse<DrainMode>(text, ignoreCase: true, out var mode) && Enum.IsDefined(mode) && !int.TryParse(text, out _)
            ? (true, mode)
            : (false, DrainMode.Finish);
}
