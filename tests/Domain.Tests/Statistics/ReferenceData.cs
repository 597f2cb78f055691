using EnsembleFarm.Domain.Statistics;

namespace EnsembleFarm.Domain.Tests.Statistics;

/// <summary>The fixed data sets of references.py, rebuilt bit for bit from the same integer formulas rounded to float.</summary>
internal static class ReferenceData
{
    public const int Rows = 40;

    public static float[] Labels { get; } = Build(i => (i * 7) % 5 < 2 ? 1f : 0f);

    /// <summary>Continuous scores that separate the classes fairly well.</summary>
    public static float[] ScoresA { get; } = Build(i => (float)((i * 37 % 101) / 101.0 + 0.25 * Labels[i]));

    /// <summary>Scores in ninths: many ties, nearly uninformative.</summary>
    public static float[] ScoresB { get; } = Build(i => (float)(((i * 13 + 5 * (int)Labels[i]) % 9) / 8.0));

    /// <summary>Three members' probabilities.</summary>
    public static float[][] Members { get; } =
        [.. Enumerable.Range(0, 3).Select(m => Build(i => (float)(((i * (17 + 2 * m) + 11 * m) % 89) / 89.0 * 0.7 + 0.3 * Labels[i])))];

    public static AucComponents Components(float[] scores) => AucComponents.Of(ScoreOrder.Of(scores, Labels))!;

    private static float[] Build(Func<int, float> value) => [.. Enumerable.Range(0, Rows).Select(value)];
}
