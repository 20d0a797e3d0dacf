using System;
using System.Collections.Generic;
using System.Linq;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Compiled;
using Compiled.Checkpoints;
using Compiled.Hosting;

namespace StreamingScores;

/// <summary>
/// Writes each pane as one line of an exactly-once output file: visible once the checkpoint after it is complete. It
/// commits with the checkpoints as its file does (the parallel runner finds the sinks of its shards that do).
/// </summary>
/// <param name="output">The output file's transactional sink.</param>
public sealed class CommittedPaneWriter(TransactionalFileSink output) : ISink<KV<string, long>>, ITransactionalSink
{
    /// <summary>Panes written in this process (the output file holds those of earlier runs too).</summary>
    public long Count { get; private set; }

    /// <summary>Writes one pane, as <see cref="PaneWriter"/> prints it.</summary>
    /// <param name="element">A team's total in a window.</param>
    public void Receive(in WindowedValue<KV<string, long>> element)
    {
        Count++;
        output.Write(PaneWriter.Line(element));
    }

    /// <inheritdoc/>
    public void PrepareCommit(long checkpointId, System.Buffers.IBufferWriter<byte> handle) => output.PrepareCommit(checkpointId, handle);

    /// <inheritdoc/>
    public void Commit(long checkpointId, ReadOnlySpan<byte> handle) => output.Commit(checkpointId, handle);

    /// <inheritdoc/>
    public void Recover(long checkpointId, ReadOnlySpan<byte> handle) => output.Recover(checkpointId, handle);

    /// <inheritdoc/>
    public void RecoverOrphan(long checkpointId, ReadOnlySpan<byte> handle) => output.RecoverOrphan(checkpointId, handle);
}

/// <summary>
/// The streaming job that survives restarts: StreamingScores' pipeline reading a file through <see cref="TextFileSource"/>
/// (its position in each checkpoint), writing the panes through <see cref="TransactionalFileSink"/> (committed with each
/// checkpoint), and checkpointing the runner's state (open windows, watermark) into a directory every interval. Killed
/// at any moment and started again with the same arguments, it resumes from its latest complete checkpoint, and the
/// output file ends as that of a run that was never stopped: no pane lost, none written twice.
/// </summary>
/// <remarks>
/// <para>Dead letters go to standard error as they are met, so after a restart those read again since the checkpoint are
/// reported again (at least once); the output file is exactly-once.</para>
/// <para>With a parallelism, the pipeline runs on the streaming parallel runner: the team totals are summed on that many
/// shards, each writing its panes to a file of its own (<see cref="SinkOutput"/>), and checkpoints are taken with
/// barriers aligned in its channels. Started again at another parallelism, the job goes on from its latest checkpoint,
/// each shard taking the keys of its key groups.</para>
/// <para>With several partitions (on the parallel runner), each partition is pushed by a thread of its own, as a Kafka
/// topic's partitions are read: every pusher reads the file through a source of its own, attached to its partition
/// (its position is in the partition's part of each checkpoint), and takes the lines whose number falls to it. Each
/// partition moves its own watermark; the checkpoints are begun by the job's thread, and each partition writes its part
/// where its pusher has pushed what it read.</para>
/// </remarks>
public sealed class DurableScoresJob : IStreamingJob, IAsyncDisposable
{
    private readonly TextFileSource[] _sources; // one per partition: with one, registered with the checkpointer; with several, attached to their partitions
    private readonly Checkpointer _checkpointer;
    private readonly TeamScoresPipeline.Runner<EventTimeTracker, CommittedPaneWriter, DeadLetterWriter>? _single;
    private readonly TeamScoresPipeline.ParallelRunner<EventTimeTracker, CommittedPaneWriter, DeadLetterWriter>? _parallel;
    private readonly List<TransactionalFileSink> _sinkFiles = new(); // the output files: the single runner's, or one per partition and shard
    private TeamScoresPipeline.Runner<EventTimeTracker, CommittedPaneWriter, DeadLetterWriter>? _runner; // the one pushed into: the single runner, or partition 0 once restored
    private readonly long _maxDelayMs;
    private readonly double _linesPerSecond;
    private bool _restored;
    private bool _ended;

