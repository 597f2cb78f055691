namespace EnsembleFarm.Domain.Search;

/// <summary>
/// A search's trials as a model-based sampler reads them, kept from one suggestion to the next: each trial's row in the
/// space's columns (<see cref="SpaceCodec.Encode(IReadOnlyDictionary{string, ParamValue})"/>), the rows one after the
/// other in one array, and its duplicate-check key (<see cref="SpaceSampling.Key"/>). Between two suggestions a search
/// gains a trial or a few, so encoding and hashing all of them again each time (a quarter of a TPE suggestion at 1,000
/// trials) was work already done.
/// <para>
/// Entries are by position in <see cref="SearchContext.Trials"/>, and one is reused only while the trial there carries
/// the very parameters object it was made from: a <see cref="FrozenTrial"/> is a snapshot, and a change of state that
/// keeps the parameters keeps the object. A trial added, replaced, reordered or dropped is encoded again, so the rows and
/// keys are always those of the context at hand, and a suggestion does not depend on what came before it.
/// </para>
/// Not thread-safe: its owner makes one suggestion at a time.
/// </summary>
internal sealed class EncodedTrials
{
    private SearchSpace? _space;
    private IReadOnlyDictionary<string, ParamValue>?[] _params = [];
    private UInt128[] _keys = [];
    private double[] _rows = [];

    public SpaceCodec Codec { get; private set; } = null!;

    /// <summary>The keys of every trial of the context (any state): the points taken.</summary>
    public HashSet<UInt128> Taken { get; } = [];

    /// <summary>Makes the rows and keys those of <paramref name="context"/>'s trials, encoding only the trials not seen as they are.</summary>
    public void Update(SearchContext context)
    {
        if (!ReferenceEquals(context.Space, _space))
        {
            _space = context.Space;
            Codec = new SpaceCodec(context.Space);
            Array.Clear(_params);
            _rows = new double[_params.Length * Codec.Count];
        }
        var trials = context.Trials;
        if (_params.Length < trials.Count)
        {
            var capacity = Math.Max(trials.Count, 2 * _params.Length);
            Array.Resize(ref _params, capacity);
            Array.Resize(ref _keys, capacity);
            Array.Resize(ref _rows, capacity * Codec.Count);
        }
        Taken.Clear();
        for (var i = 0; i < trials.Count; i++)
        {
            var values = trials[i].Params;
            if (!ReferenceEquals(_params[i], values))
            {
                Codec.Encode(values, _rows.AsSpan(i * Codec.Count, Codec.Count));
                _keys[i] = SpaceSampling.Key(values);
                _params[i] = values;
            }
            Taken.Add(_keys[i]);
        }
    }

    /// <summary>The row of the trial at <paramref name="position"/> in the context last given to <see cref="Update"/>.</summary>
    public ReadOnlySpan<double> Row(int position) => _rows.AsSpan(position * Codec.Count, Codec.Count);
}
