using EnsembleFarm.Models.Training;
using Xunit;

namespace EnsembleFarm.Models.Tests.Training;

public class LossTests
{
    public static TheoryData<string> Losses => [.. Cases.Keys];

    private static readonly Dictionary<string, (Loss Loss, int Width, float[] Targets)> Cases = new()
    {
        ["binary cross-entropy"] = (new SigmoidCrossEntropyLoss(), 1, [1, 0, 1, 0]),
        ["binary cross-entropy, class weights"] = (new SigmoidCrossEntropyLoss(classWeights: [0.3f, 2f]), 1, [1, 0, 1, 0]),
        ["binary focal γ=2 α=0.25"] = (new SigmoidCrossEntropyLoss(2f, 0.25f), 1, [1, 0, 0, 1]),
        ["binary focal γ=0.5, class weights"] = (new SigmoidCrossEntropyLoss(0.5f, null, [1f, 3f]), 1, [0, 1, 1, 0]),
        ["softmax cross-entropy"] = (new SoftmaxCrossEntropyLoss(3), 3, [0, 2, 1, 2]),
        ["softmax cross-entropy, class weights"] = (new SoftmaxCrossEntropyLoss(3, classWeights: [1f, 0.5f, 4f]), 3, [0, 2, 1, 2]),
        ["softmax focal γ=2 α=0.5"] = (new SoftmaxCrossEntropyLoss(3, 2f, 0.5f), 3, [1, 1, 0, 2]),
        ["mse"] = (new MseLoss(), 2, [0.5f, -1f, 2f, 0f, 1f, 1f, -0.3f, 0.7f]),
        ["huber δ=0.5"] = (new HuberLoss(0.5f), 2, [0.5f, -1f, 2f, 0f, 1f, 1f, -0.3f, 0.7f]),
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Gradient_matches_central_differences(string name)
    {
        var (loss, width, targets) = Cases[name];
        const int rows = 4;
        var rng = new Rng(17);
        var outputs = new float[rows * width];
        for (var i = 0; i < outputs.Length; i++) outputs[i] = 1.5f * (float)rng.NextGaussian();
        var gradient = new float[outputs.Length];
        loss.Evaluate(outputs, targets, rows, gradient, gradientScale: 0.5f);

        const float step = 1e-3f;
        for (var i = 0; i < outputs.Length; i++)
        {
            var plus = (float[])outputs.Clone();
            var minus = (float[])outputs.Clone();
            plus[i] += step;
            minus[i] -= step;
            var numeric = 0.5 * (loss.Evaluate(plus, targets, rows, []) - loss.Evaluate(minus, targets, rows, [])) / (plus[i] - minus[i]);
            Assert.True(Math.Abs(numeric - gradient[i]) < 1e-4 + 1e-3 * Math.Abs(numeric),
                $"{name}: ∂loss/∂output[{i}] analytic {gradient[i]}, numeric {numeric}");
        }
    }

    [Fact]
    public void Binary_cross_entropy_is_the_mean_negative_log_likelihood_and_stays_finite_for_huge_logits()
    {
        var loss = new SigmoidCrossEntropyLoss();
        float[] logits = [2f, -1f];
        float[] labels = [1f, 1f];
        var expected = -(Math.Log(1 / (1 + Math.Exp(-2.0))) + Math.Log(1 / (1 + Math.Exp(1.0)))) / 2;
        Assert.Equal(expected, loss.Evaluate(logits, labels, 2, []), 1e-6);
        var gradient = new float[2];
        var extreme = loss.Evaluate([1000f, -1000f], [0f, 1f], 2, gradient);
        Assert.Equal(1000.0, extreme, 1e-6);
        Assert.Equal([0.5f, -0.5f], gradient);
    }

    [Fact]
    public void Focal_loss_follows_its_formula_and_down_weights_easy_examples()
    {
        const double gamma = 2, alpha = 0.25;
        var focal = new SigmoidCrossEntropyLoss((float)gamma, (float)alpha);
        var p = 1 / (1 + Math.Exp(-1.0));
        var positive = -alpha * Math.Pow(1 - p, gamma) * Math.Log(p);
        var negative = -(1 - alpha) * Math.Pow(p, gamma) * Math.Log(1 - p);
        Assert.Equal((positive + negative) / 2, focal.Evaluate([1f, 1f], [1f, 0f], 2, []), 1e-6);

        var plain = new SigmoidCrossEntropyLoss();
        var easy = focal.Evaluate([4f], [1f], 1, []) / plain.Evaluate([4f], [1f], 1, []);
        var hard = focal.Evaluate([-1f], [1f], 1, []) / plain.Evaluate([-1f], [1f], 1, []);
        Assert.True(easy < hard / 10, $"focal/plain ratio: easy {easy}, hard {hard}");
    }

    [Fact]
    public void Class_weight_multiplies_the_loss_of_its_class_rows()
    {
        var plain = new SoftmaxCrossEntropyLoss(3).Evaluate([0.2f, 1f, -1f], [2f], 1, []);
        var weighted = new SoftmaxCrossEntropyLoss(3, classWeights: [1f, 1f, 3f]).Evaluate([0.2f, 1f, -1f], [2f], 1, []);
        Assert.Equal(3 * plain, weighted, 1e-9);
    }

    [Theory]
    [InlineData(LossKind.SoftmaxCrossEntropy, TaskKind.Binary, "does not fit")]
    [InlineData(LossKind.Mse, TaskKind.Multiclass, "does not fit")]
    [InlineData(LossKind.BinaryCrossEntropy, TaskKind.Regression, "does not fit")]
    public void Create_rejects_a_loss_that_does_not_fit_the_task(LossKind kind, TaskKind task, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Loss.Create(new LossSpec(kind), task, task == TaskKind.Regression ? 0 : 3));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Create_rejects_class_weights_of_the_wrong_count()
    {
        var error = Assert.Throws<ArgumentException>(() => Loss.Create(new LossSpec(ClassWeights: [1f, 2f]), TaskKind.Multiclass, 3));
        Assert.Contains("ClassWeights has 2 weights but the task has 3 classes", error.Message);
    }
}
