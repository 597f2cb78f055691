namespace EnsembleFarm.Models.Data.Synthetic;

/// <summary>A four-momentum (E, px, py, pz) in GeV, with the collider coordinates derived from it.</summary>
internal readonly record struct LorentzVector(double E, double Px, double Py, double Pz)
{
    /// <summary>A particle of the given mass with transverse momentum, rapidity and azimuth.</summary>
    public static LorentzVector FromPtRapidityPhi(double mass, double pt, double rapidity, double phi)
    {
        var transverseMass = Math.Sqrt(mass * mass + pt * pt);
        return new(transverseMass * Math.Cosh(rapidity), pt * Math.Cos(phi), pt * Math.Sin(phi), transverseMass * Math.Sinh(rapidity));
    }

    /// <summary>A massless particle (a photon as the calorimeter sees it) from energy, pseudorapidity and azimuth.</summary>
    public static LorentzVector Massless(double energy, double eta, double phi)
    {
        var pt = energy / Math.Cosh(eta);
        return new(energy, pt * Math.Cos(phi), pt * Math.Sin(phi), pt * Math.Sinh(eta));
    }

    public double Pt => Math.Sqrt(Px * Px + Py * Py);

    /// <summary>Pseudorapidity −ln tan(θ/2), written as asinh(pz / pT).</summary>
    public double Eta => Math.Asinh(Pz / Pt);

    public double Phi => Math.Atan2(Py, Px);

    public double Mass => Math.Sqrt(Math.Max(0, E * E - Px * Px - Py * Py - Pz * Pz));

    public static LorentzVector operator +(LorentzVector a, LorentzVector b) => new(a.E + b.E, a.Px + b.Px, a.Py + b.Py, a.Pz + b.Pz);

    public LorentzVector Scale(double factor) => new(E * factor, Px * factor, Py * factor, Pz * factor);

    /// <summary>This vector, given in the rest frame of <paramref name="frame"/>, seen in the frame where <paramref name="frame"/> moves.</summary>
    public LorentzVector BoostedOutOfRestFrameOf(LorentzVector frame)
    {
        var mass = frame.Mass;
        var (bx, by, bz) = (frame.Px / frame.E, frame.Py / frame.E, frame.Pz / frame.E);
        var gamma = frame.E / mass;
        var dot = bx * Px + by * Py + bz * Pz;
        var beta2 = bx * bx + by * by + bz * bz;
        var along = beta2 > 0 ? (gamma - 1) * dot / beta2 + gamma * E : 0;
        return new(gamma * (E + dot), Px + along * bx, Py + along * by, Pz + along * bz);
    }

    /// <summary>Azimuthal difference folded into [−π, π].</summary>
    public static double DeltaPhi(double phi1, double phi2)
    {
        var d = phi1 - phi2;
        while (d > Math.PI) d -= 2 * Math.PI;
        while (d < -Math.PI) d += 2 * Math.PI;
        return d;
    }
}
