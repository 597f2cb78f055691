using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using EnsembleFarm.Models.Nn;
using Xunit;

namespace EnsembleFarm.Models.Tests.Nn;

/// <summary>
/// Each scheme's draws on layers large enough that its statistics are sharp: 500,000 weights put the sample variance
/// within about 0.13 % (uniform) or 0.2 % (normal) of its expectation (one standard error), while the schemes differ
/// from each other by 33 % or more. The tolerances are 5 to 10 standard errors: a right scheme cannot fail by chance
/// and a wrong one cannot pass. Layers are 1000 inputs × 500 outputs, so a formula that swapped fan_in and fan_out
/// would miss too.
/// </summary>
public class InitializationTests
{
    private const int FanIn = 1000;
    private const int FanOut = 500;

    private static Linear Layer(Initialization scheme, Activation? followedBy = Activation.Relu, int fanIn = FanIn, int fanOut = FanOut, ulong seed = 11)
    {
        var linear = new Linear("layers.0", fanIn, fanOut);
        linear.Initialize(scheme, new Rng(seed), followedBy);
        return linear;
    }

    private static (double Mean, double Variance, double Kurtosis) Moments(float[] values)
    {
        var mean = values.Average(v => (double)v);
        var variance = values.Average(v => (v - mean) * (v - mean));
        var fourth = values.Average(v => Math.Pow(v - mean, 4));
        return (mean, variance, fourth / (variance * variance));
    }

    private static double MaxAbs(float[] values) => values.Max(v => Math.Abs((double)v));

    /// <summary>A bound as float32 holds it: rounding can make it larger than the exact value by up to half an ulp.</summary>
    private static double AsFloat(double bound) => bound * (1 + 1e-7);

    public static TheoryData<Initialization, double> UniformSchemes => new()
    {
        { Initialization.PyTorch, 1 / Math.Sqrt(FanIn) },
        { Initialization.HeUniform, Math.Sqrt(6.0 / FanIn) },
        { Initialization.XavierUniform, Math.Sqrt(6.0 / (FanIn + FanOut)) },
        { Initialization.HeXavierUniform, Math.Sqrt(6.0 / FanIn) },
    };

    [Theory]
    [MemberData(nameof(UniformSchemes))]
    public void Uniform_schemes_fill_their_interval_with_the_uniform_variance(Initialization scheme, double bound)
    {
        var weights = Layer(scheme).Weight.Value.Data;
        var (mean, variance, kurtosis) = Moments(weights);

        Assert.InRange(MaxAbs(weights), 0.999 * bound, AsFloat(bound));
        Assert.InRange(variance / (bound * bound / 3), 0.99, 1.01);
        Assert.InRange(Math.Abs(mean), 0, 5 * bound / Math.Sqrt(3 * weights.Length));
        Assert.InRange(kurtosis, 1.75, 1.85); // a uniform distribution's is 1.8, a normal's 3
    }

    public static TheoryData<Initialization, double> NormalSchemes => new()
    {
        { Initialization.HeNormal, 2.0 / FanIn },
        { Initialization.XavierNormal, 2.0 / (FanIn + FanOut) },
    };

    [Theory]
    [MemberData(nameof(NormalSchemes))]
    public void Normal_schemes_draw_centred_gaussians_of_their_variance(Initialization scheme, double expectedVariance)
    {
        var weights = Layer(scheme).Weight.Value.Data;
        var (mean, variance, kurtosis) = Moments(weights);

        Assert.InRange(variance / expectedVariance, 0.98, 1.02);
        Assert.InRange(Math.Abs(mean), 0, 5 * Math.Sqrt(expectedVariance / weights.Length));
        Assert.InRange(kurtosis, 2.95, 3.05);
        // About 0.27 % of a normal sample lies beyond 3σ, none of a uniform one: the tails are there.
        var beyondThreeSigma = weights.Count(w => Math.Abs(w) > 3 * Math.Sqrt(expectedVariance)) / (double)weights.Length;
        Assert.InRange(beyondThreeSigma, 0.0022, 0.0032);
    }

    [Fact]
    public void Pytorch_draws_biases_uniformly_within_one_over_the_root_of_fan_in()
    {
        // 1000 biases: the sample variance is within 3 % of bound²/3 (one standard error). fan_in = 2000 ≠ fan_out,
        // so a bound from fan_out (1.4 times larger) would show.
        var biases = Layer(Initialization.PyTorch, fanIn: 2000, fanOut: 1000).Bias.Value.Data;
        var bound = 1 / Math.Sqrt(2000);

        Assert.InRange(MaxAbs(biases), 0.98 * bound, AsFloat(bound));
        Assert.InRange(Moments(biases).Variance / (bound * bound / 3), 0.85, 1.15);
    }

    [Theory]
    [InlineData(Initialization.HeUniform)]
    [InlineData(Initialization.HeNormal)]
    [InlineData(Initialization.XavierUniform)]
    [InlineData(Initialization.XavierNormal)]
    [InlineData(Initialization.Orthogonal)]
    [InlineData(Initialization.HeXavierUniform)]
    public void Every_other_scheme_starts_biases_at_zero(Initialization scheme)
    {
        var linear = new Linear("layers.0", 20, 30);
        linear.Bias.Value.Data.AsSpan().Fill(1f); // a re-initialised layer must not keep old biases
        linear.Initialize(scheme, new Rng(3), Activation.Relu);

        Assert.All(linear.Bias.Value.Data, b => Assert.Equal(0f, b));
        Assert.Contains(linear.Weight.Value.Data, w => w != 0f);
    }

