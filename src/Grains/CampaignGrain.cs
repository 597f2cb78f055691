using EnsembleFarm.Domain.Search;
using EnsembleFarm.Domain.Specs;
using EnsembleFarm.GrainInterfaces;
using EnsembleFarm.Grains.Running;
using EnsembleFarm.Grains.Searching;
using EnsembleFarm.Store;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace EnsembleFarm.Grains;

/// <summary>
/// One campaign's life (see <see cref="ICampaignGrain"/>). Its state is a cache of the store: the campaign and its
/// trials, reloaded on activation, after every change it is told of, and periodically while the campaign is open, so
/// that a trial requeued behind its back (a lease that ran out) or a lost notification is caught up within
/// <see cref="RefreshPeriod"/>. Orleans may briefly run two activations of it; that is harmless, since every claim
/// and every write is decided by the store.
/// </summary>
internal sealed partial class CampaignGrain(IFarmStore store, ILogger<CampaignGrain> logger) : Grain, ICampaignGrain
{
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(10);

    private readonly ObserverManager<ICampaignObserver> _observers = new(CampaignUpdate.SubscriptionLifetime, logger);
    private readonly Dictionary<long, TrialRecord> _trials = [];
    private CampaignRecord? _campaign;
    private ClusterCapacity _capacity = new(0, 0, 0, 0);
    private IGrainTimer? _refresh;
    private long _sequence;

    /// <summary>A search's spec, read once per activation; null for an ensemble.</summary>
    private CampaignSpec? _searchSpec;

    /// <summary>The trainer command its trials need, "" for the built-in trainer; null until read.</summary>
    private string? _command;

    /// <summary>A search's sampler, pruner and trials as they see them, built from the store at activation.</summary>
    private CampaignSearch? _search;

    /// <summary>A search that starts no new trial any more (its budget spent); the store ends it once its trials have.</summary>
    private bool _sealed;

    private long CampaignId => this.GetPrimaryKeyLong();

