using EnsembleFarm.Models.Nn;
using EnsembleFarm.Models.Training;
using Xunit;

namespace EnsembleFarm.Models.Tests.Training;

public class OptimizerTests
{
    private static Parameter Scalar(float value, float gradient)
    {
        var parameter = new Parameter("w", 1);
        parameter.Value.Data[0] = value;
        parameter.Gradient[0] = gradient;
        return parameter;
    }

    /// <summary>Runs steps on f(w) = w²/2 (gradient w) and returns the trajectory.</summary>
    private static float[] Trajectory(Func<IReadOnlyList<Parameter>, Optimizer> create, float learningRate, int steps)
    {
        var w = Scalar(1f, 0f);
        var optimizer = create([w]);
        var values = new float[steps];
        for (var i = 0; i < steps; i++)
        {
            w.Gradient[0] = w.Value.Data[0];
            optimizer.Step(learningRate);
            values[i] = w.Value.Data[0];
        }
        return values;
    }

    [Fact]
    public void Sgd_with_momentum_follows_the_pytorch_rule()
    {
        // v1 = g1 = 1, w1 = 1 − 0.1 = 0.9; v2 = 0.9·1 + 0.9 = 1.8, w2 = 0.9 − 0.18 = 0.72.
        var values = Trajectory(p => new Sgd(p, momentum: 0.9f), 0.1f, 2);
        Assert.Equal(0.9f, values[0], 1e-6f);
        Assert.Equal(0.72f, values[1], 1e-6f);
    }

    [Fact]
    public void Sgd_with_nesterov_looks_ahead_along_the_velocity()
    {
        // v1 = 1, w1 = 1 − 0.1·(1 + 0.9·1) = 0.81; v2 = 0.9 + 0.81 = 1.71, w2 = 0.81 − 0.1·(0.81 + 0.9·1.71) = 0.5751.
        var values = Trajectory(p => new Sgd(p, momentum: 0.9f, nesterov: true), 0.1f, 2);
        Assert.Equal(0.81f, values[0], 1e-6f);
        Assert.Equal(0.5751f, values[1], 1e-6f);
    }

    [Fact]
    public void Sgd_weight_decay_adds_the_l2_gradient()
    {
        var w = Scalar(2f, 0f);
        new Sgd([w], weightDecay: 0.5f).Step(0.1f);
        Assert.Equal(2f - 0.1f * 0.5f * 2f, w.Value.Data[0], 1e-6f);
    }

    [Fact]
    public void Adam_first_step_moves_by_the_learning_rate_against_the_gradient()
    {
        var w = Scalar(1f, 0.003f);
        var v = Scalar(1f, -40f);
        new Adam([w, v]).Step(0.01f);
        Assert.Equal(0.99f, w.Value.Data[0], 1e-5f);
        Assert.Equal(1.01f, v.Value.Data[0], 1e-5f);
    }

    [Fact]
    public void AdamW_decays_weights_directly_while_adam_adds_decay_to_the_gradient()
    {
        var decoupled = Scalar(1f, 0f);
        new Adam([decoupled], weightDecay: 0.1f, decoupledWeightDecay: true).Step(0.01f);
        Assert.Equal(1f * (1f - 0.01f * 0.1f), decoupled.Value.Data[0], 1e-7f);

        var coupled = Scalar(1f, 0f);
        new Adam([coupled], weightDecay: 0.1f).Step(0.01f);
        Assert.Equal(0.99f, coupled.Value.Data[0], 1e-5f);
    }

    [Fact]
    public void Adam_converges_on_a_quadratic()
    {
        var values = Trajectory(p => new Adam(p), 0.05f, 400);
        Assert.True(Math.Abs(values[^1]) < 0.05f, $"w after 400 steps: {values[^1]}");
    }

    [Fact]
    public void Gradient_clipping_scales_the_global_norm_down_and_leaves_small_gradients_alone()
    {
        var a = Scalar(0f, 3f);
        var b = Scalar(0f, 4f);
        var optimizer = new Sgd([a, b]);
        Assert.Equal(5.0, optimizer.ClipGradientNorm(1f), 1e-9);
        Assert.Equal(0.6f, a.Gradient[0], 1e-5f);
        Assert.Equal(0.8f, b.Gradient[0], 1e-5f);
        optimizer.ClipGradientNorm(10f);
        Assert.Equal(0.6f, a.Gradient[0], 1e-5f);
    }

    [Fact]
    public void Schedules_warm_up_then_step_or_anneal()
    {
        var step = new LearningRateSchedule(new ScheduleSpec(ScheduleKind.Step, StepEpochs: 2, StepGamma: 0.5f, WarmupEpochs: 1), 1f, 10);
        Assert.Equal([0.5f, 1f, 1f, 0.5f, 0.5f, 0.25f], Enumerable.Range(0, 6).Select(step.At));

        var cosine = new LearningRateSchedule(new ScheduleSpec(ScheduleKind.Cosine, MinLearningRate: 0.1f), 1f, 11);
        Assert.Equal(1f, cosine.At(0));
        Assert.Equal(0.55f, cosine.At(5), 1e-6f);
        Assert.Equal(0.1f, cosine.At(10), 1e-6f);

        var constant = new LearningRateSchedule(new ScheduleSpec(), 0.3f, 5);
        Assert.All(Enumerable.Range(0, 5), e => Assert.Equal(0.3f, constant.At(e)));
    }
}
