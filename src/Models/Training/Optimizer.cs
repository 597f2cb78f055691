using System.Numerics.Tensors;
using EnsembleFarm.Models.Nn;

namespace EnsembleFarm.Models.Training;

/// <summary>Updates a list of parameters from their accumulated gradients (PyTorch's <c>torch.optim</c>).</summary>
public abstract class Optimizer
{
    protected Optimizer(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
    }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>One update with the given learning rate; the gradients are consumed (they may be modified).</summary>
    public abstract void Step(float learningRate);

    /// <summary>
    /// Scales all gradients together so that their global L2 norm is at most <paramref name="maxNorm"/>
    /// (PyTorch's <c>clip_grad_norm_</c>); returns the norm before clipping.
    /// </summary>
    public double ClipGradientNorm(float maxNorm)
    {
        var sumOfSquares = 0.0;
        foreach (var parameter in Parameters) sumOfSquares += TensorPrimitives.SumOfSquares<float>(parameter.Gradient);
        var norm = Math.Sqrt(sumOfSquares);
        if (norm > maxNorm)
        {
            var scale = (float)(maxNorm / (norm + 1e-6));
            foreach (var parameter in Parameters) TensorPrimitives.Multiply(parameter.Gradient, scale, parameter.Gradient);
        }
        return norm;
    }

    public static Optimizer Create(OptimizerSpec spec, IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!(spec.LearningRate > 0f && float.IsFinite(spec.LearningRate)))
            throw new ArgumentException($"OptimizerSpec.LearningRate is {spec.LearningRate}; it must be positive.", nameof(spec));
        if (!(spec.WeightDecay >= 0f && float.IsFinite(spec.WeightDecay)))
            throw new ArgumentException($"OptimizerSpec.WeightDecay is {spec.WeightDecay}; it must be ≥ 0.", nameof(spec));
        return spec.Kind switch
        {
            OptimizerKind.Sgd => new Sgd(parameters, spec.Momentum, spec.Nesterov, spec.WeightDecay),
            OptimizerKind.Adam => new Adam(parameters, spec.Beta1, spec.Beta2, spec.Epsilon, spec.WeightDecay, decoupledWeightDecay: false),
            OptimizerKind.AdamW => new Adam(parameters, spec.Beta1, spec.Beta2, spec.Epsilon, spec.WeightDecay, decoupledWeightDecay: true),
            _ => throw new ArgumentException($"Unknown optimiser {spec.Kind}.", nameof(spec)),
        };
    }
}