    private IDispatcherGrain Dispatcher => GrainFactory.GetGrain<IDispatcherGrain>(0);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadAsync();
        if (_campaign is { HasEnded: false })
            _refresh = this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(RefreshPeriod, RefreshPeriod) { KeepAlive = true });
    }

    public async Task<CampaignUpdate?> StartAsync()
    {
        if (_campaign is null) return null;
        await ReportDemandAsync();
        return Update();
    }

    public async Task<IReadOnlyList<ClaimedTrial>> ClaimAsync(string siloId, int freeSlots, IReadOnlyList<int> freeGpus, TimeSpan lease)
    {
        if (_campaign is null or { HasEnded: true }) return [];
        // The store claims by CPU slots; a campaign's trials all need the same GPUs (its spec's), so as many slots'
        // worth as the silo's free GPUs can take bounds the claim.
        var (slotsPerTrial, gpusPerTrial) = NextTrialNeeds();
        if (gpusPerTrial > 0) freeSlots = Math.Min(freeSlots, SlotPool<int>.Fit(freeGpus, gpusPerTrial) * slotsPerTrial);
        if (freeSlots == 0)
        {
            // The dispatcher counted this claim as taken: tell it the work is still here.
            await ReportDemandAsync();
            return [];
        }
        if (_search is not null) await ProposeAsync(freeSlots);
        var claims = await store.ClaimTrialsAsync(CampaignId, siloId, freeSlots, lease);
        foreach (var claim in claims)
        {
            _trials[claim.Trial.Id] = claim.Trial;
            _search?.Observe(claim.Trial);
            _campaign = claim.Campaign;
        }
        if (claims.Count > 0) Push();
        await ReportDemandAsync();
        return claims;
    }

    public async Task<string?> GetWaitingAsync()
    {
        if (_campaign is null or { HasEnded: true } || !_trials.Values.Any(t => t.State == TrialState.Queued)) return null;
        // Fresh: GPUs free up and fill between this campaign's own reports.
        _capacity = await Dispatcher.GetCapacityAsync();
        return Waiting();
    }

    public Task<PruneVerdict?> ReportEpochsAsync(long trialId, int attempt, IReadOnlyList<TrialEpoch> epochs) =>
        Task.FromResult(_search?.Judge(trialId, attempt, epochs));

    public async Task TrialEndedAsync(long trialId)
    {
        if (_campaign is null) return;
        // One read: the grain answers no claim until it is done, and a silo's next claim of this campaign waits for it.
        var ended = await store.GetEndedTrialAsync(CampaignId, trialId);
        if (ended?.Trial is { } trial)
        {
            _trials[trial.Id] = trial;
            _search?.Observe(trial, ended.FinalMetrics);
        }
        _campaign = ended?.Campaign ?? _campaign;
        // The store ends a campaign with its last trial's end, which may be another trial than this one, whose end this
        // grain has not heard of yet: its trials are read again, so that the final update's counts agree with its
        // state ("completed: 2/3 done, running 1" was pushed once).
        if (_campaign.HasEnded) await LoadAsync();
        await SealIfDoneAsync();
        await AfterChangeAsync();
    }

    public async Task RefreshAsync()
    {
        await LoadAsync();
        await AfterChangeAsync();
    }

    public async Task<bool> CancelAsync()
    {
        if (_campaign is null) throw new KeyNotFoundException($"no campaign with id {CampaignId}");
        var running = _trials.Values.Where(t => t.State == TrialState.Running && t.Owner is not null).ToList();
        var cancelled = await store.CancelCampaignAsync(CampaignId);
        await LoadAsync();
        if (cancelled)
        {
            LogCancelled(CampaignId, running.Count);
            // Their next fenced write would be refused anyway; stopping them now frees their slots at once.
            foreach (var silo in running.GroupBy(t => t.Owner!))
                GrainFactory.GetGrain<ISiloGrain>(silo.Key).StopTrialsAsync([.. silo.Select(t => t.Id)]).Ignore();
        }
        await AfterChangeAsync();
        return cancelled;
    }

    public Task<CampaignUpdate?> SubscribeAsync(ICampaignObserver observer)
    {
        if (_campaign is null) return Task.FromResult<CampaignUpdate?>(null);
        _observers.Subscribe(observer, observer);
        return Task.FromResult<CampaignUpdate?>(Update());
    }

    public Task UnsubscribeAsync(ICampaignObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    private async Task ReconcileAsync(CancellationToken ct)
    {
        var before = _campaign is null ? null : Update();
        await LoadAsync();
        await SealIfDoneAsync();
        if (before is null || before.Campaign != _campaign || before.Progress != CampaignProgress.Of(_trials.Values))
            await AfterChangeAsync();
        else
            await ReportDemandAsync();
    }

    private async Task LoadAsync()
    {
        _campaign = await store.GetCampaignAsync(CampaignId);
        _trials.Clear();
        if (_campaign is null) return;
        foreach (var trial in await store.GetTrialsAsync(CampaignId)) _trials[trial.Id] = trial;
        _sealed |= _campaign.HasEnded;
        if (_campaign.Kind is not ("search" or "nas")) return;
        if (_search is null) await LoadSearchAsync();
        else await CatchUpSearchAsync();
    }

    /// <summary>Builds the search's sampler and pruner and their view of every trial (parameters, results, curves) from the store.</summary>
    private async Task LoadSearchAsync()
    {
        StoredSearch? stored;
        try
        {
            stored = await StoredSearch.LoadAsync(store, CampaignId);
        }
        catch (SpecException e)
        {
            await store.FailCampaignAsync(CampaignId, $"its spec cannot be read by this farm: {e.Message}");
            _campaign = await store.GetCampaignAsync(CampaignId);
            return;
        }
        if (stored is null) return;
        _searchSpec = stored.Spec;
        _search = new CampaignSearch(stored.Spec);
        _search.Observe(stored);
    }

    /// <summary>
    /// Shows the search the trials that changed without a word to this grain (recovered from a dead silo, ended while
    /// a call was lost); the curves it heard stay, so a periodic check reads no epochs.
    /// </summary>
    private async Task CatchUpSearchAsync()
    {
        foreach (var trial in _trials.Values.Where(_search!.IsStale).ToList())
            _search.Observe(trial, trial.State == TrialState.Completed ? await store.GetFinalMetricsAsync(trial.Id) : null);
    }

    /// <summary>
    /// A search asked for work: new trials, suggested by its sampler, for the slots offered, beyond the queued ones.
    /// </summary>
    private async Task ProposeAsync(int freeSlots)
    {
        if (_sealed || _search is null || _campaign is null) return;
        var wanted = (freeSlots / Math.Max(1, _searchSpec!.Resources.Slots)) - _trials.Values.Count(t => t.State == TrialState.Queued);
        if (wanted <= 0) return;
        var proposed = _search.Propose(wanted, StartedAt(_campaign), DateTimeOffset.UtcNow, out var exhausted);
        if (proposed.Count > 0)
        {
            foreach (var trial in await store.AddTrialsAsync(CampaignId, proposed))
            {
                _trials[trial.Id] = trial;
                _search.Observe(trial);
            }
        }
        if (exhausted is not null) await SealAsync(exhausted);
        else await SealIfDoneAsync();
    }

    /// <summary>Seals a search whose budget is spent (trials, time, patience): it starts nothing new and ends with its last trial.</summary>
    private async Task SealIfDoneAsync()
    {
        if (_sealed || _search is null || _campaign is null) return;
        if (_search.Done(StartedAt(_campaign), DateTimeOffset.UtcNow) is { } reason) await SealAsync(reason);
    }

    private async Task SealAsync(string reason)
    {
        _sealed = true;
        LogSearchDone(CampaignId, reason);
        await store.SealCampaignAsync(CampaignId);
        _campaign = await store.GetCampaignAsync(CampaignId) ?? _campaign;
    }

    private static DateTimeOffset StartedAt(CampaignRecord campaign) => campaign.StartedAt ?? campaign.CreatedAt;

    private async Task AfterChangeAsync()
    {
        if (_campaign is { HasEnded: true } && _refresh is not null)
        {
            _refresh.Dispose();
            _refresh = null;
            LogEnded(CampaignId, _campaign.State);
        }
        Push();
        await ReportDemandAsync();
    }

    /// <summary>
    /// The trainer command the campaign's trials need (null: the built-in trainer), read from its spec once: the
    /// dispatcher offers the trials only to silos that allow it.
    /// </summary>
    private string? CommandOf(CampaignRecord campaign)
    {
        if (_command is null)
        {
            try
            {
                _command = StoredSpec.Read(campaign).Trainer.Command ?? "";
            }
            catch (SpecException)
            {
                // Any silo fails such a campaign as unrunnable, which ends it.
                _command = "";
            }
        }
        return _command.Length == 0 ? null : _command;
    }

    /// <summary>
    /// Tells the dispatcher how much of this campaign waits for slots (nothing once it has ended); its answer says what
    /// capacity could serve it, which the updates pass on (remaining time, why nothing starts).
    /// </summary>
    private async Task ReportDemandAsync()
    {
        if (_campaign is null) return;
        var queued = _trials.Values.Count(t => t.State == TrialState.Queued);
        // A search's work also counts the trials its sampler has yet to propose.
        var proposable = _search is null || _sealed ? 0 : _search.Room(StartedAt(_campaign), DateTimeOffset.UtcNow);
        var (slotsPerTrial, gpusPerTrial) = NextTrialNeeds();
        var demand = new CampaignDemand(
            CampaignId,
            _campaign.HasEnded ? 0 : queued + proposable,
            slotsPerTrial,
            _trials.Values.Where(t => t.State == TrialState.Running).Sum(t => t.Slots),
            _campaign.CreatedAt,
            CommandOf(_campaign),
            gpusPerTrial);
        try
        {
            var capacity = await Dispatcher.UpdateDemandAsync(demand);
            if (capacity != _capacity)
            {
                _capacity = capacity;
                Push();
            }
        }
        catch (Exception e)
        {
            // The dispatcher is moving (its silo died); the next change or the periodic refresh reports again.
            LogDemandFailed(CampaignId, e.Message);
        }
    }

    /// <summary>What its next queued trial needs (a search's next one is its spec's resources).</summary>
    private (int Slots, int Gpus) NextTrialNeeds() =>
        _trials.Values.Where(t => t.State == TrialState.Queued).OrderBy(t => t.Index).Select(t => (t.Slots, t.Gpus)).FirstOrDefault() is { Slots: > 0 } next
            ? next
            : (_searchSpec?.Resources.Slots ?? 1, _searchSpec?.Resources.Gpus ?? 0);

    private string? Waiting()
    {
        var (slots, gpus) = NextTrialNeeds();
        return _capacity.Waiting(slots, gpus);
    }

    private void Push()
    {
        if (_campaign is null || _observers.Count == 0) return;
        var update = Update();
        _observers.Notify(observer => observer.OnUpdateAsync(update));
    }

    private CampaignUpdate Update()
    {
        // Ticks keep the order across a move to another activation; the increment within one.
        _sequence = Math.Max(_sequence + 1, DateTime.UtcNow.Ticks);
        var campaign = _campaign!;
        var progress = CampaignProgress.Of(_trials.Values);
        var standing = _search?.Standing();
        if (campaign.HasEnded) return new CampaignUpdate(campaign, progress, _capacity.Slots, null, null, _sequence, standing);
        var waiting = progress.Queued > 0 ? Waiting() : null;
        return new CampaignUpdate(campaign, progress, _capacity.Slots,
            RemainingTime.Estimate(_trials.Values, _capacity.Slots, DateTimeOffset.UtcNow, Unplanned()), waiting, _sequence, standing);
    }

    /// <summary>The trials a search's budget still allows beyond those it created, for the remaining-time estimate.</summary>
    private (int Trials, int Slots) Unplanned() =>
        _search is null || _sealed ? default : (Math.Max(0, _search.Spec.Budget.Trials - _trials.Count), _searchSpec!.Resources.Slots);

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId}: the search starts no new trial: {Reason}")]
    private partial void LogSearchDone(long campaignId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId} cancelled ({Running} trials were running)")]
    private partial void LogCancelled(long campaignId, int running);

    [LoggerMessage(Level = LogLevel.Information, Message = "campaign {CampaignId} ended: {State}")]
    private partial void LogEnded(long campaignId, CampaignState state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "campaign {CampaignId}: could not report its queued work to the dispatcher: {Error}")]
    private partial void LogDemandFailed(long campaignId, string error);
}
