namespace EnsembleFarm.Models.Data.Synthetic;

/// <summary>
/// A toy electromagnetic calorimeter with ATLAS-like numbers: stochastic term 10%/√E, constant term 1.2%, small
/// position resolution, coverage |η| &lt; 2.37 without the barrel–end-cap transition 1.37 &lt; |η| &lt; 1.52.
/// </summary>
internal static class Calorimeter
{
    public const double MaxAbsEta = 2.37;
    public const double CrackLow = 1.37;
    public const double CrackHigh = 1.52;
    private const double StochasticTerm = 0.10;
    private const double ConstantTerm = 0.012;
    private const double EtaResolution = 0.002;
    private const double PhiResolution = 0.002;

    public static bool Covers(double eta)
    {
        var a = Math.Abs(eta);
        return a < MaxAbsEta && (a < CrackLow || a > CrackHigh);
    }

    /// <summary>Relative energy resolution σ_E / E = a/√E ⊕ c.</summary>
    public static double RelativeResolution(double energy) =>
        Math.Sqrt(StochasticTerm * StochasticTerm / energy + ConstantTerm * ConstantTerm);

    /// <summary>
    /// The photon as measured: energy smeared by the resolution, direction by the position resolution, plus
    /// <paramref name="pointingError"/> in η when the event's primary vertex was misidentified.
    /// </summary>
    public static LorentzVector Measure(LorentzVector photon, Rng rng, double pointingError = 0)
    {
        var energy = photon.E * (1 + RelativeResolution(photon.E) * rng.NextGaussian());
        var etaResolution = Math.Sqrt(EtaResolution * EtaResolution + pointingError * pointingError);
        var eta = photon.Eta + etaResolution * rng.NextGaussian();
        var phi = photon.Phi + PhiResolution * rng.NextGaussian();
        return LorentzVector.Massless(Math.Max(energy, 0.01), eta, phi);
    }
}
