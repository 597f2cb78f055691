using System.Buffers;

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
/// <para>
/// For the same reason it keeps, once asked, a column's positions by value (<see cref="ByValue"/>): TPE's gap rule needs
/// each group's observations in that order, and sorting every column of both groups took a fifth of a suggestion. Trials
/// appended after the sorted ones merge in; any other change of a row sorts the column again.
/// </para>
/// Not thread-safe: its owner makes one suggestion at a time.
/// </summary>
internal sealed class EncodedTrials
{
    private SearchSpace? _space;
    private IReadOnlyDictionary<string, ParamValue>?[] _params = [];
    private UInt128[] _keys = [];
    private double[] _rows = [];
    private int[]?[] _byValue = [];  // per column, null until asked for: positions by (value, position)
    private int _sortedCount;        // the positions _byValue covers

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
            _byValue = new int[]?[Codec.Count];
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
        var firstEncoded = trials.Count;
        for (var i = 0; i < trials.Count; i++)
        {
            var values = trials[i].Params;
            if (!ReferenceEquals(_params[i], values))
            {
                Codec.Encode(values, _rows.AsSpan(i * Codec.Count, Codec.Count));
                _keys[i] = SpaceSampling.Key(values);
                _params[i] = values;
                firstEncoded = Math.Min(firstEncoded, i);
            }
            Taken.Add(_keys[i]);
        }
        var kept = firstEncoded >= _sortedCount && trials.Count >= _sortedCount ? _sortedCount : 0;
        Count = trials.Count;
        for (var column = 0; column < _byValue.Length; column++)
        {
            if (_byValue[column] is { } sorted) _byValue[column] = Merged(column, sorted.AsSpan(0, kept));
        }
        _sortedCount = Count;
    }

    /// <summary>The number of trials in the context last given to <see cref="Update"/>.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// The positions of the trials of the context last given to <see cref="Update"/> by their value in
    /// <paramref name="column"/>, ties by position (NaN, inactive, first).
    /// </summary>
    public ReadOnlySpan<int> ByValue(int column) => _byValue[column] ??= Merged(column, []);

    /// <summary>The positions by value: <paramref name="kept"/> (the first ones, already in order) with the rest merged in.</summary>
    private int[] Merged(int column, ReadOnlySpan<int> kept)
    {
        var added = Count - kept.Length;
        var keys = ArrayPool<double>.Shared.Rent(added);
        var order = ArrayPool<int>.Shared.Rent(added);
        try
        {
            for (var i = 0; i < added; i++) keys[i] = Value(kept.Length + i, column);
            StableOrder.Sort(keys.AsSpan(0, added), order);
            var merged = new int[Count];
            int a = 0, b = 0;
            for (var m = 0; m < Count; m++)
            {
                // On a tie the kept position goes first: it is the lower one.
                var takeKept = b == added || (a < kept.Length && Value(kept[a], column).CompareTo(keys[b]) <= 0);
                merged[m] = takeKept ? kept[a++] : kept.Length + order[b++];
            }
            return merged;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(keys);
            ArrayPool<int>.Shared.Return(order);
        }
    }

    private double Value(int position, int column) => _rows[position * Codec.Count + column];

    /// <summary>The row of the trial at <paramref name="position"/> in the context last given to <see cref="Update"/>.</summary>
    public ReadOnlySpan<double> Row(int position) => _rows.AsSpan(position * Codec.Count, Codec.Count);
}