    /// <summary>Creates the job; <see cref="RunAsync"/> restores its latest checkpoint first.</summary>
    /// <param name="input">The CSV file (a file: a checkpoint keeps a position in it).</param>
    /// <param name="output">The output file of panes, written exactly once.</param>
    /// <param name="checkpoints">The directory of checkpoints (created when missing).</param>
    /// <param name="interval">How often a checkpoint is taken, and so how soon panes appear in the output.</param>
    /// <param name="deadLetters">Where malformed lines are reported.</param>
    /// <param name="maxDelay">The bounded out-of-orderness: the watermark trails the latest event time by this much.</param>
    /// <param name="linesPerSecond">Reads at most this many lines a second (0: as fast as it can), to watch or test a run.</param>
    /// <param name="onDeadLetter">Also told of each malformed line (a dashboard's dead-letter log); <see langword="null"/> for none.</param>
    /// <param name="parallelism">0: the single-threaded runner, writing <paramref name="output"/>; otherwise the parallel runner with this many shards, each writing its own file (<see cref="SinkOutput"/>).</param>
    /// <param name="partitions">The parallel runner's partitions, each pushed by a thread of its own (line n goes to partition (n - 1) mod partitions).</param>
    public DurableScoresJob(string input, string output, string checkpoints, TimeSpan interval, TextWriter deadLetters, TimeSpan maxDelay, double linesPerSecond = 0, Action<DeadLetter>? onDeadLetter = null, int parallelism = 0, int partitions = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parallelism);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        if (partitions > 1 && parallelism == 0)
        {
            throw new ArgumentException("Several partitions run on the parallel runner: give a parallelism.", nameof(partitions));
        }

        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(linesPerSecond);
        _sources = Enumerable.Range(0, partitions).Select(_ => new TextFileSource(input)).ToArray();
        _checkpointer = new Checkpointer(checkpoints, new CheckpointOptions { Interval = interval, Name = "StreamingScores" });
        _maxDelayMs = (long)maxDelay.TotalMilliseconds;
        _linesPerSecond = linesPerSecond;

