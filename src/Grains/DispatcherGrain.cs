using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Store;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace EnsembleFarm.Grains;

/// <summary>
/// The cluster's scheduler (see <see cref="IDispatcherGrain"/>). Fairness: each free slot goes, one trial's worth at a
/// time, to the campaign holding the fewest slots, the oldest first on a tie, so campaigns running at once share the
/// cluster evenly whatever their size. Its state is soft: silos report every couple of seconds and campaigns report
/// their demand whenever it changes, so a new activation (its silo died) knows everything again within seconds; on
/// activation it wakes the store's open campaigns, which resumes a cluster that was stopped and started again.
/// </summary>
/// <remarks>
/// It never awaits a campaign grain (campaigns await it while reporting demand, and a grain handles one call at a
/// time): what it tells campaigns and silos is one-way.
/// </remarks>
internal sealed partial class DispatcherGrain(
    IFarmStore store,
    IClusterMembershipService membership,
    FarmMetrics metrics,
    ILogger<DispatcherGrain> logger) : Grain, IDispatcherGrain
{
    /// <summary>How often dead owners and expired leases are looked for in the store, as a backstop for missed membership news.</summary>
    private static readonly TimeSpan SweepPeriod = TimeSpan.FromSeconds(10);

    /// <summary>A silo that has not reported for this long is not offered work (the cluster may not have noticed its death yet).</summary>
    private static readonly TimeSpan ReportLapse = TimeSpan.FromSeconds(10);

    /// <summary>
    /// An owner of running trials that the cluster does not list is dead, unless its trials started this recently: a
    /// silo that has just joined may not yet be in this silo's view of the membership.
    /// </summary>
    private static readonly TimeSpan JoinGrace = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, (SiloReport Report, DateTimeOffset Seen, bool Stopping)> _silos = [];
    private readonly Dictionary<long, CampaignDemand> _demand = [];
    private readonly HashSet<string> _recovered = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(SweepAsync, new GrainTimerCreationOptions(SweepPeriod, SweepPeriod) { KeepAlive = true });
        var open = await store.ListOpenCampaignsAsync(cancellationToken);
        LogActivated(open.Count);
        foreach (var campaign in open) GrainFactory.GetGrain<ICampaignGrain>(campaign.Id).RefreshAsync().Ignore();
        // After a restart the trials of silos that are gone need not wait for the first period.
        if (open.Count > 0) await SweepAsync(cancellationToken);
    }

    public Task<bool> RegisterSiloAsync(SiloReport report)
    {
        if (IsDead(report.SiloId)) return Task.FromResult(false);
        var known = _silos.TryGetValue(report.SiloId, out var entry);
        if (!known) LogSiloJoined(report.SiloId, report.Host, report.Slots.Count);
        _silos[report.SiloId] = (report, DateTimeOffset.UtcNow, (known && entry.Stopping) || report.Draining);
        return Task.FromResult(!report.Draining && _demand.Values.Any(d => Fits(d, report.FreeSlots, report.FreeGpus) && report.Runs(d.Command)));
    }

    public Task SiloStoppingAsync(string siloId)
    {
        if (_silos.TryGetValue(siloId, out var entry)) _silos[siloId] = entry with { Stopping = true };
        LogSiloStopping(siloId);
        return Task.CompletedTask;
    }

    public async Task SilosDeadAsync(IReadOnlyList<string> siloIds)
    {
        var dead = siloIds.Where(_recovered.Add).ToList();
        if (dead.Count == 0) return;
        foreach (var silo in dead) _silos.Remove(silo);
        LogSilosDead(string.Join(", ", dead));
        await RecoverAsync(dead, $"silo {string.Join(", ", dead)} was declared dead by the cluster");
    }

    public Task<IReadOnlyList<WorkTicket>> RequestWorkAsync(string siloId, int freeSlots, int freeGpus)
    {
        var known = _silos.TryGetValue(siloId, out var silo);
        if ((known && silo.Stopping) || IsDead(siloId)) return Task.FromResult<IReadOnlyList<WorkTicket>>([]);
        // A silo that has not reported yet is offered only what every silo runs.
        SiloReport? report = known ? silo.Report : null;
        var granted = new Dictionary<long, int>();
        while (freeSlots > 0)
        {
            var next = _demand.Values
                .Where(d => d.QueuedTrials > 0 && Fits(d, freeSlots, freeGpus) && (report?.Runs(d.Command) ?? d.Command is null))
                .OrderBy(d => d.RunningSlots).ThenBy(d => d.CreatedAt).ThenBy(d => d.CampaignId)
                .FirstOrDefault();
            if (next is null) break;
            // Counted as taken until the campaign reports again after the claim; if the silo claims less, that report corrects it.
            _demand[next.CampaignId] = next with { QueuedTrials = next.QueuedTrials - 1, RunningSlots = next.RunningSlots + next.SlotsPerTrial };
            granted[next.CampaignId] = granted.GetValueOrDefault(next.CampaignId) + next.SlotsPerTrial;
            freeSlots -= next.SlotsPerTrial;
            freeGpus -= next.GpusPerTrial;
        }
        PublishQueued();
        return Task.FromResult<IReadOnlyList<WorkTicket>>([.. granted.Select(g => new WorkTicket(g.Key, g.Value))]);
    }

    public Task<ClusterCapacity> UpdateDemandAsync(CampaignDemand demand)
    {
        var before = _demand.GetValueOrDefault(demand.CampaignId);
        if (demand.QueuedTrials > 0) _demand[demand.CampaignId] = demand;
        else _demand.Remove(demand.CampaignId);
        PublishQueued();
        if (demand.QueuedTrials > (before?.QueuedTrials ?? 0)) WakeSilos(demand);
        return Task.FromResult(Capacity());
    }

    public Task<ClusterCapacity> GetCapacityAsync() => Task.FromResult(Capacity());

    public Task<IReadOnlyList<SiloReport>> ListSilosAsync() =>
        Task.FromResult<IReadOnlyList<SiloReport>>([.. LiveSilos().Select(s => s.Report).OrderBy(r => r.SiloId, StringComparer.Ordinal)]);

    /// <summary>Silos that reported lately and that the cluster does not list as dead.</summary>
    private IEnumerable<(SiloReport Report, DateTimeOffset Seen, bool Stopping)> LiveSilos()
    {
        var now = DateTimeOffset.UtcNow;
        var snapshot = membership.CurrentSnapshot;
        return _silos.Values.Where(s => now - s.Seen <= ReportLapse && StatusOf(snapshot, s.Report.SiloId) is not SiloStatus.Dead);
    }

    private ClusterCapacity Capacity()
    {
        var live = LiveSilos().Where(s => !s.Stopping).Select(s => s.Report).ToList();
        var unreported = membership.CurrentSnapshot.Members.Values
            .Count(m => m.Status == SiloStatus.Active && live.All(r => r.SiloId != m.SiloAddress.ToParsableString()));
        return new ClusterCapacity(live.Count, live.Sum(r => r.Slots.Count), live.Select(r => r.Slots.Count).DefaultIfEmpty(0).Max(), unreported,
            [.. live.SelectMany(r => r.Commands ?? []).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)],
            live.Sum(r => r.Gpus?.Count ?? 0), live.Select(r => r.Gpus?.Count ?? 0).DefaultIfEmpty(0).Max(),
            live.Select(r => r.FreeGpus).DefaultIfEmpty(0).Max());
    }

    private void WakeSilos(CampaignDemand demand)
    {
        foreach (var (report, _, stopping) in LiveSilos())
            if (!stopping && Fits(demand, report.FreeSlots, report.FreeGpus) && report.Runs(demand.Command))
                GrainFactory.GetGrain<ISiloGrain>(report.SiloId).WorkAvailableAsync().Ignore();
    }

    /// <summary>Whether the campaign's next trial fits a silo's free CPU slots and GPU places (the silo's pools decide for certain when it claims).</summary>
    private static bool Fits(CampaignDemand demand, int freeSlots, int freeGpus) =>
        demand.SlotsPerTrial <= freeSlots && demand.GpusPerTrial <= freeGpus;

    private void PublishQueued() => metrics.SetQueued(_demand.Values.Sum(d => (long)d.QueuedTrials));

    /// <summary>
    /// The backstop: trials whose owner the cluster no longer lists (declared dead, or gone before this activation —
    /// a whole cluster restarted), and leases that ran out (a silo alive but stuck), are requeued.
    /// </summary>
    private async Task SweepAsync(CancellationToken ct)
    {
        try
        {
            var snapshot = membership.CurrentSnapshot;
            var now = DateTimeOffset.UtcNow;
            var orphaned = (await store.ListTrialOwnersAsync(ct))
                .Where(owner => StatusOf(snapshot, owner.SiloId) switch
                {
                    SiloStatus.Dead => true,
                    SiloStatus.None => now - owner.EarliestStart > JoinGrace,
                    _ => false,
                })
                .Select(owner => owner.SiloId)
                .ToList();
            if (orphaned.Count > 0)
            {
                LogOrphans(string.Join(", ", orphaned));
                await RecoverAsync(orphaned, $"silo {string.Join(", ", orphaned)} is no longer in the cluster");
            }
            var expired = await store.RecoverExpiredLeasesAsync(now, ct);
            foreach (var campaignId in expired) GrainFactory.GetGrain<ICampaignGrain>(campaignId).RefreshAsync().Ignore();
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogSweepFailed(e.Message);
        }
    }

    /// <summary>
    /// A silo frozen past its detection asks again once thawed, before it learns its fate and stops: it gets nothing
    /// (the store refuses its claims too, whichever dispatcher it asks).
    /// </summary>
    private bool IsDead(string siloId) =>
        _recovered.Contains(siloId) || StatusOf(membership.CurrentSnapshot, siloId) is SiloStatus.Dead;

    private async Task RecoverAsync(IReadOnlyCollection<string> siloIds, string reason)
    {
        _recovered.UnionWith(siloIds);
        var campaigns = await store.RecoverSiloTrialsAsync(siloIds, reason);
        foreach (var campaignId in campaigns) GrainFactory.GetGrain<ICampaignGrain>(campaignId).RefreshAsync().Ignore();
        if (campaigns.Count > 0) LogRecovered(campaigns.Count);
    }

    /// <summary>The cluster's view of a silo; <see cref="SiloStatus.None"/> when it does not list it (or the id names no silo).</summary>
    private static SiloStatus StatusOf(ClusterMembershipSnapshot snapshot, string siloId)
    {
        SiloAddress address;
        try
        {
            address = SiloAddress.FromParsableString(siloId);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            return SiloStatus.None;
        }
        return snapshot.GetSiloStatus(address);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "dispatcher active; {Count} open campaigns in the store")]
    private partial void LogActivated(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "silo {SiloId} ({Host}) joined with {Slots} slots")]
    private partial void LogSiloJoined(string siloId, string host, int slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "silo {SiloId} is stopping; no more work for it")]
    private partial void LogSiloStopping(string siloId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "silo {SiloIds} declared dead; requeueing its trials")]
    private partial void LogSilosDead(string siloIds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "silo {SiloIds} holds running trials but is no longer in the cluster; requeueing them")]
    private partial void LogOrphans(string siloIds);

    [LoggerMessage(Level = LogLevel.Information, Message = "requeued trials of {Count} campaigns")]
    private partial void LogRecovered(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sweep for dead silos' trials failed: {Error}")]
    private partial void LogSweepFailed(string error);
}
