namespace EnsembleFarm.Models.Data.Synthetic;

/// <summary>The processes of the diphoton sample; the values are the multi-class labels.</summary>
internal enum DiphotonProcess
{
    /// <summary>Prompt diphoton continuum (q q̄ → γγ): the irreducible background.</summary>
    Continuum = 0,
    /// <summary>H → γγ with m_H = 125 GeV: the signal.</summary>
    Higgs = 1,
    /// <summary>γ + jet with the jet misidentified as a photon: the reducible background.</summary>
    PhotonJet = 2,
}

/// <summary>
/// Events with two reconstructed photons, as in an H → γγ search: a narrow resonance at 125 GeV over falling
/// backgrounds. Each event is built at generator level (mass, transverse momentum, rapidity and decay angle of the
/// diphoton system, boosted to the lab), passed through the toy <see cref="Calorimeter"/>, and kept only if it passes
/// an ATLAS-like selection. docs/data.md gives every formula and number.
/// </summary>
internal sealed class DiphotonEvents(Rng rng, bool labelIsProcess) : IEventSource
{
    public const double HiggsMass = 125.0;
    public const double SignalFraction = 0.25;
    public const double PhotonJetFraction = 0.25;
    public const double MassWindowLow = 105;
    public const double MassWindowHigh = 160;
    public const double WrongVertexFraction = 0.25;
    public const double WrongVertexEtaError = 0.02;
    private const double LeadingPtOverMass = 0.35;
    private const double SubleadingPtOverMass = 0.25;

    private static readonly string[] Names =
        ["pt_1", "eta_1", "phi_1", "iso_1", "pt_2", "eta_2", "phi_2", "iso_2", "m_yy", "pt_yy", "delta_r", "cos_theta_star", "n_jets", "met"];
    private static readonly int[] Decimals = [2, 4, 4, 2, 2, 4, 4, 2, 2, 2, 4, 4, 0, 2];

    public IReadOnlyList<string> FeatureNames => Names;
    public IReadOnlyList<int> FeatureDecimals => Decimals;
    public string TargetName => labelIsProcess ? "process" : "signal";
    public int TargetDecimals => 0;

    public double Next(Span<double> features)
    {
        var u = rng.NextDouble();
        var process = u < SignalFraction ? DiphotonProcess.Higgs
            : u < SignalFraction + PhotonJetFraction ? DiphotonProcess.PhotonJet
            : DiphotonProcess.Continuum;
        // Regenerate until the event passes the selection, so the label mix is the one chosen above.
        while (!TrySimulate(process, features)) { }
        return labelIsProcess ? (int)process : process == DiphotonProcess.Higgs ? 1 : 0;
    }

