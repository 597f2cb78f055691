using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using EnsembleFarm.Models.Data;

namespace EnsembleFarm.Domain.Prediction;

/// <summary>
/// Streams a CSV through prediction with every core busy and no barrier between batches: one thread reads batches, each
/// of the worker threads takes the next batch and turns it into CSV text on its own (with its own copies of the members),
/// and the calling thread writes the texts in file order. A fixed pool of batches bounds memory and lets a slow stage
/// hold back the others. A read error stops the reading; the batches read before it are still written, then the error is
/// thrown.
/// </summary>
internal static class PredictionPipeline
{
    /// <param name="createWorker">Makes one worker's state (member copies, buffers); called once on each worker thread.</param>
    /// <param name="predict">Writes a batch's output lines to its <see cref="PredictionBatch.Text"/>, with a worker's state.</param>
    /// <returns>The number of data rows.</returns>
    public static int Run<TWorker>(
        CsvFeatureReader reader, TextWriter output, int workers, int batchRows, Func<TWorker> createWorker, Action<TWorker, PredictionBatch> predict)
    {
        using var free = new BlockingCollection<PredictionBatch>();
        for (var i = 0; i < 2 * workers + 2; i++) free.Add(new PredictionBatch(batchRows, reader.FeatureNames.Count, reader.HasIds, output.NewLine));
        using var toPredict = new BlockingCollection<PredictionBatch>();
        using var stop = new CancellationTokenSource();
        // Guarded by its own lock: predicted batches by sequence, how many batches reading produced (-1 while it runs), a worker's failure.
        var predicted = new Dictionary<int, PredictionBatch>();
        var batchesRead = -1;
        ExceptionDispatchInfo? readError = null, workerError = null;

        void Signal(Action change)
        {
            lock (predicted)
            {
                change();
                Monitor.PulseAll(predicted);
            }
        }

        void Read()
        {
            var sequence = 0;
            var firstRow = 0;
            try
            {
                while (true)
                {
                    var batch = free.Take(stop.Token);
                    batch.Rows = reader.ReadBatch(batch.Features, batch.Ids);
                    if (batch.Rows == 0) break;
                    (batch.Sequence, batch.FirstRow) = (sequence++, firstRow);
                    firstRow += batch.Rows;
                    toPredict.Add(batch);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The writer is done or failed: nothing more to read.
            }
            catch (Exception e)
            {
                readError = ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                toPredict.CompleteAdding();
                Signal(() => batchesRead = sequence);
            }
        }

        void Predict()
        {
            try
            {
                var worker = createWorker();
                foreach (var batch in toPredict.GetConsumingEnumerable(stop.Token))
                {
                    batch.Text.GetStringBuilder().Clear();
                    predict(worker, batch);
                    Signal(() => predicted.Add(batch.Sequence, batch));
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The writer is done or failed: nothing more to predict.
            }
            catch (Exception e)
            {
                Signal(() => workerError ??= ExceptionDispatchInfo.Capture(e));
            }
        }

        PredictionBatch? Next(int sequence)
        {
            lock (predicted)
            {
                while (true)
                {
                    if (predicted.Remove(sequence, out var batch)) return batch;
                    workerError?.Throw();
                    if (batchesRead >= 0 && sequence >= batchesRead) return null;
                    Monitor.Wait(predicted);
                }
            }
        }

        Task[] tasks = [Task.Run(Read), .. Enumerable.Range(0, workers).Select(_ => Task.Factory.StartNew(Predict, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))];
        var rows = 0;
        try
        {
            for (var sequence = 0; Next(sequence) is { } batch; sequence++)
            {
                output.Write(batch.Text.GetStringBuilder());
                rows += batch.Rows;
                free.Add(batch);
            }
        }
        finally
        {
            // Done, or the writer failed: either way nothing more is needed from the other threads, which end without throwing.
            stop.Cancel();
            Task.WaitAll(tasks);
        }
        readError?.Throw();
        return rows;
    }
}
