using EnsembleFarm.Models.Data.Synthetic;
using Xunit;

namespace EnsembleFarm.Models.Tests.Data.Synthetic;

public class LorentzVectorTests
{
    [Fact]
    public void A_two_body_decay_boosted_to_the_lab_conserves_four_momentum_and_mass()
    {
        var parent = LorentzVector.FromPtRapidityPhi(125, pt: 60, rapidity: 1.2, phi: 0.7);
        Assert.Equal(125, parent.Mass, 1e-9);
        Assert.Equal(60, parent.Pt, 1e-9);

        var (x, y, z) = (62.5 * 0.6, 62.5 * 0.0, 62.5 * 0.8);
        var first = new LorentzVector(62.5, x, y, z).BoostedOutOfRestFrameOf(parent);
        var second = new LorentzVector(62.5, -x, -y, -z).BoostedOutOfRestFrameOf(parent);
        var sum = first + second;

        Assert.Equal(parent.E, sum.E, 1e-9);
        Assert.Equal(parent.Px, sum.Px, 1e-9);
        Assert.Equal(parent.Py, sum.Py, 1e-9);
        Assert.Equal(parent.Pz, sum.Pz, 1e-9);
        Assert.Equal(0, first.Mass, 1e-5);
        Assert.Equal(125, sum.Mass, 1e-9);
        // m² = 2 pT₁ pT₂ (cosh Δη − cos Δφ) for massless daughters.
        var fromAngles = 2 * first.Pt * second.Pt * (Math.Cosh(first.Eta - second.Eta) - Math.Cos(first.Phi - second.Phi));
        Assert.Equal(125 * 125, fromAngles, 1e-6);
    }

    [Fact]
    public void A_massless_vector_has_the_direction_it_was_built_with()
    {
        var photon = LorentzVector.Massless(100, eta: -1.1, phi: 2.5);
        Assert.Equal(-1.1, photon.Eta, 1e-12);
        Assert.Equal(2.5, photon.Phi, 1e-12);
        Assert.Equal(100 / Math.Cosh(1.1), photon.Pt, 1e-9);
    }

    [Theory]
    [InlineData(3.0, -3.0, 6.0 - 2 * Math.PI)]
    [InlineData(-3.0, 3.0, 2 * Math.PI - 6.0)]
    [InlineData(0.5, 0.2, 0.3)]
    public void DeltaPhi_is_folded_into_minus_pi_to_pi(double a, double b, double expected)
    {
        Assert.Equal(expected, LorentzVector.DeltaPhi(a, b), 1e-12);
    }
}
