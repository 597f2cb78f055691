using EnsembleFarm.Domain.Aggregation;
using EnsembleFarm.Models;
using EnsembleFarm.Models.Data;

namespace EnsembleFarm.Domain.Prediction;

/// <summary>
/// Runs a stored ensemble on new rows: every member's network on every row, combined by the same rules as the
/// campaign's report (binary and multi-class: average and vote, with the vote's tie rule; regression: mean and median),
/// with the members' spread. The CSV is streamed in batches of <see cref="BatchRows"/> rows through a pipeline: one
/// thread reads, each worker thread predicts whole batches with its own copies of the members, and the calling thread
/// writes in file order; buffers are reused, so memory does not grow with the file. A member's prediction for a row is
/// bit-identical to <see cref="TrainedModel.Predict(ReadOnlySpan{float}, int)"/> on the whole file, and the combined
/// columns to what the report gives for the same predictions. Output columns: <see cref="Columns"/>; docs/results.md.
/// </summary>
public sealed class EnsemblePredictor
{
    /// <summary>Rows per batch: whole inference chunks, so that batching does not change a single bit.</summary>
    public const int BatchRows = 16 * TrainedModel.InferenceChunkRows;

    private readonly TrainedModel[] _members;
    private readonly IEnsembleRule[] _rules;
    private readonly int _width;

    /// <param name="members">The ensemble's models in member index order, the order the report combines them in.</param>
    /// <exception cref="ArgumentException">No member, or members that differ in task, classes, outputs or feature columns.</exception>
    public EnsemblePredictor(IReadOnlyList<TrainedModel> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count == 0) throw new ArgumentException("An ensemble needs at least one member.", nameof(members));
        var first = members[0];
        for (var m = 1; m < members.Count; m++)
        {
            var member = members[m];
            if (member.Task != first.Task || member.ClassCount != first.ClassCount || member.OutputWidth != first.OutputWidth)
            {
                throw new ArgumentException(
                    $"Member {m} predicts {member.Task} with {member.OutputWidth} outputs, but member 0 predicts {first.Task} with {first.OutputWidth}: "
                    + "they are not members of one ensemble.", nameof(members));
            }
            if (!member.FeatureNames.SequenceEqual(first.FeatureNames, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    $"Member {m} was trained on the features {string.Join(", ", member.FeatureNames)}, member 0 on {string.Join(", ", first.FeatureNames)}: "
                    + "they are not members of one ensemble.", nameof(members));
            }
        }
        _members = [.. members];
        _rules = EnsembleRules.For(first.Task, first.ClassCount);
        _width = first.OutputWidth;
        Rules = _rules.Select(r => r.Info).ToList();
    }

    /// <summary>What the members predict: the campaign's task.</summary>
    public TaskKind Task => _members[0].Task;

    /// <summary>2 for binary, K for multi-class, 0 for regression.</summary>
    public int ClassCount => _members[0].ClassCount;

    /// <summary>How many members are combined.</summary>
    public int Members => _members.Length;

    /// <summary>The feature columns the input must have, in this order relative to each other.</summary>
    public IReadOnlyList<string> FeatureNames => _members[0].FeatureNames;

    /// <summary>The combination rules, in column order.</summary>
    public IReadOnlyList<RuleInfo> Rules { get; }

    /// <summary>How a classification vote with no single winner is decided; null for regression.</summary>
    public string? TieRule => EnsembleRules.TieRule(Task);

    /// <summary>
    /// The output header: <c>row</c> (0-based data row of the input), <c>id</c> when the input has the id column, then
    /// each rule's score, each rule's decision (classification), <c>member_std</c> and (except multi-class)
    /// <c>member_q16</c>, <c>member_q84</c>; a value with several parts gets a <c>_k</c> suffix per class or target.
    /// </summary>
    public IReadOnlyList<string> Columns(bool withIds) =>
    [
        "row",
        .. withIds ? ["id"] : Array.Empty<string>(),
        .. PredictionColumns.Names(Rules, _width, Task != TaskKind.Regression, Task != TaskKind.Multiclass),
    ];

    /// <summary>
    /// Predicts every row of <paramref name="input"/> (CSV with a header, as <see cref="CsvFeatureReader"/> reads it) and
    /// writes one CSV line per row to <paramref name="output"/>, header first (<see cref="Columns"/>).
    /// </summary>
    /// <param name="sourceName">How error messages name the input (usually its path).</param>
    /// <exception cref="DataFormatException">
    /// The input is empty or has no data rows; a feature column is missing or out of the training order; a row has the
    /// wrong number of cells; a feature cell is empty, not a number, NaN or infinite. The message names the line and column.
    /// The batches read before the bad row's batch have been written.
    /// </exception>
    public PredictionSummary Predict(TextReader input, string sourceName, TextWriter output, PredictOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(output);
        options ??= PredictOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegative(options.Threads);
        var reader = new CsvFeatureReader(input, sourceName, FeatureNames, options.IdColumn);
        var csv = new CsvRowWriter(output);
        foreach (var column in Columns(reader.HasIds)) csv.Text(column);
        csv.EndRow();

        var workers = options.Threads == 0 ? Environment.ProcessorCount : options.Threads;
        var rows = PredictionPipeline.Run(reader, output, workers, BatchRows, () => new Worker(this), (worker, batch) => worker.Predict(batch));
        return new PredictionSummary(rows, reader.HasIds);
    }

    /// <summary>One pipeline thread's copies of the members (a model predicts on one thread at a time) and their output buffers.</summary>
    private sealed class Worker(EnsemblePredictor ensemble)
    {
        private readonly TrainedModel[] _members = [.. ensemble._members.Select(m => m.Clone())];
        private readonly float[][] _predictions = [.. ensemble._members.Select(_ => new float[BatchRows * ensemble._width])];

        public void Predict(PredictionBatch batch)
        {
            var features = batch.Features.AsSpan(0, batch.Rows * ensemble.FeatureNames.Count);
            for (var m = 0; m < _members.Length; m++) _members[m].Predict(features, batch.Rows, _predictions[m]);
            ensemble.Write(new CsvRowWriter(batch.Text), batch, new MemberPredictions(_predictions, batch.Rows, ensemble._width));
        }
    }

    private void Write(CsvRowWriter csv, PredictionBatch batch, MemberPredictions members)
    {
        var outputs = _rules.Select(rule => rule.Combine(members, members.Count)).ToArray();
        var spread = SpreadColumns.Of(Task, members);
        for (var row = 0; row < members.Rows; row++)
        {
            csv.Integer(batch.FirstRow + row);
            if (batch.Ids.Length > 0) csv.Text(batch.Ids[row]);
            foreach (var output in outputs) csv.Numbers(output.Scores.AsSpan(row * _width, _width));
            if (Task != TaskKind.Regression)
                foreach (var output in outputs) csv.Integer(output.Decisions![row]);
            csv.Numbers(spread.Std.AsSpan(row * _width, _width));
            if (spread.Q16 is not null)
            {
                csv.Numbers(spread.Q16.AsSpan(row * _width, _width));
                csv.Numbers(spread.Q84!.AsSpan(row * _width, _width));
            }
            csv.EndRow();
        }
    }
}
