using System.Globalization;

namespace EnsembleFarm.Silo;

/// <summary>
/// Which GPUs a silo offers (<c>--gpus</c>): those <c>nvidia-smi</c> finds (<see cref="Auto"/>, the default: a machine
/// without NVIDIA GPUs offers none), <see cref="None"/>, or the listed device ids (what <c>CUDA_VISIBLE_DEVICES</c>
/// would name). <see cref="GpuDetection"/> turns it into the GPUs the silo offers.
/// </summary>
public readonly record struct GpuSelection
{
    /// <summary>The listed device ids, in the order given; null for <see cref="Auto"/>, empty for <see cref="None"/>.</summary>
    public IReadOnlyList<int>? Ids { get; private init; }

    /// <summary>Whatever <c>nvidia-smi</c> finds; the default value of the type, so an unset setting is auto.</summary>
    public static GpuSelection Auto => default;

    public static GpuSelection None { get; } = new() { Ids = [] };

    public bool IsAuto => Ids is null;

    public static GpuSelection Of(params int[] ids) => new() { Ids = [.. ids] };

    /// <summary><c>auto</c>, <c>none</c>, or distinct non-negative device ids separated by commas (<c>0,1</c>).</summary>
    public static bool TryParse(string text, out GpuSelection selection)
    {
        selection = Auto;
        switch (text.Trim().ToLowerInvariant())
        {
            case "auto":
                return true;
            case "none":
                selection = None;
                return true;
        }
        var ids = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) || ids.Contains(id)) return false;
            ids.Add(id);
        }
        selection = new GpuSelection { Ids = ids };
        return true;
    }

    public bool Equals(GpuSelection other) => Ids is null ? other.Ids is null : other.Ids is not null && Ids.SequenceEqual(other.Ids);

    public override int GetHashCode() => Ids is null ? -1 : Ids.Aggregate(Ids.Count, HashCode.Combine);

    public override string ToString() => Ids switch
    {
        null => "auto",
        [] => "none",
        var ids => string.Join(',', ids),
    };
}