    private bool TrySimulate(DiphotonProcess process, Span<double> features)
    {
        var (system, cosThetaStar) = process switch
        {
            DiphotonProcess.Higgs => (
                LorentzVector.FromPtRapidityPhi(HiggsMass, Sampling.GammaShape2(rng, 20), 1.5 * rng.NextGaussian(), RandomPhi()),
                Sampling.Uniform(rng, -1, 1)),
            DiphotonProcess.Continuum => (
                LorentzVector.FromPtRapidityPhi(Sampling.TruncatedExponential(rng, 28, 95, 175), Sampling.GammaShape2(rng, 12), 1.9 * rng.NextGaussian(), RandomPhi()),
                Sampling.Rejection(rng, c => (1 + c * c) / (1 - c * c + 0.05), -1, 1, 2 / 0.05)),
            _ => (
                LorentzVector.FromPtRapidityPhi(Sampling.TruncatedExponential(rng, 22, 95, 200), Sampling.GammaShape2(rng, 16), 1.7 * rng.NextGaussian(), RandomPhi()),
                Sampling.Rejection(rng, c => (1 + c * c) / (1 - c * c + 0.2), -1, 1, 2 / 0.2)),
        };

        // Two back-to-back massless daughters in the rest frame of the system, decay axis at polar angle θ* from the beam.
        var half = system.Mass / 2;
        var sinTheta = Math.Sqrt(1 - cosThetaStar * cosThetaStar);
        var azimuth = RandomPhi();
        var (dx, dy, dz) = (half * sinTheta * Math.Cos(azimuth), half * sinTheta * Math.Sin(azimuth), half * cosThetaStar);
        var first = new LorentzVector(half, dx, dy, dz).BoostedOutOfRestFrameOf(system);
        var second = new LorentzVector(half, -dx, -dy, -dz).BoostedOutOfRestFrameOf(system);

        double isolation1 = PromptIsolation(), isolation2 = PromptIsolation();
        if (process == DiphotonProcess.PhotonJet)
        {
            // The fake photon is the jet's leading π⁰/η: a fraction of the jet energy, the rest spread around it.
            var emFraction = Sampling.Uniform(rng, 0.65, 0.95);
            var fakeIsFirst = rng.NextDouble() < 0.5;
            var jet = fakeIsFirst ? first : second;
            var hadronicIsolation = 0.4 * (1 - emFraction) * jet.E;
            if (fakeIsFirst) { first = jet.Scale(emFraction); isolation1 += hadronicIsolation; }
            else { second = jet.Scale(emFraction); isolation2 += hadronicIsolation; }
        }

        // In a quarter of events pile-up hides the hard vertex; photon directions measured from the wrong one are off in η.
        var pointingError = rng.NextDouble() < WrongVertexFraction ? WrongVertexEtaError : 0;
        var photon1 = Calorimeter.Measure(first, rng, pointingError);
        var photon2 = Calorimeter.Measure(second, rng, pointingError);
        if (photon2.Pt > photon1.Pt)
        {
            (photon1, photon2) = (photon2, photon1);
            (isolation1, isolation2) = (isolation2, isolation1);
        }
        if (!Calorimeter.Covers(photon1.Eta) || !Calorimeter.Covers(photon2.Eta)) return false;
        var diphoton = photon1 + photon2;
        var mass = diphoton.Mass;
        if (mass < MassWindowLow || mass > MassWindowHigh) return false;
        if (photon1.Pt < LeadingPtOverMass * mass || photon2.Pt < SubleadingPtOverMass * mass) return false;

        var jets = Sampling.Poisson(rng, process switch { DiphotonProcess.Higgs => 1.2, DiphotonProcess.Continuum => 0.5, _ => 0.9 });
        var metResolution = 5 + 0.02 * (photon1.Pt + photon2.Pt);
        var met = Math.Sqrt(Square(metResolution * rng.NextGaussian()) + Square(metResolution * rng.NextGaussian()));

        var deltaEta = photon1.Eta - photon2.Eta;
        var deltaPhi = LorentzVector.DeltaPhi(photon1.Phi, photon2.Phi);
        var ptOverMass = diphoton.Pt / mass;
        // Collins–Soper angle from the measured photons, as in the ATLAS H → γγ analyses.
        var cosThetaCollinsSoper = Math.Abs(Math.Sinh(deltaEta)) / Math.Sqrt(1 + ptOverMass * ptOverMass) * 2 * photon1.Pt * photon2.Pt / (mass * mass);

        features[0] = photon1.Pt;
        features[1] = photon1.Eta;
        features[2] = photon1.Phi;
        features[3] = isolation1;
        features[4] = photon2.Pt;
        features[5] = photon2.Eta;
        features[6] = photon2.Phi;
        features[7] = isolation2;
        features[8] = mass;
        features[9] = diphoton.Pt;
        features[10] = Math.Sqrt(deltaEta * deltaEta + deltaPhi * deltaPhi);
        features[11] = cosThetaCollinsSoper;
        features[12] = jets;
        features[13] = met;
        return true;
    }

    /// <summary>Calorimeter isolation of a real photon: a little leakage plus pile-up noise (which can make it negative).</summary>
    private double PromptIsolation() => Sampling.Exponential(rng, 1.2) + 0.8 * rng.NextGaussian();

    private double RandomPhi() => Sampling.Uniform(rng, -Math.PI, Math.PI);

    private static double Square(double x) => x * x;
}
