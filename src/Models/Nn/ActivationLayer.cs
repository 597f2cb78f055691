using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EnsembleFarm.Models.Nn;

/// <summary>
/// An element-wise activation. GELU is the tanh approximation (PyTorch's <c>nn.GELU(approximate="tanh")</c>),
/// which vectorises and keeps a saved model's predictions reproducible in PyTorch.
/// </summary>
public sealed class ActivationLayer : Layer
{
    private const float GeluCubic = 0.044715f;
    private static readonly float GeluScale = MathF.Sqrt(2f / MathF.PI);

    private float[] _geluTanh = [];

    public ActivationLayer(Activation kind, int width, float leakyReluSlope = 0.01f) : base(width, width)
    {
        Kind = kind;
        LeakyReluSlope = leakyReluSlope;
    }

    public Activation Kind { get; }
    public float LeakyReluSlope { get; }

    /// <summary>Whether Kaiming initialisation suits the layer before this activation (Xavier otherwise), as <see cref="Initialization.HeXavierUniform"/> decides.</summary>
    public static bool IsReluLike(Activation kind) => kind is Activation.Relu or Activation.LeakyRelu or Activation.Gelu;

    public override void Reserve(int rows)
    {
        if (Kind == Activation.Gelu && _geluTanh.Length < rows * InputWidth) _geluTanh = new float[rows * InputWidth];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Forward(ReadOnlySpan<float> input, Span<float> output, int rows, in PassOptions pass)
    {
        var n = rows * InputWidth;
        var x = input[..n];
        var y = output[..n];
        switch (Kind)
        {
            case Activation.Relu: TensorPrimitives.Max(x, 0f, y); break;
            case Activation.LeakyRelu: LeakyRelu(x, y, LeakyReluSlope); break;
            case Activation.Tanh: TensorPrimitives.Tanh(x, y); break;
            case Activation.Sigmoid: TensorPrimitives.Sigmoid(x, y); break;
            case Activation.Gelu: Gelu(x, y, _geluTanh.AsSpan(0, n)); break;
            default: throw new InvalidOperationException($"Unknown activation {Kind}.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, int rows, in PassOptions pass)
    {
        if (inputGradient.IsEmpty) return;
        var n = rows * InputWidth;
        var x = input[..n];
        var y = output[..n];
        var dy = outputGradient[..n];
        var dx = inputGradient[..n];
        switch (Kind)
        {
            case Activation.Relu: LeakyReluBackward(y, dy, dx, 0f); break;
            case Activation.LeakyRelu: LeakyReluBackward(x, dy, dx, LeakyReluSlope); break;
            case Activation.Tanh: TanhBackward(y, dy, dx); break;
            case Activation.Sigmoid: SigmoidBackward(y, dy, dx); break;
            case Activation.Gelu: GeluBackward(x, _geluTanh.AsSpan(0, n), dy, dx); break;
            default: throw new InvalidOperationException($"Unknown activation {Kind}.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LeakyRelu(ReadOnlySpan<float> x, Span<float> y, float slope)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        for (var i = 0; i < vx.Length; i++)
            vy[i] = Vector.ConditionalSelect(Vector.GreaterThan(vx[i], Vector<float>.Zero), vx[i], vx[i] * slope);
        for (var i = vx.Length * Vector<float>.Count; i < x.Length; i++) y[i] = x[i] > 0f ? x[i] : x[i] * slope;
    }

    /// <summary>dx = dy where the sign source is positive, slope·dy elsewhere (relu passes its output, leaky relu its input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LeakyReluBackward(ReadOnlySpan<float> signSource, ReadOnlySpan<float> dy, Span<float> dx, float slope)
    {
        var vs = MemoryMarshal.Cast<float, Vector<float>>(signSource);
        var vdy = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vdx = MemoryMarshal.Cast<float, Vector<float>>(dx);
        for (var i = 0; i < vs.Length; i++)
            vdx[i] = Vector.ConditionalSelect(Vector.GreaterThan(vs[i], Vector<float>.Zero), vdy[i], vdy[i] * slope);
        for (var i = vs.Length * Vector<float>.Count; i < dy.Length; i++) dx[i] = signSource[i] > 0f ? dy[i] : dy[i] * slope;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        var vdy = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vdx = MemoryMarshal.Cast<float, Vector<float>>(dx);
        for (var i = 0; i < vy.Length; i++) vdx[i] = vdy[i] * (Vector<float>.One - vy[i] * vy[i]);
        for (var i = vy.Length * Vector<float>.Count; i < y.Length; i++) dx[i] = dy[i] * (1f - y[i] * y[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        var vy = MemoryMarshal.Cast<float, Vector<float>>(y);
        var vdy = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vdx = MemoryMarshal.Cast<float, Vector<float>>(dx);
        for (var i = 0; i < vy.Length; i++) vdx[i] = vdy[i] * vy[i] * (Vector<float>.One - vy[i]);
        for (var i = vy.Length * Vector<float>.Count; i < y.Length; i++) dx[i] = dy[i] * y[i] * (1f - y[i]);
    }

    /// <summary>y = x/2 · (1 + t), t = tanh(√(2/π)(x + 0.044715x³)); t is kept for the backward pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gelu(ReadOnlySpan<float> x, Span<float> y, Span<float> t)
    {
        TensorPrimitives.Multiply(x, x, t);
        TensorPrimitives.Multiply(t, GeluCubic, t);
        TensorPrimitives.Add(t, 1f, t);
        TensorPrimitives.Multiply(t, x, t);
        TensorPrimitives.Multiply(t, GeluScale, t);
        TensorPrimitives.Tanh(t, t);
        TensorPrimitives.Add(t, 1f, y);
        TensorPrimitives.Multiply(y, x, y);
        TensorPrimitives.Multiply(y, 0.5f, y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GeluBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> t, ReadOnlySpan<float> dy, Span<float> dx)
    {
        var vx = MemoryMarshal.Cast<float, Vector<float>>(x);
        var vt = MemoryMarshal.Cast<float, Vector<float>>(t);
        var vdy = MemoryMarshal.Cast<float, Vector<float>>(dy);
        var vdx = MemoryMarshal.Cast<float, Vector<float>>(dx);
        var half = new Vector<float>(0.5f);
        var scale = new Vector<float>(GeluScale);
        var cubic3 = new Vector<float>(3f * GeluCubic);
        for (var i = 0; i < vx.Length; i++)
        {
            var inner = scale * (Vector<float>.One + cubic3 * vx[i] * vx[i]);
            vdx[i] = vdy[i] * half * (Vector<float>.One + vt[i] + vx[i] * (Vector<float>.One - vt[i] * vt[i]) * inner);
        }
        for (var i = vx.Length * Vector<float>.Count; i < x.Length; i++)
        {
            var inner = GeluScale * (1f + 3f * GeluCubic * x[i] * x[i]);
            dx[i] = dy[i] * 0.5f * (1f + t[i] + x[i] * (1f - t[i] * t[i]) * inner);
        }
    }
}