        // The names are the checkpoint's parts: the same from run to run.
        if (partitions == 1)
        {
            _checkpointer.Register("lines", _sources[0]);
        }
        if (parallelism == 0)
        {
            var file = new TransactionalFileSink(output);
            _sinkFiles.Add(file);
            _single = TeamScoresPipeline.CreateRunner(new EventTimeTracker(), new CommittedPaneWriter(file), new DeadLetterWriter(deadLetters, onDeadLetter));
            _checkpointer.Register("pipeline", _single);
            _checkpointer.Register("teamTotals", file);
        }
        else
        {
            // A sink per partition and shard, in the order the runner makes them: its index names its file.
            _parallel = TeamScoresPipeline.CreateParallelRunner(
                () => new EventTimeTracker(),
                () =>
                {
                    var file = new TransactionalFileSink(SinkOutput(output, _sinkFiles.Count));
                    _sinkFiles.Add(file);
                    return new CommittedPaneWriter(file);
                },
                () => new DeadLetterWriter(deadLetters, onDeadLetter),
                new Compiled.Parallel.ParallelRunnerOptions { Parallelism = parallelism, Partitions = partitions });
            _checkpointer.Register("pipeline", _parallel); // its shards' sinks commit with its part
            if (partitions > 1)
            {
                for (var i = 0; i < partitions; i++)
                {
                    _parallel.AttachSource(i, "lines", _sources[i]);
                }
            }
        }
    }

    /// <summary>The file of the parallel runner's team-totals sink number <paramref name="sink"/> (the partitions' first, which write none; then the shards').</summary>
    /// <param name="output">The job's output path.</param>
    /// <param name="sink">The sink's index.</param>
    /// <returns>The file's path.</returns>
    public static string SinkOutput(string output, int sink) => output + ".sink-" + sink.ToString(CultureInfo.InvariantCulture);

    /// <summary>The checkpoint the run started from, or null when it started from the beginning.</summary>
    public long? RestoredFrom { get; private set; }

    /// <summary>Checkpoints completed by this process.</summary>
    public long Checkpoints => _checkpointer.CompletedCount;

    /// <summary>Lines read, counted from the start of the input (earlier runs included; with several partitions, by the one furthest on).</summary>
    public long Lines => _sources.Max(static source => source.LineNumber);

    /// <summary>
    /// Restores the latest checkpoint, reads the rest of the file, fires the windows still open, and takes a final
    /// checkpoint, which commits the last panes.
    /// </summary>
    /// <param name="cancellationToken">Stops reading early (with a checkpoint: the next run resumes there).</param>
    /// <returns>A task that completes when the final checkpoint is committed.</returns>
    public async Task RunToEndAsync(CancellationToken cancellationToken = default)
    {
        await RunAsync(cancellationToken).ConfigureAwait(false);
        await DrainAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Restores the latest checkpoint and reads the file until its end or until <paramref name="stoppingToken"/> is
    /// cancelled, checkpointing every interval (under the generic host: <see cref="StreamingPipelineService{TJob}"/>).
    /// </summary>
    /// <param name="stoppingToken">Stops reading.</param>
    /// <returns>A task that completes when reading stops.</returns>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (!_restored)
        {
            RestoredFrom = await _checkpointer.RestoreAsync(stoppingToken).ConfigureAwait(false);
            _runner = _single ?? _parallel!.Partition(0);
            _restored = true;
        }

        if (_sources.Length > 1)
        {
            await RunPartitionsAsync(stoppingToken).ConfigureAwait(false);
            return;
        }

        if (_runner!.IsFinished)
        {
            _ended = true;
            return;
        }

        var source = _sources[0];
        var pacer = new LinePacer(_linesPerSecond);
        var startLine = source.LineNumber;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!source.TryReadLine(out var line))
            {
                _ended = true;
                return;
            }

            ScoresStep.Push(_runner, new SourceLine(source.LineNumber, line), _maxDelayMs);
            _checkpointer.TryCheckpoint();
            var delay = pacer.DelayAfter(source.LineNumber - startLine);
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>
    /// After reading stopped: at the end of the file, fires the windows still open and takes the final checkpoint, which
    /// commits the last panes; stopped before the end, takes a checkpoint of where it stopped (the windows stay open for
    /// the next run, which resumes there).
    /// </summary>
    /// <param name="cancellationToken">Not used: the checkpoint is written whole or not at all.</param>
    /// <returns>A task that completes when the checkpoint is committed.</returns>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            if (_parallel is not null)
            {
                _parallel.Finish(); // every partition (those restored as finished are left as they are) and every shard
            }
            else if (!_single!.IsFinished)
            {
                _single.Finish();
            }

            await _checkpointer.CompleteAsync().ConfigureAwait(false);
            return;
        }

        var checkpoint = _checkpointer.CheckpointAsync();
        _checkpointer.TryCheckpoint();
        while (_sources.Length > 1 && !checkpoint.IsCompleted)
        {
            // The pushers have stopped, with what they read pushed: each partition is at rest for this thread now.
            for (var i = 0; i < _sources.Length; i++)
            {
                _parallel!.AtRest(i);
            }

            await Task.WhenAny(checkpoint, Task.Delay(1)).ConfigureAwait(false);
        }

        await checkpoint.ConfigureAwait(false);
    }

    /// <summary>
    /// Pushes every partition from a thread of its own until the file ends or <paramref name="stoppingToken"/> is cancelled,
    /// while this thread begins the checkpoints.
    /// </summary>
    private async Task RunPartitionsAsync(CancellationToken stoppingToken)
    {
        var pushers = Enumerable.Range(0, _sources.Length)
            .Select(i => Task.Factory.StartNew(() => Pump(i, stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default))
            .ToArray();
        var all = Task.WhenAll(pushers);
        while (!all.IsCompleted)
        {
            _checkpointer.TryCheckpoint();
            await Task.WhenAny(all, Task.Delay(5, CancellationToken.None)).ConfigureAwait(false);
        }

        var ended = await all.ConfigureAwait(false);
        _ended = ended.All(static e => e);
    }

    /// <summary>
    /// One partition's pusher: reads the file through the partition's source, pushes the lines that fall to it, and is at
    /// rest after each line; at the end of the file it finishes its partition.
    /// </summary>
    /// <returns>True when the file ended (the partition is finished); false when stopped first.</returns>
    private bool Pump(int index, CancellationToken stoppingToken)
    {
        var partition = _parallel!.Partition(index);
        if (partition.IsFinished)
        {
            return true;
        }

        var source = _sources[index];
        var pacer = new LinePacer(_linesPerSecond);
        var startLine = source.LineNumber;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!source.TryReadLine(out var line))
            {
                partition.Finish();
                _parallel.AtRest(index);
                return true;
            }

            if ((source.LineNumber - 1) % _sources.Length == index)
            {
                ScoresStep.Push(partition, new SourceLine(source.LineNumber, line), _maxDelayMs);
            }

            _parallel.AtRest(index);
            var delay = pacer.DelayAfter(source.LineNumber - startLine);
            if (delay > TimeSpan.Zero && stoppingToken.WaitHandle.WaitOne(delay))
            {
                return false;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public StreamingJobCounts Counts => new(Lines, PanesWritten, _parallel?.DroppedLateElements ?? _single!.DroppedLateElements, _runner?.DeadLetters.Count ?? 0);

    /// <summary>Panes written by this process (read while the job runs, a moment old with the parallel runner).</summary>
    private long PanesWritten => _parallel is not null ? _parallel.TeamTotalsSinks().Sum(static sink => sink.Count) : _single!.TeamTotals.Count;

    /// <summary>The end-of-run summary of this process.</summary>
    /// <returns>One line.</returns>
    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"{Lines:N0} lines read in all ({(RestoredFrom is { } id ? "resumed from checkpoint " + id : "from the start")}); {PanesWritten:N0} panes written by this run; {Checkpoints:N0} checkpoints");

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _parallel?.Dispose();
        await _checkpointer.DisposeAsync().ConfigureAwait(false);
        _sinkFiles.ForEach(static file => file.Dispose());
        foreach (var source in _sources)
        {
            source.Dispose();
        }
    }
}
