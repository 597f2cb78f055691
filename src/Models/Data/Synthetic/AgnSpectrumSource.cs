namespace EnsembleFarm.Models.Data.Synthetic;

/// <summary>The classes of the AGN spectra sample; the values are the labels.</summary>
public enum AgnClass
{
    /// <summary>A star-forming (H II) galaxy: narrow lines, weak [O III] and [N II] for their Balmer lines.</summary>
    StarForming = 0,

    /// <summary>A type 2 Seyfert: narrow lines only, with strong [O III] λ5007 (a hard ionising continuum).</summary>
    Seyfert2 = 1,

    /// <summary>A LINER: weak lines of low ionisation, [N II], [S II] and [O I] strong against [O III], an old red continuum.</summary>
    Liner = 2,

    /// <summary>A type 1 Seyfert: a blue power-law continuum and broad Balmer lines (thousands of km/s) under the narrow ones.</summary>
    Seyfert1 = 3,
}

/// <summary>
/// Low-resolution optical spectra of galaxy nuclei, one per row: 914 flux bins from 3800 to 9200 Å (observed), 5.9 Å
/// each, and the class of the nucleus (<see cref="AgnClass"/>). A spectrum is a continuum (a stellar population with a
/// 4000 Å break, plus a blue power law from the accretion disc) and Gaussian emission lines whose ratios follow the
/// BPT classification (Baldwin, Phillips and Terlevich 1981; Kewley et al. 2006) and whose widths are the gas's
/// velocity dispersion, broad Balmer lines for type 1, at a redshift 0.01 to 0.1, with noise; normalised to a median
/// continuum of 1. The classes overlap (drawn ratios straddle the BPT boundaries, lines sink into the noise at low
/// S/N), so no cut separates them perfectly. docs/data.md gives every number.
/// </summary>
internal sealed class AgnSpectrumSource : IEventSource
{
    public const int Bins = 914;
    public const double FirstWavelength = 3800;
    public const double LastWavelength = 9200;
    public const double BinWidth = (LastWavelength - FirstWavelength) / Bins;

    private const double SpeedOfLight = 299_792.458;
    private const double InstrumentalSigma = 2.0;
    private const double BalmerDecrement = 2.86;

    private static readonly string[] Names = [.. Enumerable.Range(0, Bins).Select(i => $"flux_{Math.Round(Centre(i)):0000}")];
    private static readonly int[] Decimals = [.. Enumerable.Repeat(3, Bins)];

    /// <summary>Shares of the classes, in label order.</summary>
    private static readonly double[] Shares = [0.35, 0.20, 0.20, 0.25];

    private static readonly ClassLines[] Classes =
    [
        // log([O III]/Hβ), log([N II]/Hα), log([S II]/Hα), log([O I]/Hα), log([O II]/Hβ); EW(Hα) range in Å; σ_v range in km/s;
        // 4000 Å break depth; stellar slope β; share of the continuum from the AGN power law.
        new((-0.30, 0.25), (-0.60, 0.15), (-0.45, 0.12), (-1.60, 0.20), (0.40, 0.15), (15, 150), (50, 120), (0.05, 0.20), (-1.0, 0.3), (0, 0)),
        new((0.75, 0.20), (-0.05, 0.15), (-0.30, 0.12), (-1.00, 0.20), (0.30, 0.15), (5, 60), (100, 300), (0.15, 0.35), (0.0, 1.2), (0, 0.2)),
        new((0.05, 0.20), (0.10, 0.15), (-0.05, 0.12), (-0.60, 0.20), (0.60, 0.15), (1.5, 12), (120, 300), (0.30, 0.50), (0.5, 1.5), (0, 0.1)),
        new((0.70, 0.20), (-0.10, 0.20), (-0.30, 0.15), (-1.00, 0.20), (0.30, 0.15), (5, 40), (100, 300), (0.05, 0.20), (-0.5, 1.0), (0.5, 0.9)),
    ];

    private readonly Rng _rng;
    private readonly double[] _continuum = new double[Bins];

    public AgnSpectrumSource(Rng rng) => _rng = rng;

    public IReadOnlyList<string> FeatureNames => Names;
    public IReadOnlyList<int> FeatureDecimals => Decimals;
    public string TargetName => "class";
    public int TargetDecimals => 0;

    /// <summary>The centre of bin <paramref name="bin"/> in observed Å.</summary>
    public static double Centre(int bin) => FirstWavelength + (bin + 0.5) * BinWidth;

