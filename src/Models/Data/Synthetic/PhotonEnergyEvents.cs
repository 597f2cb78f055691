namespace EnsembleFarm.Models.Data.Synthetic;

/// <summary>
/// Single photons for an energy-calibration regression: predict the true transverse momentum from what the
/// calorimeter measured. The measured energy falls short by a loss in the material in front of the calorimeter that
/// depends on η and on whether the photon converted (seen through the shower-shape variable r9), and pile-up adds
/// energy that grows with the number of vertices: a multiplicative, non-linear response that a linear fit cannot undo.
/// </summary>
internal sealed class PhotonEnergyEvents(Rng rng) : IEventSource
{
    private static readonly string[] Names = ["pt_reco", "eta", "phi", "r9", "n_vertices"];
    private static readonly int[] Decimals = [2, 4, 4, 4, 0];

    public IReadOnlyList<string> FeatureNames => Names;
    public IReadOnlyList<int> FeatureDecimals => Decimals;
    public string TargetName => "pt_true";
    public int TargetDecimals => 2;

    public double Next(Span<double> features)
    {
        var ptTrue = 20 + Sampling.Exponential(rng, 30);
        double eta;
        do { eta = Sampling.Uniform(rng, -Calorimeter.MaxAbsEta, Calorimeter.MaxAbsEta); } while (!Calorimeter.Covers(eta));
        var phi = Sampling.Uniform(rng, -Math.PI, Math.PI);
        var absEta = Math.Abs(eta);

        var conversionProbability = 0.15 + 0.35 * Square(absEta / Calorimeter.MaxAbsEta);
        var converted = rng.NextDouble() < conversionProbability;
        var r9 = converted
            ? Sampling.Uniform(rng, 0.45, 0.95)
            : Math.Max(0.6, 1 - Sampling.Exponential(rng, 0.025));

        // Fraction of the energy lost upstream: most material just before the barrel–end-cap transition.
        var material = 0.02 + 0.08 * Math.Exp(-Square((absEta - 1.25) / 0.25)) + 0.04 * Square(absEta / Calorimeter.MaxAbsEta);
        var loss = material * (1 + 2.5 * (1 - r9));

        var vertices = Sampling.Poisson(rng, 30);
        var pileupPt = 0.035 * vertices + 0.02 * vertices * rng.NextGaussian();

        var deposited = (ptTrue * (1 - loss) + pileupPt) * Math.Cosh(eta);
        var measured = Calorimeter.Measure(LorentzVector.Massless(deposited, eta, phi), rng);

        features[0] = measured.Pt;
        features[1] = measured.Eta;
        features[2] = measured.Phi;
        features[3] = r9;
        features[4] = vertices;
        return ptTrue;
    }

    private static double Square(double x) => x * x;
}