    [Fact]
    public void He_xavier_uniform_picks_he_before_relu_like_activations_and_xavier_elsewhere()
    {
        var he = Math.Sqrt(6.0 / FanIn);
        var xavier = Math.Sqrt(6.0 / (FanIn + FanOut));
        foreach (var reluLike in new Activation?[] { Activation.Relu, Activation.LeakyRelu, Activation.Gelu })
            Assert.InRange(MaxAbs(Layer(Initialization.HeXavierUniform, reluLike).Weight.Value.Data), 0.999 * he, AsFloat(he));
        foreach (var other in new Activation?[] { Activation.Tanh, Activation.Sigmoid, null })
            Assert.InRange(MaxAbs(Layer(Initialization.HeXavierUniform, other).Weight.Value.Data), 0.999 * xavier, AsFloat(xavier));
    }

    [Theory]
    [InlineData(Activation.Relu, "89ad8b368bf4028e43168576f6c75b91908c18f1d31603baf182674113d79d44")]
    [InlineData(Activation.Tanh, "51e3712445490f24fad9def4ef82372bfd11d408c796d8722489b62dbafebe91")]
    public void He_xavier_uniform_draws_the_very_weights_of_the_default_before_issue_10(Activation activation, string sha256)
    {
        // SHA-256 of every parameter's float32 bytes in order, from the built-in default at commit 4adfb06.
        var network = new Network(new NetworkSpec([7, 5], activation, Initialization: Initialization.HeXavierUniform), 4, 3, seed: 42);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var parameter in network.Parameters) hash.AppendData(MemoryMarshal.AsBytes(parameter.Value.Data.AsSpan()));

        Assert.Equal(sha256, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [Fact]
    public void Schemes_other_than_he_xavier_uniform_treat_the_output_layer_like_the_hidden_ones()
    {
        // A 1000-wide hidden layer feeding 500 outputs: He's bound there is 0.077, Xavier's 0.063.
        var network = new Network(new NetworkSpec([FanIn], Initialization: Initialization.HeUniform), 10, FanOut, seed: 1);
        var output = network.Parameters[2].Value;
        var bound = Math.Sqrt(6.0 / FanIn);

        Assert.Equal("layers.1.weight", output.Name);
        Assert.InRange(MaxAbs(output.Data), 0.999 * bound, AsFloat(bound));
    }

    [Theory]
    [InlineData(1000, 1000)]
    [InlineData(300, 700)]
    [InlineData(700, 300)]
    public void Orthogonal_weights_have_orthonormal_rows_or_columns(int fanOut, int fanIn)
    {
        var weights = Layer(Initialization.Orthogonal, fanIn: fanIn, fanOut: fanOut).Weight.Value.Data;

        // W·Wᵀ = I when fan_out ≤ fan_in (orthonormal rows), Wᵀ·W = I otherwise (orthonormal columns).
        var wide = fanOut <= fanIn;
        var (count, length) = wide ? (fanOut, fanIn) : (fanIn, fanOut);
        var vectors = new double[count][];
        for (var v = 0; v < count; v++)
        {
            vectors[v] = new double[length];
            for (var e = 0; e < length; e++) vectors[v][e] = wide ? weights[v * fanIn + e] : weights[e * fanIn + v];
        }
        var worst = 0.0;
        for (var a = 0; a < count; a++)
        {
            for (var b = a; b < count; b++)
            {
                var dot = TensorPrimitives.Dot<double>(vectors[a], vectors[b]);
                worst = Math.Max(worst, Math.Abs(dot - (a == b ? 1 : 0)));
            }
        }
        Assert.InRange(worst, 0, 1e-5); // float32 rounding of the entries; a non-orthogonal matrix is off by ~0.1
    }

    [Fact]
    public void Orthogonal_weights_are_uniformly_random_rotations_without_a_sign_bias()
    {
        // For a uniformly random orthogonal n×n matrix each entry has mean 0 and variance 1/n; so the mean of the
        // diagonal has a standard deviation of about 1/n. A QR without the sign correction biases the diagonal by
        // about 0.8/√n, 25 times that at n = 1000.
        const int n = 1000;
        var weights = Layer(Initialization.Orthogonal, fanIn: n, fanOut: n).Weight.Value.Data;
        var diagonalMean = Enumerable.Range(0, n).Average(i => (double)weights[i * n + i]);

        Assert.InRange(Math.Abs(diagonalMean), 0, 5.0 / n);
    }

    public static TheoryData<Initialization> AllSchemes => [.. Enum.GetValues<Initialization>()];

    [Theory]
    [MemberData(nameof(AllSchemes))]
    public void A_seed_gives_the_same_start_and_another_seed_another(Initialization scheme)
    {
        float[] Weights(ulong seed) =>
            [.. new Network(new NetworkSpec([16, 8], Initialization: scheme), 5, 2, seed).Parameters.SelectMany(p => p.Value.Data)];

        Assert.Equal(Weights(7), Weights(7));
        Assert.NotEqual(Weights(7), Weights(8));
    }

    [Fact]
    public void Schemes_draw_different_starts_from_the_same_seed()
    {
        var starts = Enum.GetValues<Initialization>()
            .Select(s => string.Join(",", new Network(new NetworkSpec([16], Initialization: s), 5, 2, seed: 7).Parameters.SelectMany(p => p.Value.Data)))
            .ToList();
        Assert.Equal(starts.Count, starts.Distinct().Count());
    }

    [Fact]
    public void Pytorch_is_the_default()
    {
        Assert.Equal(Initialization.PyTorch, new NetworkSpec([8]).Initialization);
    }

    [Fact]
    public void An_unknown_scheme_is_refused_before_anything_is_drawn()
    {
        var error = Assert.Throws<ArgumentException>(() => new Network(new NetworkSpec([4], Initialization: (Initialization)99), 3, 1, seed: 0));
        Assert.Contains("NetworkSpec.Initialization 99 is not a known initialisation scheme", error.Message);
    }
}
