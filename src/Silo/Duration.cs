using System.Globalization;

namespace EnsembleFarm.Silo;

/// <summary>Durations as operators type them: <c>250ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, or a plain number of seconds.</summary>
public static class Duration
{
    private static readonly (string Suffix, double Milliseconds)[] Units =
        [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000)];

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var trimmed = text.Trim();
        // "ms" before "s" and "m": the longest suffix that matches wins.
        var (number, factor) = Units.OrderByDescending(u => u.Suffix.Length)
            .Where(u => trimmed.EndsWith(u.Suffix, StringComparison.OrdinalIgnoreCase))
            .Select(u => (trimmed[..^u.Suffix.Length], u.Milliseconds))
            .DefaultIfEmpty((trimmed, 1000))
            .First();
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || !double.IsFinite(value) || value * factor > TimeSpan.MaxValue.TotalMilliseconds)
            return false;
        duration = TimeSpan.FromMilliseconds(value * factor);
        return true;
    }

    public static string Format(TimeSpan duration) =>
        duration.TotalSeconds >= 1 && duration.Milliseconds == 0
            ? $"{duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s"
            : $"{duration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms";
}
