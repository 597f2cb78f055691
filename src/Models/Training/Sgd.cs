using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Models.Training;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with
/// PyTorch's update rule (the velocity starts as the first gradient).
/// </summary>
public sealed class Sgd : Optimizer
{
    private readonly float _momentum;
    private readonly bool _nesterov;
    private readonly float _weightDecay;
    private readonly float[][] _velocity;
    private bool _started;

    public Sgd(IReadOnlyList<Parameter> parameters, float momentum = 0f, bool nesterov = false, float weightDecay = 0f) : base(parameters)
    {
        if (!(momentum is >= 0f and < 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        if (nesterov && momentum == 0f) throw new ArgumentException("Nesterov momentum needs a momentum above 0.", nameof(nesterov));
        _momentum = momentum;
        _nesterov = nesterov;
        _weightDecay = weightDecay;
        _velocity = momentum > 0f ? [.. parameters.Select(p => new float[p.Length])] : [];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Step(float learningRate)
    {
        for (var i = 0; i < Parameters.Count; i++)
        {
            var weights = Parameters[i].Value.Data;
            var gradient = Parameters[i].Gradient;
            if (_weightDecay != 0f) TensorPrimitives.MultiplyAdd(weights, _weightDecay, gradient, gradient);
            if (_momentum == 0f)
            {
                TensorPrimitives.MultiplyAdd(gradient, -learningRate, weights, weights);
                continue;
            }
            var velocity = _velocity[i];
            if (_started) TensorPrimitives.MultiplyAdd(velocity, _momentum, gradient, velocity);
            else gradient.CopyTo(velocity, 0);
            if (_nesterov)
            {
                TensorPrimitives.MultiplyAdd(gradient, -learningRate, weights, weights);
                TensorPrimitives.MultiplyAdd(velocity, -learningRate * _momentum, weights, weights);
            }
            else
            {
                TensorPrimitives.MultiplyAdd(velocity, -learningRate, weights, weights);
            }
        }
        _started = true;
    }
}
