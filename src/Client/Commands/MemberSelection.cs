using System.Globalization;
using EnsembleFarm.GrainInterfaces;

namespace EnsembleFarm.Client.Commands;

/// <summary>The members a command is limited to: <c>--members 0,3,5-7</c> (indices and inclusive ranges).</summary>
internal static class MemberSelection
{
    /// <returns>The indices in ascending order, each once; null when no selection was given (every member).</returns>
    /// <exception cref="FarmCliException">A part is neither an index nor a range (exit 2).</exception>
    public static IReadOnlyList<int>? Parse(string? text)
    {
        if (text is null) return null;
        var indices = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length is < 1 or > 2 || !bounds.All(IsIndex) || bounds.Length == 2 && Index(bounds[1]) < Index(bounds[0]))
                throw new FarmCliException(FarmExitCodes.BadInput,
                    $"error: --members: '{part}' is not a member index or a range such as 3-7 (e.g. --members 0,3,5-7)");
            for (var i = Index(bounds[0]); i <= Index(bounds[^1]); i++) indices.Add(i);
        }
        return [.. indices];
    }

    private static bool IsIndex(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _);

    private static int Index(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
