using System.Globalization;
using System.Reflection;
using System.Text;
using EnsembleFarm.Domain.Search;
using EnsembleFarm.SearchProblems;

namespace EnsembleFarm.SearchBench;

/// <summary>
/// Our TPE alone on the six problems, with some options set otherwise than by default: for trying a change of the
/// sampler's defaults on seeds other than the ones the sampler-quality tables report, without Optuna's slow side. Runs
/// go one after the other (one core), and each prints the median regret after 25, 50 and 100 trials per problem.
/// </summary>
internal static class TpeQuality
{
    /// <summary>Options by their spec name (snake_case of the property), so that a new option needs no change here.</summary>
    private static readonly Dictionary<string, PropertyInfo> Options = typeof(TpeSamplerOptions).GetProperties()
        .Where(p => p.CanWrite && p.Name != nameof(TpeSamplerOptions.Seed))
        .ToDictionary(p => SnakeCase(p.Name), StringComparer.Ordinal);

    public static void Run(int firstSeed, int lastSeed, IReadOnlyList<string> settings, IReadOnlyList<SearchProblem> problems, TextWriter output)
    {
        var options = settings.Aggregate(new TpeSamplerOptions(), Set);
        output.WriteLine($"Our TPE ({(settings.Count == 0 ? "defaults" : string.Join(' ', settings))}), seeds {firstSeed}–{lastSeed}, " +
            "median regret after 25, 50 and 100 trials.");
        output.WriteLine();
        output.WriteLine("| function | regret @25 | regret @50 | regret @100 |");
        output.WriteLine("|---|---:|---:|---:|");
        foreach (var problem in problems)
        {
            var best = Enumerable.Range(firstSeed, lastSeed - firstSeed + 1).Select(seed =>
            {
                var trials = StudyRunner.Run(new TpeSampler(options with { Seed = (ulong)seed }), problem.Space, problem.Function,
                    SamplerQuality.Checkpoints.Max());
                return SamplerQuality.Checkpoints.Select(c => StudyRunner.Best(trials.Take(c))).ToArray();
            }).ToList();
            var regrets = Enumerable.Range(0, SamplerQuality.Checkpoints.Length)
                .Select(i => problem.Regret(StudyRunner.Median(best.Select(b => b[i]))).ToString("G3", CultureInfo.InvariantCulture));
            output.WriteLine($"| {problem.Name} | {string.Join(" | ", regrets)} |");
        }
    }

    private static TpeSamplerOptions Set(TpeSamplerOptions options, string setting)
    {
        var parts = setting.Split('=', 2);
        if (parts.Length != 2 || !Options.TryGetValue(parts[0], out var property))
            throw new ArgumentException($"'{setting}' is not name=value with one of the options {string.Join(", ", Options.Keys)}.");
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var value = type.IsEnum ? Enum.Parse(type, parts[1], ignoreCase: true) : Convert.ChangeType(parts[1], type, CultureInfo.InvariantCulture);
        var copy = options with { };
        property.SetValue(copy, value);
        return copy;
    }

    private static string SnakeCase(string name)
    {
        var text = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            // A capital starts a word unless it continues an acronym (NEiCandidates → n_ei_candidates).
            if (i > 0 && char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || i + 1 < name.Length && char.IsLower(name[i + 1]))) text.Append('_');
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }
}
