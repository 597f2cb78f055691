namespace EnsembleFarm.Models.Nn;

/// <summary>How a convolution treats the ends of its input.</summary>
public enum Conv1dPadding
{
    /// <summary>(kernel − 1)/2 zeros at each end (kernel odd): the output is as long as the input.</summary>
    Same,

    /// <summary>No padding: the output is kernel − 1 shorter than the input.</summary>
    Valid,
}

/// <summary>
/// One stage of a cnn1d network's convolutional front, as PyTorch builds it: <c>Conv1d(channels, Filters, Kernel,
/// stride 1, padding)</c> → [<c>BatchNorm1d(Filters)</c>] → the network's activation → [<c>MaxPool1d(Pool)</c>].
/// The first stage reads the standardised features as one channel of length = the number of features (a spectrum's bins).
/// </summary>
/// <param name="Pool">Max-pooling window and stride; 1 pools nothing. A remainder shorter than the window is dropped (PyTorch's floor mode).</param>
public sealed record Conv1dStage(int Filters, int Kernel, int Pool = 1, Conv1dPadding Padding = Conv1dPadding.Same)
{
    /// <summary>The zeros added at each end of the input.</summary>
    public int PaddingWidth => Padding == Conv1dPadding.Same ? (Kernel - 1) / 2 : 0;

    /// <summary>Positions the stage's output holds for an input of <paramref name="inputLength"/> positions (0 or less: none).</summary>
    public int OutputLength(int inputLength)
    {
        var convolved = inputLength + 2 * PaddingWidth - Kernel + 1;
        return convolved < Pool ? 0 : convolved / Pool;
    }

    /// <summary>The 0-based index of the first stage that leaves no position of an input this long, or null when every stage leaves some.</summary>
    public static int? FirstEmptyStage(IReadOnlyList<Conv1dStage> stages, int inputLength)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var length = inputLength;
        for (var i = 0; i < stages.Count; i++)
        {
            length = stages[i].OutputLength(length);
            if (length <= 0) return i;
        }
        return null;
    }
}