    public double Next(Span<double> features)
    {
        var label = DrawClass();
        var lines = Classes[label];
        var z = Sampling.Uniform(_rng, 0.01, 0.1);

        var breakDepth = Sampling.Uniform(_rng, lines.BreakDepth.Low, lines.BreakDepth.High);
        var stellarSlope = Sampling.Uniform(_rng, lines.StellarSlope.Low, lines.StellarSlope.High);
        var agnShare = Sampling.Uniform(_rng, lines.AgnShare.Low, lines.AgnShare.High);
        var agnSlope = Sampling.Uniform(_rng, -2.0, -1.0);
        double Continuum(double rest)
        {
            // The break as a smooth step 30 Å wide, so that it does not fall on a bin edge.
            var stellar = Math.Pow(rest / 5500, stellarSlope) * (1 - breakDepth / (1 + Math.Exp((rest - 4000) / 30)));
            return (1 - agnShare) * stellar + agnShare * Math.Pow(rest / 5500, agnSlope);
        }
        for (var i = 0; i < Bins; i++) _continuum[i] = Continuum(Centre(i) / (1 + z));
        var median = Median(_continuum);
        for (var i = 0; i < Bins; i++) features[i] = _continuum[i];

        var sigma = Sampling.Uniform(_rng, lines.Sigma.Low, lines.Sigma.High);
        var alpha = Sampling.LogUniform(_rng, lines.HalphaWidth.Low, lines.HalphaWidth.High) * Continuum(6562.8);
        var beta = alpha / (BalmerDecrement * Math.Pow(10, Sampling.Uniform(_rng, 0, 0.3)));
        var oxygen3 = beta * Ratio(lines.Oxygen3);
        var nitrogen2 = alpha * Ratio(lines.Nitrogen2);
        var sulphur2 = alpha * Ratio(lines.Sulphur2);
        AddLine(features, 6562.8, alpha, z, sigma);
        AddLine(features, 4861.3, beta, z, sigma);
        AddLine(features, 5006.8, oxygen3, z, sigma);
        AddLine(features, 4958.9, oxygen3 / 2.98, z, sigma);
        AddLine(features, 6583.5, nitrogen2, z, sigma);
        AddLine(features, 6548.0, nitrogen2 / 3.05, z, sigma);
        AddLine(features, 6716.4, 0.55 * sulphur2, z, sigma);
        AddLine(features, 6730.8, 0.45 * sulphur2, z, sigma);
        AddLine(features, 6300.3, alpha * Ratio(lines.Oxygen1), z, sigma);
        AddLine(features, 3727.4, beta * Ratio(lines.Oxygen2), z, sigma);
        if ((AgnClass)label == AgnClass.Seyfert1)
        {
            // Broad-line region: gas orbiting the black hole at thousands of km/s.
            var broadSigma = Sampling.Uniform(_rng, 2000, 9000) / 2.3548;
            var broadAlpha = Sampling.LogUniform(_rng, 80, 500) * Continuum(6562.8);
            AddLine(features, 6562.8, broadAlpha, z, broadSigma);
            AddLine(features, 4861.3, broadAlpha / 3.0, z, broadSigma);
        }

        // Noise: a signal-to-noise ratio per bin at the median continuum, rising towards the red end where the sky is brighter.
        var noise = median / Sampling.Uniform(_rng, 4, 25);
        for (var i = 0; i < Bins; i++)
            features[i] = (features[i] + noise * (1 + 0.5 * i / Bins) * _rng.NextGaussian()) / median;
        return label;
    }

    private int DrawClass()
    {
        var u = _rng.NextDouble();
        for (var label = 0; label < Shares.Length - 1; label++)
        {
            u -= Shares[label];
            if (u < 0) return label;
        }
        return Shares.Length - 1;
    }

    private double Ratio((double Mean, double Spread) logRatio) => Math.Pow(10, logRatio.Mean + logRatio.Spread * _rng.NextGaussian());

    /// <summary>Adds a Gaussian line of total <paramref name="flux"/> (flux density × Å), integrated over each bin it touches.</summary>
    private static void AddLine(Span<double> spectrum, double restWavelength, double flux, double z, double sigmaVelocity)
    {
        var centre = restWavelength * (1 + z);
        var sigma = Math.Sqrt(Math.Pow(centre * sigmaVelocity / SpeedOfLight, 2) + InstrumentalSigma * InstrumentalSigma);
        var first = Math.Max(0, (int)((centre - 6 * sigma - FirstWavelength) / BinWidth));
        var last = Math.Min(Bins - 1, (int)((centre + 6 * sigma - FirstWavelength) / BinWidth));
        for (var i = first; i <= last; i++)
        {
            var low = FirstWavelength + i * BinWidth;
            var share = Sampling.NormalCdf((low + BinWidth - centre) / sigma) - Sampling.NormalCdf((low - centre) / sigma);
            spectrum[i] += flux * share / BinWidth;
        }
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return 0.5 * (sorted[(sorted.Length - 1) / 2] + sorted[sorted.Length / 2]);
    }

    /// <summary>One class's emission-line ratios (log10, mean and spread) and the ranges of its other draws.</summary>
    private sealed record ClassLines(
        (double Mean, double Spread) Oxygen3,
        (double Mean, double Spread) Nitrogen2,
        (double Mean, double Spread) Sulphur2,
        (double Mean, double Spread) Oxygen1,
        (double Mean, double Spread) Oxygen2,
        (double Low, double High) HalphaWidth,
        (double Low, double High) Sigma,
        (double Low, double High) BreakDepth,
        (double Low, double High) StellarSlope,
        (double Low, double High) AgnShare);
}
