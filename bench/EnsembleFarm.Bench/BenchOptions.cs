using System.Globalization;

namespace EnsembleFarm.Bench;

/// <summary>A bench command's <c>--name value</c> options and positional arguments.</summary>
internal sealed class BenchOptions
{
    private readonly Dictionary<string, string> _values = [];

    public List<string> Positional { get; } = [];

    /// <exception cref="ArgumentException">An option that is not one of <paramref name="known"/>, or one without its value.</exception>
    public static BenchOptions Parse(IReadOnlyList<string> args, params string[] known)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                options.Positional.Add(args[i]);
                continue;
            }
            if (!known.Contains(args[i])) throw new ArgumentException($"unknown option {args[i]}; this command takes {string.Join(", ", known)}.");
            if (i + 1 >= args.Count) throw new ArgumentException($"{args[i]} needs a value.");
            options._values[args[i]] = args[++i];
        }
        return options;
    }

    /// <summary>The option's value when it is one of <paramref name="allowed"/>; null when the option is not given.</summary>
    /// <exception cref="ArgumentException">The value is not one of <paramref name="allowed"/>.</exception>
    public string? Choice(string name, params string[] allowed) => _values.TryGetValue(name, out var text)
        ? allowed.Contains(text) ? text : throw new ArgumentException($"{name} takes {string.Join(" or ", allowed)}, got '{text}'.")
        : null;

    public int Count(string name, int fallback) => _values.TryGetValue(name, out var text) ? Positive(text) : fallback;

    /// <summary>A comma-separated list of positive counts, e.g. <c>1,2,4,8</c>.</summary>
    public int[] Counts(string name, int[] fallback) =>
        _values.TryGetValue(name, out var text) ? [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Positive)] : fallback;

    private static int Positive(string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"'{text}' is not a positive count.");
}
