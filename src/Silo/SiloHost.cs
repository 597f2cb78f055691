using System.Net.Sockets;
using System.Text;
using EnsembleFarm.Grains;
using EnsembleFarm.Grains.Running;
using EnsembleFarm.Grains.Training;
using EnsembleFarm.Silo.Training;
using EnsembleFarm.Store;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Configuration;

namespace EnsembleFarm.Silo;

/// <summary>Builds the <c>farm-silo</c> process: an Orleans silo with the farm on it, its trainer, health endpoints and telemetry.</summary>
public static class SiloHost
{
    /// <summary>The activity sources Orleans traces grain calls under.</summary>
    private static readonly string[] OrleansActivitySources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Answers 200 while the process answers: what a supervisor's liveness probe asks (deploy/k8s uses these paths).</summary>
    public const string LivePath = "/health/live";

    /// <summary>Answers 200 while the silo is in its cluster and takes trials, 503 otherwise: what a readiness probe asks.</summary>
    public const string ReadyPath = "/health/ready";

    /// <summary>
    /// How long a stopping silo allows itself after the drain timeout to write what is left and leave the cluster: a
    /// supervisor's grace period (Kubernetes' terminationGracePeriodSeconds, systemd's TimeoutStopSec) must exceed the
    /// drain timeout plus this, or it kills the silo before it is done.
    /// </summary>
    public static readonly TimeSpan AfterDrain = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Creates or upgrades the store's tables (and, on PostgreSQL, Orleans' membership tables), then exits: the step a
    /// deployment runs before its silos start (a Kubernetes init container), so a schema problem shows there, once.
    /// </summary>
    public const string InitStoreFlag = "--init-store";

    public static async Task<WebApplication> BuildAsync(WebApplicationBuilder builder, SiloSettings settings, IFarmStore store)
    {
        ConfigureLogging(builder);
        ConfigureTelemetry(builder);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(settings.Address, settings.HttpPort));
        // The host must wait for the drain (and the writes after it) before it gives up on the silo.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.DrainTimeout + AfterDrain);
        builder.Services
            .AddSingleton(store)
            .AddSingleton<DatasetCache>(_ => new DatasetCache())
            .AddSingleton<CampaignCache>();
        if (settings.Trainer == SiloTrainer.None)
        {
            builder.Services.AddSingleton<ITrialTrainer, NoOpTrainer>();
        }
        else
        {
            builder.Services
                .AddSingleton<BuiltInTrainer>()
                .AddSingleton(new CommandTrainerOptions(settings.Commands ?? new Dictionary<string, string>(), TrialWorkFolder(),
                    settings.TrainerMemory, settings.TrainerTimeout, settings.TrainerGrace))
                .AddSingleton<CommandTrainer>()
                .AddSingleton<ITrialTrainer, TrainerChoice>();
        }
        builder.Services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<SiloReadyCheck>("silo", tags: ["ready"]);

        var (gpus, gpuDescription) = await GpuDetection.DetectAsync(settings.Gpus);
        await ClusterConfiguration.ConfigureAsync(builder, settings, silo => silo.AddEnsembleFarm(runner =>
        {
            runner.Slots = [.. Enumerable.Range(0, settings.Slots).Select(i => $"cpu{i}")];
            runner.Gpus = gpus;
            runner.TrialsPerGpu = settings.TrialsPerGpu;
            runner.Host = settings.Name;
            runner.Lease = settings.Lease;
            runner.Drain = settings.Drain;
            runner.DrainTimeout = settings.DrainTimeout;
            runner.Commands = [.. settings.Commands?.Keys ?? []];
        }));

        var app = builder.Build();
        app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GpuDetection)).LogInformation("{Gpus}", gpuDescription);
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        return app;
    }

    /// <summary>Where command trainers' attempts get their folders: one per silo process, so two silos on a host never share one.</summary>
    private static string TrialWorkFolder() => Path.Combine(Path.GetTempPath(), $"ensemblefarm-trials-{Environment.ProcessId}");

    /// <summary>The flags in <paramref name="args"/> that are no setting's (configuration would take them silently).</summary>
    public static IReadOnlyList<string> UnknownFlags(IReadOnlyList<string> args)
    {
        var known = SiloSettings.All.Select(s => s.Flag).Append(InitStoreFlag).ToHashSet(StringComparer.Ordinal);
        return [.. args.Where(a => a.StartsWith("--", StringComparison.Ordinal)).Select(a => a.Split('=')[0]).Where(flag => !known.Contains(flag))];
    }

    public static string Help()
    {
        var help = new StringBuilder("""
            farm-silo: an EnsembleFarm silo. It joins the farm's cluster, runs trials in its slots and stores what they leave.

            Usage: farm-silo [--setting value]...
                   farm-silo --init-store [--store location]   create or upgrade the store's tables (and a cluster's
                                                                membership tables), then exit

            Every setting can also come from configuration: appsettings.json or an environment variable (shown below);
            a flag overrides both.


            """);
        foreach (var setting in SiloSettings.All)
        {
            help.AppendLine($"  {setting.Flag,-16} {setting.Description}");
            help.AppendLine($"  {"",-16} default: {setting.Default}; variable: {setting.EnvironmentVariable}");
        }
        foreach (var section in SiloSettings.Sections)
        {
            help.AppendLine($"  {section.Key}:<{section.Entry}>  {section.Description}");
            help.AppendLine($"  {"",-16} configuration only; variable: {section.EnvironmentVariablePrefix}<{section.Entry}>");
        }
        help.AppendLine();
        help.AppendLine($"Health: GET {LivePath} (the process answers), GET {ReadyPath} (the silo is in the cluster and takes trials).");
        help.AppendLine("Exit codes: 0 stopped, 1 failed, 2 bad settings, 4 the store cannot be used.");
        return help.ToString();
    }

    /// <summary>
    /// <see cref="InitStoreFlag"/>: opening <paramref name="store"/> has already created or upgraded its tables; a cluster's
    /// store also gets Orleans' membership tables (every silo would create them at start too, guarded, so this is safe to
    /// run beside running silos and again).
    /// </summary>
    /// <exception cref="FarmStoreException">The membership tables cannot be created (the server is unreachable or refuses).</exception>
    public static async Task InitStoreAsync(SiloSettings settings, IFarmStore store, TextWriter output)
    {
        var membership = !settings.IsCluster ? "no membership tables needed (a SQLite store has one silo)"
            : await PostgresClusterSchema.EnsureAsync(settings.Store!) ? "Orleans' membership tables created"
            : "Orleans' membership tables already there";
        await output.WriteLineAsync($"store {store.Location} is ready: its tables are at this build's version; {membership}");
    }

    /// <summary>Whether the exception is a port another process holds, so the operator gets a line, not a stack trace.</summary>
    public static bool IsPortInUse(Exception e) =>
        e.GetBaseException() is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.GetBaseException() is IOException { Message: var m } && m.Contains("address already in use", StringComparison.OrdinalIgnoreCase);

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Orleans", LogLevel.Warning)
            .AddConsole(console => console.FormatterName = SiloLogFormatter.FormatterName)
            .AddConsoleFormatter<SiloLogFormatter, ConsoleFormatterOptions>()
            .AddOpenTelemetry(otel =>
            {
                otel.IncludeFormattedMessage = true;
                otel.IncludeScopes = true;
            });
    }

    /// <summary>Traces, metrics and logs go to an OTLP collector when one is configured (Aspire's dashboard sets it).</summary>
    private static void ConfigureTelemetry(WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddMeter(FarmMetrics.MeterName, "Microsoft.Orleans")
                .AddRuntimeInstrumentation()
                .AddAspNetCoreInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(OrleansActivitySources)
                .AddAspNetCoreInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) telemetry.UseOtlpExporter();
    }
}
